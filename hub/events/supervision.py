"""Events of post-approval supervision: an approval pushed to enforcement, its inspections."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from hub.events.base import Event, IdentifierType
from hub.topics import Topic


class InspectionResult(StrEnum):
    """Outcome of a post-approval inspection."""

    PASSED = "PASSED"
    RECTIFICATION_REQUIRED = "RECTIFICATION_REQUIRED"
    FAILED = "FAILED"


class SupervisionEvent(Event):
    """Base of every supervision event, keyed by the supervised license."""

    topic: ClassVar[Topic] = Topic.SUPERVISION
    key_field: ClassVar[str] = "license_id"

    license_id: str
    supervision_id: str
    department: str


class SupervisionRequested(SupervisionEvent):
    """An approval was pushed to the enforcement department for post-approval checks."""

    case_id: str
    holder_id_type: IdentifierType
    holder_id_number: str
    holder_name: str
    commitment_based: bool
    due_date: date


class InspectionRecorded(SupervisionEvent):
    """The enforcement department recorded an inspection result."""

    inspector: str
    result: InspectionResult
    findings: str
    rectify_by: date | None = None
