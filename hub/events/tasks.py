"""Events of a department task: dispatched from a case, accepted, paused, decided."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from hub.events.base import AvroInt, Event, ItemCategory, MaterialRef
from hub.topics import Topic


class TaskEvent(Event):
    """Base of every task event: keyed by its case so a case's events stay in order."""

    topic: ClassVar[Topic] = Topic.APPLICATIONS
    key_field: ClassVar[str] = "case_id"

    case_id: str
    task_id: str


class TaskDispatched(TaskEvent):
    """The dispatcher gave one department its task for a case, with its time limits."""

    department: str
    item_code: str
    category: ItemCategory
    commitment_based: bool
    statutory_days: AvroInt
    promised_days: AvroInt
    statutory_due_date: date
    promised_due_date: date
    reused_material_codes: tuple[str, ...] = ()


class TaskAccepted(TaskEvent):
    """A department accepted its task; its clock runs from here."""

    department: str
    officer: str


class SupplementRequested(TaskEvent):
    """A department asked the applicant for more material; the task clock pauses."""

    department: str
    material_codes: tuple[str, ...]
    reason: str
    due_date: date | None = None


class SupplementProvided(TaskEvent):
    """The applicant supplied the requested material; the task clock runs again."""

    materials: tuple[MaterialRef, ...]


class TaskSuspended(TaskEvent):
    """A task was suspended (hearing, expert review, site survey); its clock pauses."""

    reason: str


class TaskResumed(TaskEvent):
    """A suspended task resumed; its limits moved by the working days it was paused."""

    paused_working_days: AvroInt
    statutory_due_date: date
    promised_due_date: date


class TaskApproved(TaskEvent):
    """A department approved its task."""

    department: str
    officer: str
    commitment_based: bool
    working_days_used: AvroInt


class TaskRejected(TaskEvent):
    """A department rejected its task, giving the reason."""

    department: str
    officer: str
    reason: str
    working_days_used: AvroInt


class TaskHandledOnBehalf(TaskEvent):
    """An actor handled a step of a task on behalf of its department; both are recorded."""

    department: str
    actor: str
    actor_organisation: str
    action: str
