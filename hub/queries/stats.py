"""Statistics per department and per item, computed by a few GROUP BY queries.

:func:`statistics` reads the whole read model (a second or so at 250,000 cases), so the
API and the dashboard serve it from a :class:`~hub.queries.statscache.StatisticsCache`.
Medians come from per-value counts, so no task list is ever loaded into memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Connection, case, func, select

from hub.catalogue import load_catalogue
from hub.queries.models import DayCount, GroupStats, Statistics
from hub.queries.shapes import department_name, item_name
from projections.tables import TaskStatus, cases, licenses, tasks

_DECIDED = (TaskStatus.APPROVED, TaskStatus.REJECTED)


@dataclass
class _Tally:
    """Counters of one group while the queries come in."""

    cases: int = 0
    tasks: int = 0
    decided: int = 0
    on_time: int = 0
    saved: int = 0
    licenses: int = 0
    rating: float | None = None
    days: dict[int, int] = field(default_factory=dict)


def statistics(conn: Connection) -> Statistics:
    """Per-department and per-item statistics of the whole read model, as of now."""
    return Statistics(
        computed_at=datetime.now(UTC),
        departments=_groups(conn, tasks.c.department, _licenses_by_department(conn)),
        items=_groups(conn, tasks.c.item_code, _licenses_by_item(conn)),
        daily=_daily(conn),
    )


def _groups(
    conn: Connection, key: ColumnElement[str], issued: Mapping[str, int]
) -> list[GroupStats]:
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    decided = tasks.c.status.in_(_DECIDED)
    counts = select(
        key,
        func.count(func.distinct(tasks.c.case_id)),
        func.count(),
        func.sum(case((decided, 1), else_=0)),
        func.sum(case((decided & tasks.c.overdue.is_(False), 1), else_=0)),
        func.sum(func.json_array_length(tasks.c.reused_material_codes)),
    ).group_by(key)
    for code, *numbers in conn.execute(counts):
        tally = tallies[code]
        tally.cases, tally.tasks, tally.decided, tally.on_time, tally.saved = map(int, numbers)
    _add_ratings(conn, key, tallies)
    _add_days(conn, key, tallies)
    for code, count in issued.items():
        tallies[code].licenses = count
    return [_stats(code, tally) for code, tally in sorted(tallies.items()) if code]


def _add_ratings(conn: Connection, key: ColumnElement[str], tallies: dict[str, _Tally]) -> None:
    rated = (
        select(key, func.avg(cases.c.rating_score))
        .join_from(tasks, cases, cases.c.case_id == tasks.c.case_id)
        .where(cases.c.rating_score.is_not(None))
        .group_by(key)
    )
    for code, average in conn.execute(rated):
        tallies[code].rating = round(float(average), 2)


def _add_days(conn: Connection, key: ColumnElement[str], tallies: dict[str, _Tally]) -> None:
    used = tasks.c.working_days_used
    query = select(key, used, func.count()).where(used.is_not(None)).group_by(key, used)
    for code, days, count in conn.execute(query):
        tallies[code].days[int(days)] = int(count)


def _licenses_by_department(conn: Connection) -> dict[str, int]:
    query = select(licenses.c.issuer, func.count()).group_by(licenses.c.issuer)
    return {issuer: int(count) for issuer, count in conn.execute(query) if issuer}


def _licenses_by_item(conn: Connection) -> dict[str, int]:
    """Licenses of a case issued by the department of one of its items, of that item's type."""
    joined = select(tasks.c.item_code, licenses.c.license_type, func.count()).join_from(
        licenses,
        tasks,
        (tasks.c.case_id == licenses.c.case_id) & (tasks.c.department == licenses.c.issuer),
    )
    query = joined.group_by(tasks.c.item_code, licenses.c.license_type)
    items = load_catalogue().items
    issued: dict[str, int] = defaultdict(int)
    for code, license_type, count in conn.execute(query):
        item = items.get(code)
        if item is not None and item.license_type and item.license_type.code == license_type:
            issued[code] += int(count)
    return issued


def _daily(conn: Connection) -> list[DayCount]:
    day = tasks.c.decided_on
    query = select(day, func.count()).where(day.is_not(None)).group_by(day).order_by(day)
    return [DayCount(day=when, decided=int(count)) for when, count in conn.execute(query)]


def _stats(code: str, tally: _Tally) -> GroupStats:
    name = department_name(code) if "-" not in code else item_name(code)
    return GroupStats(
        code=code,
        name=name,
        cases=tally.cases,
        tasks=tally.tasks,
        decided=tally.decided,
        on_time_share=round(tally.on_time / tally.decided, 4) if tally.decided else None,
        median_working_days=median(tally.days.items()),
        submissions_saved=tally.saved,
        licenses_issued=tally.licenses,
        rating_average=tally.rating,
    )


def median(counts: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times) pairs, None when there are none."""
    ordered = sorted(counts)
    total = sum(count for _, count in ordered)
    if total == 0:
        return None
    lower, upper = (total - 1) // 2, total // 2
    seen, low = 0, None
    for value, count in ordered:
        if low is None and seen + count > lower:
            low = value
        if seen + count > upper:
            return (float(low if low is not None else value) + value) / 2
        seen += count
    return None
