"""Events of the electronic supervision clock: a task near or past a time limit."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from hub.events.base import AvroInt, Event
from hub.topics import Topic


class ClockKind(StrEnum):
    """Which time limit: the statutory one or the shorter one the window promised."""

    STATUTORY = "STATUTORY"
    PROMISED = "PROMISED"


class DeadlineEvent(Event):
    """Base of the deadline events, keyed by the case of the timed task."""

    topic: ClassVar[Topic] = Topic.APPLICATIONS
    key_field: ClassVar[str] = "case_id"

    case_id: str
    task_id: str
    department: str
    clock: ClockKind
    due_date: date


class DeadlineWarned(DeadlineEvent):
    """A task is close to one of its time limits."""

    working_days_left: AvroInt


class DeadlineOverdue(DeadlineEvent):
    """A task passed one of its time limits undecided."""

    working_days_overdue: AvroInt
