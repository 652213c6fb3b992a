"""Tasks across departments: filtered lists, and the ones a data officer must see first."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
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
#: How far the attention counts go before they say "more than".
COUNT_CAP = 1000
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
    """How many tasks are overdue, and warned but not yet overdue, counted up to ``cap``.

    A count above ``cap`` stops at ``cap + 1``: past a thousand the exact figure tells a
    data officer nothing more, and counting every late task of a large hub would cost
    more than the rest of the page.
    """

    overdue: int
    warned: int
    cap: int

    @property
    def total(self) -> int:
        """Every task that is overdue or warned (above ``cap`` when either count is)."""
        return self.overdue + self.warned

    def shown(self, count: int) -> str:
        """``count`` as the dashboard shows it: ``more than 1000`` beyond the cap."""
        return f"more than {self.cap}" if count > self.cap else str(count)


def attention(conn: Connection, limit: int) -> list[TaskView]:
    """Overdue or warned tasks: open ones first, overdue before warned, latest due first.

    One bounded read of the covering index per (overdue, warned, status), ``limit``
    entries at most each, merged in that order; only the chosen ``limit`` rows are read
    from the table. The cost does not grow with the number of overdue tasks.
    """
    return [shapes.task(row) for row in conn.execute(_attention_query(limit)).mappings()]


@functools.lru_cache(maxsize=4)
def _attention_query(limit: int) -> Select[Any]:
    """The statement, built once per limit: building its 18 parts took longer than running it."""
    parts = union_all(*(select(part) for part in _attention_parts(limit))).subquery()
    first = select(parts).order_by(*_ranked(parts)).limit(limit).subquery()
    query = select(tasks).join(first, tasks.c.task_id == first.c.task_id)
    return query.order_by(*_ranked(first))


def _ranked(chosen: Subquery) -> tuple[ColumnElement[Any], ...]:
    """The attention order: open and overdue first, then latest due, then task id."""
    return (chosen.c.rank, chosen.c.promised_due_date.desc(), chosen.c.task_id)


def count_attention(conn: Connection, cap: int = COUNT_CAP) -> AttentionCount:
    """How many tasks are overdue, and warned only: at most ``cap + 1`` index entries each."""
    overdue = _count(conn, cap, tasks.c.overdue == true())
    warned = _count(conn, cap, tasks.c.overdue == false(), tasks.c.warned == true())
    return AttentionCount(overdue, warned, cap)


def _count(conn: Connection, cap: int, *where: ColumnElement[bool]) -> int:
    found = select(literal(1)).select_from(tasks).where(*where).limit(cap + 1).subquery()
    return int(conn.execute(select(func.count()).select_from(found)).scalar_one())


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
    # Only what the index holds, so the table is read for the chosen rows alone.
    query = select(column.task_id, column.promised_due_date, literal(rank).label("rank")).where(
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
