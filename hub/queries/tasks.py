"""Tasks across departments: filtered lists, and the ones a data officer must see first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Subquery,
    false,
    func,
    literal,
    select,
    true,
    union_all,
)

from hub.queries import shapes
from hub.queries.models import Page, TaskView
from hub.queries.pages import PageRequest, paginate
from projections.tables import TaskStatus, tasks

#: (overdue, warned) of an overdue task, and of one only warned so far.
_OVERDUE = ((True, False), (True, True))
_WARNED = ((False, True),)
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


@dataclass(frozen=True)
class AttentionCount:
    """How many tasks need attention: overdue, and warned but not yet overdue."""

    overdue: int
    warned: int

    @property
    def total(self) -> int:
        """Every task that is overdue or warned."""
        return self.overdue + self.warned


def attention(conn: Connection, limit: int) -> list[TaskView]:
    """Overdue or warned tasks: open ones first, overdue before warned, latest due first.

    One bounded index read per (overdue, warned, status), ``limit`` rows at most each,
    merged in that order: the cost does not grow with the number of overdue tasks.
    """
    parts = union_all(*(select(part) for part in _attention_parts(limit))).subquery()
    ranked = select(*(parts.c[column.name] for column in tasks.c))
    order = (parts.c.rank, parts.c.promised_due_date.desc(), parts.c.task_id)
    return [
        shapes.task(row) for row in conn.execute(ranked.order_by(*order).limit(limit)).mappings()
    ]


def count_attention(conn: Connection) -> AttentionCount:
    """How many tasks are overdue, and warned only, counted on ``ix_tasks_attention``."""
    count = select(func.count()).select_from(tasks)
    overdue = conn.execute(count.where(tasks.c.overdue == true())).scalar_one()
    warned = conn.execute(count.where(tasks.c.overdue == false(), tasks.c.warned == true()))
    return AttentionCount(overdue, warned.scalar_one())


def _attention_parts(limit: int) -> list[Subquery]:
    """The first ``limit`` tasks of each kind, ranked in the order they need attention."""
    closed = tuple(status for status in TaskStatus if status not in OPEN_STATUSES)
    tiers: list[tuple[tuple[TaskStatus, ...], tuple[tuple[bool, bool], ...]]] = [
        (OPEN_STATUSES, _OVERDUE),
        (OPEN_STATUSES, _WARNED),
        (closed, _OVERDUE),
        (closed, _WARNED),
    ]
    return [
        _first(rank, status, flags, limit)
        for rank, (statuses, kinds) in enumerate(tiers)
        for status in statuses
        for flags in kinds
    ]


def _first(rank: int, status: str, flags: tuple[bool, bool], limit: int) -> Subquery:
    column = tasks.c
    overdue, warned = flags
    query = select(tasks, literal(rank).label("rank")).where(
        column.overdue == overdue, column.warned == warned, column.status == status
    )
    return query.order_by(column.promised_due_date.desc(), column.task_id).limit(limit).subquery()


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
