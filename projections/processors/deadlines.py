"""Electronic supervision of time limits (电子监察): every open task is on a working-day clock.

Each task has a promised and a statutory limit in working days from its dispatch. The
clock stops while the department waits for a supplement (SupplementRequested until
SupplementProvided) and while the task is suspended (TaskSuspended until TaskResumed).
A tick warns once per limit when a task has used ``warn_share`` of it (80 % by default)
and reports it overdue once when it passes the limit. Each task stores the day its next
threshold falls due, so a tick reads only the tasks that may have crossed one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import JSON, Column, Connection, Date, Engine, Integer, String, Table, select

from hub.db import insert_ignore
from hub.errors import SettingsError
from hub.events import Event
from hub.events.cases import CaseWithdrawn
from hub.events.deadlines import ClockKind, DeadlineOverdue, DeadlineWarned
from hub.events.tasks import (
    SupplementProvided,
    SupplementRequested,
    TaskApproved,
    TaskDispatched,
    TaskEvent,
    TaskRejected,
    TaskResumed,
    TaskSuspended,
)
from hub.topics import Topic
from hub.workdays import Pause, WorkCalendar
from projections.processors.base import local_day, timed
from projections.processors.journal import JournalledProcessor, TimerKey

DEFAULT_WARN_SHARE: Final = 0.8

#: Events that stop a task's clock, and the events that start it again, by pause kind.
_PAUSING: Final = {SupplementRequested: "supplement", TaskSuspended: "suspension"}
_RESUMING: Final = {SupplementProvided: "supplement", TaskResumed: "suspension"}


@dataclass(frozen=True)
class Threshold:
    """A number of working days used at which one clock warns or is overdue."""

    days: int
    clock: ClockKind
    limit: int
    overdue: bool


class DeadlineSupervisor(JournalledProcessor):
    """Times every open task against its promised and statutory limits."""

    name = "deadlines"
    topics: tuple[Topic, ...] = (Topic.APPLICATIONS,)

    def __init__(
        self, engine: Engine, calendar: WorkCalendar, warn_share: float = DEFAULT_WARN_SHARE
    ) -> None:
        super().__init__(engine)
        if not 0 < warn_share < 1:
            raise SettingsError(f"warn_share must be between 0 and 1 (exclusive), not {warn_share}")
        self.calendar = calendar
        self.warn_share = warn_share
        self.tasks = Table(
            "proc_deadlines_tasks",
            self.metadata,
            Column("task_id", String(160), primary_key=True),
            Column("case_id", String(128), nullable=False, index=True),
            Column("department", String(16), nullable=False),
            Column("started_on", Date, nullable=False),
            Column("statutory_days", Integer, nullable=False),
            Column("promised_days", Integer, nullable=False),
            Column("pauses", JSON, nullable=False),
            Column("next_threshold", Integer, nullable=False),
            Column("check_on", Date, index=True),
        )
        self.create_tables()

    def decide(self, conn: Connection, event: Event, now: datetime) -> list[Event]:
        """Start, pause, restart or stop a task's clock; nothing is emitted here."""
        table = self.tasks
        if isinstance(event, TaskDispatched):
            self._start(conn, event)
        elif isinstance(event, TaskApproved | TaskRejected):
            conn.execute(table.delete().where(table.c.task_id == event.task_id))
        elif isinstance(event, CaseWithdrawn):
            conn.execute(table.delete().where(table.c.case_id == event.case_id))
        elif isinstance(event, TaskEvent) and type(event) in _PAUSING | _RESUMING:
            self._pause_or_resume(conn, event)
        return []

    def _start(self, conn: Connection, task: TaskDispatched) -> None:
        row: dict[str, Any] = {
            "task_id": task.task_id,
            "case_id": task.case_id,
            "department": task.department,
            "started_on": local_day(task.occurred_at),
            "statutory_days": task.statutory_days,
            "promised_days": task.promised_days,
            "pauses": [],
            "next_threshold": 0,
        }
        row["check_on"] = self._check_on(_Timed(**row))
        insert_ignore(conn, self.tasks, [row], ["task_id"])

    def _pause_or_resume(self, conn: Connection, event: TaskEvent) -> None:
        found = conn.execute(
            select(self.tasks).where(self.tasks.c.task_id == event.task_id)
        ).first()
        if found is None:
            return
        timed_task = _Timed(**found._mapping)
        day = local_day(event.occurred_at).isoformat()
        if type(event) in _PAUSING:
            kind = _PAUSING[type(event)]
            already = any(p["kind"] == kind and p["to"] is None for p in timed_task.pauses)
            pauses = timed_task.pauses + (
                [] if already else [{"kind": kind, "from": day, "to": None}]
            )
        else:
            kind = _RESUMING[type(event)]
            pauses = [
                p | {"to": day} if p["kind"] == kind and p["to"] is None else p
                for p in timed_task.pauses
            ]
        updated = _Timed(**{**vars(timed_task), "pauses": pauses})
        values = {"pauses": pauses, "check_on": self._check_on(updated)}
        conn.execute(
            self.tasks.update().where(self.tasks.c.task_id == event.task_id).values(**values)
        )

    def due(self, conn: Connection, now: datetime) -> list[tuple[TimerKey, Event]]:
        """Warnings and overdue reports of the tasks whose next threshold day has come."""
        today = local_day(now)
        query = select(self.tasks).where(self.tasks.c.check_on <= today)
        timers: list[tuple[TimerKey, Event]] = []
        for row in conn.execute(query).all():
            timers += self._crossed(conn, _Timed(**row._mapping), today, now)
        return timers

    def _crossed(
        self, conn: Connection, task: _Timed, today: date, now: datetime
    ) -> list[tuple[TimerKey, Event]]:
        used = self.calendar.working_days_used(task.started_on, today, task.pause_spans)
        thresholds = self.thresholds(task)
        crossed = [t for t in thresholds[task.next_threshold :] if t.days <= used]
        later = _Timed(**{**vars(task), "next_threshold": task.next_threshold + len(crossed)})
        values = {"next_threshold": later.next_threshold, "check_on": self._check_on(later)}
        conn.execute(
            self.tasks.update().where(self.tasks.c.task_id == task.task_id).values(**values)
        )
        return [self._report(task, t, used, now) for t in crossed if t.overdue or used <= t.limit]

    def _report(
        self, task: _Timed, threshold: Threshold, used: int, now: datetime
    ) -> tuple[TimerKey, Event]:
        kind = "overdue" if threshold.overdue else "warned"
        key = (task.task_id, f"{threshold.clock}:{kind}")
        # A task on the tick list has no open pause, so its due date is known.
        due = self.calendar.due_date(task.started_on, threshold.limit, task.pause_spans)
        common: dict[str, Any] = {
            **timed(self.source, *key, now),
            "case_id": task.case_id,
            "task_id": task.task_id,
            "department": task.department,
            "clock": threshold.clock,
            "due_date": due or local_day(now),
        }
        if threshold.overdue:
            return key, DeadlineOverdue(**common, working_days_overdue=used - threshold.limit)
        return key, DeadlineWarned(**common, working_days_left=threshold.limit - used)

    def thresholds(self, task: _Timed) -> list[Threshold]:
        """The task's four thresholds (warn and overdue, promised and statutory) in order."""
        limits = {ClockKind.PROMISED: task.promised_days, ClockKind.STATUTORY: task.statutory_days}
        return sorted(
            (
                Threshold(
                    limit + 1 if overdue else max(1, math.ceil(self.warn_share * limit)),
                    clock,
                    limit,
                    overdue,
                )
                for clock, limit in limits.items()
                for overdue in (False, True)
            ),
            key=lambda t: (t.days, t.overdue),
        )

    def _check_on(self, task: _Timed) -> date | None:
        """The day the task's next threshold falls due; None when paused or none is left."""
        thresholds = self.thresholds(task)
        if task.next_threshold >= len(thresholds):
            return None
        days = thresholds[task.next_threshold].days
        return self.calendar.due_date(task.started_on, days, task.pause_spans)


@dataclass(frozen=True)
class _Timed:
    """A task row as the clock reads it."""

    task_id: str
    case_id: str
    department: str
    started_on: date
    statutory_days: int
    promised_days: int
    pauses: list[dict[str, Any]]
    next_threshold: int
    check_on: date | None = None

    @property
    def pause_spans(self) -> list[Pause]:
        """The pauses as the calendar takes them."""
        return [
            (
                date.fromisoformat(p["from"]),
                None if p["to"] is None else date.fromisoformat(p["to"]),
            )
            for p in self.pauses
        ]
