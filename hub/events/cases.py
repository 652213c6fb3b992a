"""Events that close a case: completed, withdrawn, and the applicant's rating."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field

from hub.events.base import AvroInt, Event
from hub.topics import Topic


class CaseOutcome(StrEnum):
    """How a case ended once every task was decided."""

    APPROVED = "APPROVED"
    PARTIALLY_APPROVED = "PARTIALLY_APPROVED"
    REJECTED = "REJECTED"


class CaseEvent(Event):
    """Base of every case event, keyed by the case."""

    topic: ClassVar[Topic] = Topic.APPLICATIONS
    key_field: ClassVar[str] = "case_id"

    case_id: str


class CaseCompleted(CaseEvent):
    """Every task of a case was decided; the case is closed."""

    outcome: CaseOutcome
    approved_task_ids: tuple[str, ...]
    rejected_task_ids: tuple[str, ...] = ()
    working_days: AvroInt


class CaseWithdrawn(CaseEvent):
    """The applicant withdrew a case before it completed."""

    reason: str


class CaseRated(CaseEvent):
    """The applicant rated a finished case (one case, one rating)."""

    score: Annotated[AvroInt, Field(ge=1, le=5)]
    comment: str | None = None
