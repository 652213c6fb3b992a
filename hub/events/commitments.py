"""Events of a commitment: acceptance with gaps, or approval on the applicant's word."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from hub.events.base import Event, IdentifierType
from hub.topics import Topic


class CommitmentKind(StrEnum):
    """What was promised: a missing material later, or that the conditions are met."""

    MISSING_MATERIAL = "MISSING_MATERIAL"
    CONDITIONS_MET = "CONDITIONS_MET"


class CommitmentEvent(Event):
    """Base of every commitment event, keyed by its case so it stays in the case's order."""

    topic: ClassVar[Topic] = Topic.APPLICATIONS
    key_field: ClassVar[str] = "case_id"

    case_id: str
    commitment_id: str


class CommitmentMade(CommitmentEvent):
    """The applicant signed a commitment with a due date."""

    holder_id_type: IdentifierType
    holder_id_number: str
    holder_name: str
    kind: CommitmentKind
    material_code: str | None = None
    statement: str
    due_date: date


class CommitmentFulfilled(CommitmentEvent):
    """A commitment was kept."""

    content_hash: str | None = None


class CommitmentBreached(CommitmentEvent):
    """A commitment was not kept by its due date, or proved false."""

    holder_id_type: IdentifierType
    holder_id_number: str
    due_date: date
    reason: str
