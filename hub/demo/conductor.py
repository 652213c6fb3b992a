"""The conductor of the demo: lets applicants in, shows progress, and closes with a summary.

It runs beside the hub's worker in a thread: it starts the window, writes a live progress
line on a terminal (nothing in a pipe), and decides the demo is over when every
application is in and nothing is left open in the read models — no case, no commitment,
no inspection — for a few checks in a row (a project's next stage opens a moment after
its previous one completes). Then it freezes the simulated clock, prints the summary and,
with ``exit_after``, stops the hub.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, FromClause, func, select

from connectors.simulators.clock import ScaledClock
from hub.archive import ArchiveStore
from hub.demo.summary import Summary, summarise
from hub.demo.window import Window
from hub.errors import HubError
from projections.tables import (
    CaseStatus,
    CommitmentStatus,
    SupervisionStatus,
    cases,
    commitments,
    licenses,
    supervision_tasks,
    tasks,
)

logger = logging.getLogger(__name__)

CHECK_INTERVAL_S = 0.5
QUIET_CHECKS = 4


@dataclass(frozen=True)
class Progress:
    """Where the demo stands, from the read models."""

    open_cases: int
    completed: int
    open_commitments: int
    open_inspections: int
    licenses: int
    overdue: int

    @property
    def settled(self) -> bool:
        """Nothing left open."""
        return not (self.open_cases or self.open_commitments or self.open_inspections)


def progress(conn: Connection) -> Progress:
    """The counts the progress line shows and the end of the demo is judged on."""
    open_case = cases.c.status.in_([CaseStatus.SUBMITTED.value, CaseStatus.IN_PROGRESS.value])
    return Progress(
        open_cases=_count(conn, cases, open_case),
        completed=_count(conn, cases, cases.c.status == CaseStatus.COMPLETED.value),
        open_commitments=_count(
            conn, commitments, commitments.c.status == CommitmentStatus.OPEN.value
        ),
        open_inspections=_count(
            conn, supervision_tasks, supervision_tasks.c.status == SupervisionStatus.OPEN.value
        ),
        licenses=_count(conn, licenses, licenses.c.license_id.is_not(None)),
        overdue=_count(conn, tasks, tasks.c.overdue.is_(True)),
    )


def _count(conn: Connection, table: FromClause, condition: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table).where(condition)
    return int(conn.execute(query).scalar_one())


class Conductor:
    """Runs the window, watches the read models, and reports once everything has settled."""

    def __init__(
        self,
        window: Window,
        clock: ScaledClock,
        engine: Engine,
        archive: ArchiveStore,
        report: Callable[[Summary], None],
        timeout: float,
        prepare: Callable[[], None],
        failures: Callable[[], Sequence[str]],
    ) -> None:
        self.window, self.clock, self.engine, self.archive = window, clock, engine, archive
        self.report, self.timeout, self.prepare, self.failures = report, timeout, prepare, failures
        self.broken = False
        self.stop = threading.Event()
        self.summary: Summary | None = None
        self.timed_out = False

    def run(self, exit_after: bool) -> None:
        """Conduct the demo to its summary; with ``exit_after``, stop the hub then."""
        try:
            self.prepare()
        except HubError as exc:
            logger.error("the demo cannot start: %s", exc)
            self.broken = True
            os.kill(os.getpid(), signal.SIGTERM)
            return
        if self.stop.is_set():
            return
        started = time.monotonic()
        window = threading.Thread(target=self.window.run, args=(self.stop,), name="window")
        window.start()
        self._watch(window, started)
        window.join()
        if self.stop.is_set() and self.complete:
            return  # stopped from outside (Ctrl-C) before the end: no summary
        self.clock.freeze()
        with self.engine.connect() as conn:
            taken = time.monotonic() - started
            self.summary = summarise(conn, self.archive, taken, self.complete)
        self.report(self.summary)
        if exit_after:
            os.kill(os.getpid(), signal.SIGTERM)

    @property
    def complete(self) -> bool:
        """Whether every application was carried to its end in time."""
        return not (self.timed_out or self.window.failed or self.broken or self.failures())

    def _watch(self, window: threading.Thread, started: float) -> None:
        quiet = 0
        while quiet < QUIET_CHECKS and not self.stop.wait(CHECK_INTERVAL_S):
            with self.engine.connect() as conn:
                now = progress(conn)
            self._show(now)
            quiet = quiet + 1 if now.settled and not window.is_alive() else 0
            if self.window.failed or self.failures():
                self.stop.set()
            if time.monotonic() - started > self.timeout:
                self.timed_out = True
                self.stop.set()
        if sys.stderr.isatty():
            sys.stderr.write("\n")

    def _show(self, now: Progress) -> None:
        if not sys.stderr.isatty():
            return
        total = len(self.window.plans)
        line = (
            f"\r{self.clock.today()}  submitted {self.window.submitted}/{total}  "
            f"open {now.open_cases}  completed {now.completed}  licenses {now.licenses}  "
            f"commitments open {now.open_commitments}  inspections open {now.open_inspections}  "
            f"overdue {now.overdue}"
        )
        sys.stderr.write(line.ljust(120)[:160])
        sys.stderr.flush()
