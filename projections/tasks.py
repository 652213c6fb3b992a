"""Policies of the ``tasks`` table and the ``deadline_alerts`` log.

Pauses: a supplement request or a suspension pauses the clock from the local day it
happens (``paused_since``). The pause ends with ``SupplementProvided``, which counts the
paused working days on the shipped calendar (the request day counts, the arrival day
does not), or with ``TaskResumed``, which carries the count and the moved due dates. A
``TaskResumed`` after the pause already ended only moves the due dates, so a clock
processor that emits it after a supplement does not count the pause twice.
"""

from __future__ import annotations

from hub.events.deadlines import DeadlineEvent, DeadlineOverdue, DeadlineWarned
from hub.events.tasks import (
    SupplementProvided,
    SupplementRequested,
    TaskAccepted,
    TaskApproved,
    TaskDispatched,
    TaskEvent,
    TaskHandledOnBehalf,
    TaskRejected,
    TaskResumed,
    TaskSuspended,
)
from hub.workdays import working_days_between
from projections.model import Row, local_day
from projections.tables import TaskStatus


def _touch(task: Row, event: TaskEvent | DeadlineEvent) -> None:
    task["case_id"] = event.case_id
    task["updated_at"] = event.occurred_at


def dispatched(task: Row, event: TaskDispatched) -> None:
    """A department got its task, with its category, limits and the materials reused."""
    _touch(task, event)
    task.update(
        department=event.department,
        item_code=event.item_code,
        category=event.category,
        commitment_based=event.commitment_based,
        status=TaskStatus.DISPATCHED,
        dispatched_on=local_day(event.occurred_at),
        statutory_days=event.statutory_days,
        promised_days=event.promised_days,
        statutory_due_date=event.statutory_due_date,
        promised_due_date=event.promised_due_date,
        reused_material_codes=list(event.reused_material_codes),
    )


def accepted(task: Row, event: TaskAccepted) -> None:
    """The department accepted the task; its clock runs."""
    _touch(task, event)
    task.update(
        status=TaskStatus.ACCEPTED, officer=event.officer, accepted_on=local_day(event.occurred_at)
    )


def _pause(task: Row, event: TaskEvent, status: TaskStatus, reason: str) -> None:
    _touch(task, event)
    task.update(status=status, pause_reason=reason)
    if task["paused_since"] is None:
        task["paused_since"] = local_day(event.occurred_at)


def _end_pause(task: Row, paused_days: int) -> None:
    task["paused_working_days"] += paused_days
    task.update(paused_since=None, pause_reason=None, status=TaskStatus.ACCEPTED)


def supplement_requested(task: Row, event: SupplementRequested) -> None:
    """The applicant must supply more material; the clock pauses."""
    _pause(task, event, TaskStatus.AWAITING_SUPPLEMENT, event.reason)


def suspended(task: Row, event: TaskSuspended) -> None:
    """The task is suspended (hearing, expert review…); the clock pauses."""
    _pause(task, event, TaskStatus.SUSPENDED, event.reason)


def supplement_provided(task: Row, event: SupplementProvided) -> None:
    """The material arrived; the clock runs again, the pause counted on the calendar."""
    _touch(task, event)
    if task["paused_since"] is not None:
        arrived = local_day(event.occurred_at)
        _end_pause(task, working_days_between(task["paused_since"], arrived))


def resumed(task: Row, event: TaskResumed) -> None:
    """The task resumed; its limits moved by the working days it was paused."""
    _touch(task, event)
    if task["paused_since"] is not None:
        _end_pause(task, event.paused_working_days)
    task.update(
        statutory_due_date=event.statutory_due_date, promised_due_date=event.promised_due_date
    )


def approved(task: Row, event: TaskApproved) -> None:
    """The department approved, possibly on the applicant's commitment."""
    _touch(task, event)
    task.update(
        status=TaskStatus.APPROVED,
        officer=event.officer,
        commitment_based=event.commitment_based,
        working_days_used=event.working_days_used,
        decided_on=local_day(event.occurred_at),
    )


def rejected(task: Row, event: TaskRejected) -> None:
    """The department rejected, giving the reason."""
    _touch(task, event)
    task.update(
        status=TaskStatus.REJECTED,
        officer=event.officer,
        rejection_reason=event.reason,
        working_days_used=event.working_days_used,
        decided_on=local_day(event.occurred_at),
    )


def handled_on_behalf(task: Row, event: TaskHandledOnBehalf) -> None:
    """An actor (help desk, service centre) handled a step for the department."""
    _touch(task, event)
    task.update(
        on_behalf_actor=event.actor,
        on_behalf_organisation=event.actor_organisation,
        on_behalf_action=event.action,
    )


def warned(task: Row, event: DeadlineWarned) -> None:
    """The task came close to a limit."""
    _touch(task, event)
    task["warned"] = True


def overdue(task: Row, event: DeadlineOverdue) -> None:
    """The task passed a limit undecided; the flag stays as a record."""
    _touch(task, event)
    task["overdue"] = True


def alert(event: DeadlineWarned | DeadlineOverdue, _task: Row | None) -> Row:
    """One ``deadline_alerts`` row per warning or overdue event."""
    if isinstance(event, DeadlineWarned):
        kind, days = "warning", event.working_days_left
    else:
        kind, days = "overdue", event.working_days_overdue
    return {
        "event_id": event.event_id,
        "case_id": event.case_id,
        "task_id": event.task_id,
        "department": event.department,
        "clock": event.clock,
        "kind": kind,
        "due_date": event.due_date,
        "working_days": days,
        "occurred_at": event.occurred_at,
    }
