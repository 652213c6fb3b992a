"""The demo's closing figures, read from the database: the read models and the archive.

Nothing is counted on the side: licenses issued and submissions saved are the totals of
the API's own statistics (:func:`hub.queries.statistics`), the rest are counts over the
same read-model tables the API reads, and dead letters are the messages the archive
holds for the dead-letter topic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from hub.archive import ArchiveStore
from hub.events.applications import ProjectStage
from hub.queries import statistics
from hub.queries.stats import median
from hub.topics import Topic
from projections.tables import (
    CaseStatus,
    access_log,
    cases,
    commitments,
    materials,
    supervision_tasks,
    tasks,
)

#: A case the hub opened itself for a project's next stage has a ``/`` in its id.
STAGE_MARK = "%/%"


@dataclass(frozen=True)
class Summary:
    """What the demo did, as the database tells it."""

    applications: int
    stage_cases: int
    cases_completed: int
    cases_rejected: int
    cases_open: int
    tasks: int
    licenses_issued: int
    materials_reused: int
    submissions_saved: int
    median_working_days: dict[str, float | None]
    warned_tasks: int
    overdue_tasks: int
    commitments: dict[str, int]
    inspections: dict[str, int]
    data_accesses: int
    dead_letters: int
    seconds: float = 0.0
    complete: bool = True

    def as_dict(self) -> dict[str, Any]:
        """The figures for ``--json``."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The figures for people."""
        flows = self.median_working_days.items()
        medians = ", ".join(f"{flow} {days:g}" for flow, days in flows if days is not None)
        return [
            f"applications: {self.applications} at the window, {self.stage_cases} later "
            f"project stages opened by the hub",
            f"cases: {self.cases_completed} completed, {self.cases_rejected} turned away at the "
            f"window, {self.cases_open} still open ({self.tasks} department tasks)",
            f"licenses issued: {self.licenses_issued}",
            f"reuse: {self.materials_reused} materials reused from the library, "
            f"{self.submissions_saved} submissions saved",
            f"median working days per workflow: {medians or 'none completed'}",
            f"time limits: {self.warned_tasks} tasks warned, {self.overdue_tasks} overdue",
            f"commitments: {_counts(self.commitments)}; inspections: {_counts(self.inspections)}",
            f"data accesses recorded: {self.data_accesses}; dead letters: {self.dead_letters}",
            f"took {self.seconds:.0f}s"
            + ("" if self.complete else " and ended early: see the errors above"),
        ]


def summarise(
    conn: Connection, archive: ArchiveStore, seconds: float = 0.0, complete: bool = True
) -> Summary:
    """The summary of everything in the read models and the archive now."""
    stats = statistics(conn)
    stage = cases.c.case_id.like(STAGE_MARK)
    statuses = _grouped(conn, cases.c.status)
    return Summary(
        applications=_count(conn, select(func.count()).select_from(cases).where(~stage)),
        stage_cases=_count(conn, select(func.count()).select_from(cases).where(stage)),
        cases_completed=statuses.get(CaseStatus.COMPLETED, 0),
        cases_rejected=statuses.get(CaseStatus.REJECTED, 0),
        cases_open=statuses.get(CaseStatus.SUBMITTED, 0) + statuses.get(CaseStatus.IN_PROGRESS, 0),
        tasks=sum(group.tasks for group in stats.departments),
        licenses_issued=sum(group.licenses_issued for group in stats.departments),
        materials_reused=_count(conn, select(func.coalesce(func.sum(materials.c.times_reused), 0))),
        submissions_saved=sum(group.submissions_saved for group in stats.departments),
        median_working_days=_medians(conn),
        warned_tasks=_count(conn, select(func.count()).where(tasks.c.warned.is_(True))),
        overdue_tasks=_count(conn, select(func.count()).where(tasks.c.overdue.is_(True))),
        commitments=_grouped(conn, commitments.c.status),
        inspections=_grouped(conn, supervision_tasks.c.inspection_result),
        data_accesses=_count(conn, select(func.count()).select_from(access_log)),
        dead_letters=archive.count([Topic.DEADLETTER.value]),
        seconds=seconds,
        complete=complete,
    )


def _count(conn: Connection, query: Any) -> int:
    return int(conn.execute(query).scalar_one())


def _grouped(conn: Connection, column: Any) -> dict[str, int]:
    query = select(column, func.count()).group_by(column)
    return {str(key or "pending"): int(count) for key, count in conn.execute(query)}


def _medians(conn: Connection) -> dict[str, float | None]:
    """Median working days of completed cases per workflow: its bundle, or its one item.

    A staged project counts once, with the working days of all its stages, when its last
    stage has completed.
    """
    c = cases.c
    query = select(c.bundle_code, c.item_codes, c.working_days, c.project_code, c.stage).where(
        c.status == CaseStatus.COMPLETED.value, c.working_days.is_not(None)
    )
    days: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    projects: dict[tuple[str, str], list[int]] = defaultdict(list)
    finished: set[tuple[str, str]] = set()
    for bundle, items, used, project, stage in conn.execute(query):
        if project is None:
            days[bundle or ",".join(items)][int(used)] += 1
            continue
        projects[bundle, project].append(int(used))
        if stage == ProjectStage.COMPLETION_ACCEPTANCE:
            finished.add((bundle, project))
    for bundle, project in finished:
        days[f"{bundle} (all stages)"][sum(projects[bundle, project])] += 1
    return {flow: median(counts.items()) for flow, counts in sorted(days.items())}


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name.lower()}" for name, count in sorted(counts.items())) or "none"
