"""Tasks across departments: filtered lists, and the ones a data officer must see first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, case, select

from hub.queries import shapes
from hub.queries.models import Page, TaskView
from hub.queries.pages import PageRequest, paginate
from projections.tables import TaskStatus, tasks

#: A task in one of these states is still running against its clock.
OPEN_STATUSES = (
    TaskStatus.DISPATCHED,
    TaskStatus.ACCEPTED,
    TaskStatus.AWAITING_SUPPLEMENT,
    TaskStatus.SUSPENDED,
)


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks a list shows; None means any."""

    department: str | None = None
    status: str | None = None
    overdue: bool | None = None
    warned: bool | None = None


def list_tasks(conn: Connection, where: TaskFilter, request: PageRequest) -> Page[TaskView]:
    """The tasks matching ``where`` in task-id order, one page at a time."""
    query = _filtered(select(tasks), where)
    return paginate(conn, query, [tasks.c.task_id], request, shapes.task)


def attention(conn: Connection, limit: int, department: str | None = None) -> list[TaskView]:
    """Overdue or warned tasks: open ones first, overdue before warned, latest due first."""
    column = tasks.c
    query = select(tasks).where(column.overdue.is_(True) | column.warned.is_(True))
    if department is not None:
        query = query.where(column.department == department)
    still_open = case((column.status.in_(OPEN_STATUSES), 0), else_=1)
    overdue = case((column.overdue.is_(True), 0), else_=1)
    order = (still_open, overdue, column.promised_due_date.desc(), column.task_id)
    query = query.order_by(*order).limit(limit)
    return [shapes.task(row) for row in conn.execute(query).mappings()]


def _filtered(query: Select[Any], where: TaskFilter) -> Select[Any]:
    column = tasks.c
    if where.department is not None:
        query = query.where(column.department == where.department)
    if where.status is not None:
        query = query.where(column.status == where.status)
    if where.overdue is not None:
        query = query.where(column.overdue.is_(where.overdue))
    if where.warned is not None:
        query = query.where(column.warned.is_(where.warned))
    return query
