"""The credit event: one entry in a subject's integrity record (green light … blacklist)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from hub.events.base import Event, IdentifierType
from hub.topics import Topic


class CreditEffect(StrEnum):
    """What a credit record does to the subject's standing."""

    GREEN_LIGHT = "GREEN_LIGHT"
    WARNING = "WARNING"
    BLACKLIST = "BLACKLIST"


class CreditCause(StrEnum):
    """What led to a credit record."""

    COMMITMENT_BREACH = "COMMITMENT_BREACH"
    FALSE_MATERIAL = "FALSE_MATERIAL"
    INSPECTION_FAILED = "INSPECTION_FAILED"
    LICENSE_REVOKED = "LICENSE_REVOKED"
    GOOD_STANDING = "GOOD_STANDING"


class CreditRecorded(Event):
    """An entry in a subject's integrity record, keyed by the subject's id number."""

    topic: ClassVar[Topic] = Topic.CREDIT
    key_field: ClassVar[str] = "subject_id_number"

    subject_id_type: IdentifierType
    subject_id_number: str
    subject_name: str
    effect: CreditEffect
    cause: CreditCause
    reason: str
    valid_until: date | None = None
    case_id: str | None = None
    license_id: str | None = None
