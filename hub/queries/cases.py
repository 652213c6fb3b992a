"""Cases: one case with its tasks and department timeline, and filtered lists of cases.

>>> from sqlalchemy import create_engine
>>> from projections.tables import metadata
>>> engine = create_engine("sqlite://")
>>> metadata.create_all(engine)
>>> with engine.connect() as conn:
...     find_case(conn, "C-0000001") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Exists,
    RowMapping,
    Select,
    bindparam,
    exists,
    func,
    select,
)

from hub.queries import shapes
from hub.queries.models import CaseDetail, CaseSummary, Page, TaskView, TimelineEntry
from hub.queries.pages import PageRequest, paginate
from projections.model import local_day
from projections.tables import cases as case_table
from projections.tables import deadline_alerts, tasks


def _has_task(*conditions: ColumnElement[bool]) -> Exists:
    """Whether the case has a task meeting ``conditions``, looked up by its case id."""
    of_case = select(tasks.c.task_id).where(tasks.c.case_id == case_table.c.case_id)
    return exists(of_case.where(*conditions))


# The conditions test expressions that no index covers, on purpose: without table
# statistics SQLite would otherwise pick the index on overdue (or department) and scan
# every overdue task for each case, instead of the few tasks of the case.
_LATE = func.coalesce(tasks.c.overdue, False).is_(True)
_OVERDUE = _has_task(_LATE).label("overdue")


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a list shows; None means any. Overdue with a department: its task."""

    status: str | None = None
    department: str | None = None
    holder: str | None = None
    overdue: bool | None = None


# Built once: the hottest read of the API, so no statement is rebuilt per request.
_CASE = select(case_table).where(case_table.c.case_id == bindparam("case_id"))
_TASKS = select(tasks).where(tasks.c.case_id == bindparam("case_id")).order_by(tasks.c.task_id)
# Through the case's tasks: deadline_alerts is indexed on the task, not on the case.
_ALERTS = (
    select(deadline_alerts)
    .join(tasks, tasks.c.task_id == deadline_alerts.c.task_id)
    .where(tasks.c.case_id == bindparam("case_id"))
)


def find_case(conn: Connection, case_id: str) -> CaseDetail | None:
    """The case ``case_id`` with its tasks and timeline, or None if there is no such case."""
    found = conn.execute(_CASE, {"case_id": case_id}).mappings().first()
    if found is None:
        return None
    task_rows = conn.execute(_TASKS, {"case_id": case_id}).mappings()
    views = [shapes.task(task) for task in task_rows]
    # A task has alerts only once it was warned or overdue (the flags are never unset).
    alerted = any(task.warned or task.overdue for task in views)
    alerts = conn.execute(_ALERTS, {"case_id": case_id}).mappings().all() if alerted else []
    timeline = _timeline(found, views, list(alerts))
    overdue = any(task.overdue for task in views)
    return CaseDetail.model_validate(
        {**shapes.case_fields(found, overdue), "tasks": views, "timeline": timeline}
    )


def list_cases(conn: Connection, where: CaseFilter, request: PageRequest) -> Page[CaseSummary]:
    """The cases matching ``where``, newest case ids last, one page at a time."""
    query = _filtered(select(case_table, _OVERDUE), where)
    return paginate(conn, query, [case_table.c.case_id], request, shapes.case_summary)


def _filtered(query: Select[Any], where: CaseFilter) -> Select[Any]:
    column = case_table.c
    if where.status is not None:
        query = query.where(column.status == where.status)
    if where.holder is not None:
        query = query.where(column.applicant_id_number == where.holder)
    # With a department, "overdue" means that department's task is overdue.
    department = func.coalesce(tasks.c.department, "")
    there = [] if where.department is None else [department == where.department]
    if there:
        query = query.where(_has_task(*there))
    if where.overdue is not None:
        late = _has_task(*there, _LATE)
        query = query.where(late if where.overdue else ~late)
    return query


# Steps of one day in the order they happen to a case (tasks carry days, not times); a
# decision (approved, rejected, decided) and a window's rejection rank after these.
_STAGE_ORDER = {"submitted": 0, "dispatched": 1, "accepted": 2, "paused": 3, "warning": 4}
_STAGE_ORDER |= {"overdue": 5, "completed": 7, "withdrawn": 7}
_DECIDED = 6


def _timeline(
    case: RowMapping, views: list[TaskView], alerts: list[RowMapping]
) -> list[TimelineEntry]:
    entries = [*_case_steps(case)]
    for task in views:
        entries.extend(_task_steps(task))
    entries.extend(_alert_step(alert) for alert in alerts)
    return sorted(entries, key=_when)


def _when(entry: TimelineEntry) -> tuple[date, int]:
    """Where ``entry`` falls: its day, then its place in a case's life."""
    return entry.day, _STAGE_ORDER.get(entry.event, _DECIDED)


def _case_steps(case: RowMapping) -> list[TimelineEntry]:
    steps = [
        ("submitted_at", case["window"], "submitted", case["bundle_code"]),
        ("completed_at", None, "completed", case["outcome"]),
        ("withdrawn_at", None, "withdrawn", case["withdrawal_reason"]),
    ]
    entries = [
        TimelineEntry(day=local_day(case[field]), department=dept, event=event, detail=detail)
        for field, dept, event, detail in steps
        if case[field] is not None
    ]
    if case["rejection_reason"] is not None and case["submitted_at"] is not None:
        day = local_day(case["submitted_at"])
        why = _rejection(case["rejection_reason"], case["rejection_detail"])
        entries.append(
            TimelineEntry(day=day, department=case["window"], event="rejected", detail=why)
        )
    return entries


def _rejection(reason: str, detail: str | None) -> str:
    """Why the window turned the application away: the reason, then its detail if any."""
    return f"{reason}: {detail}" if detail else reason


def _task_steps(task: TaskView) -> list[TimelineEntry]:
    decision = task.status if task.decided_on else None
    steps = [
        (task.dispatched_on, "dispatched", task.item_name),
        (task.accepted_on, "accepted", task.officer),
        (task.paused_since, "paused", task.pause_reason),
        (task.decided_on, decision or "decided", task.rejection_reason),
    ]
    return [
        TimelineEntry(day=day, department=task.department, event=event, detail=detail)
        for day, event, detail in steps
        if day is not None
    ]


def _alert_step(alert: RowMapping) -> TimelineEntry:
    unit = "working days left" if alert["kind"] == "warning" else "working days overdue"
    limit = f"{alert['clock'].lower()} limit {alert['due_date']}"
    return TimelineEntry(
        day=local_day(alert["occurred_at"]),
        department=alert["department"],
        event=alert["kind"],
        detail=f"{limit}: {alert['working_days']} {unit}",
    )
