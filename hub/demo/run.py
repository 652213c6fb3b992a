"""``onewindow demo``: the whole hub, simulated departments and applicants, in one process.

It runs what ``onewindow up`` runs on the embedded default (broker, archive, worker, the
HTTP API and dashboard on ``http://127.0.0.1:8600``) in its own data folder, plus every
simulated department (:mod:`hub.demo.departments`) and a stream of applicants at the one
window, on a simulated clock where a day passes in ``day_seconds`` (one second by
default). The worker's processors read the same clock, ``HUB_LAG_S`` behind (see
:class:`~connectors.simulators.clock.Behind`), so time limits, warnings, overdue tasks and
broken commitments happen as they would over weeks; a demo tick runs them several times
per simulated day, since the worker's own tick (five seconds) would step over whole days.
The simulation starts early enough to end about today::

    exit_code = run_demo(DemoOptions(applications=200, exit_after=True))
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import logging
import math
import shutil
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from connectors.simulators.clock import Behind, ScaledClock
from hub.archive import ArchiveStore, archive_url
from hub.catalogue import load_catalogue
from hub.db import create_engine_for
from hub.demo.conductor import Conductor
from hub.demo.departments import DepartmentsComponent
from hub.demo.stream import applications, arrival_days
from hub.demo.summary import Summary
from hub.demo.window import Window
from hub.errors import SettingsError
from hub.publisher import Publisher
from hub.runtime import Component, HubContext, components_for
from hub.settings import HubSettings, load_settings
from hub.trust.signing import LicenseSealer
from hub.workdays import load_calendar
from projections.processors.base import CHINA, Processor
from projections.worker import Worker, build_worker, default_processors, run_worker

logger = logging.getLogger(__name__)

MARKER = ".onewindow-demo"
#: Wall-clock seconds from the worker being ready to the simulated clock starting: the
#: departments' consumers join their groups meanwhile, so the first task finds them ready.
LEAD_S = 7.0
#: The lead when the departments took longer than ``LEAD_S`` and the clock starts again.
LATE_LEAD_S = 1.0
WORKER_READY_S = 60.0
#: Wall-clock seconds the processors' view of simulated time runs behind the departments'.
HUB_LAG_S = 2.0
#: Simulated days after the last arrival that the demo usually needs to settle.
TAIL_DAYS = 75
TICKS_PER_DAY = 4
MIN_TICK_S = 1.0


@dataclass(frozen=True)
class DemoOptions:
    """What ``onewindow demo`` was asked for."""

    applications: int = 200
    seed: int = 7
    day_seconds: float = 1.0
    exit_after: bool = False
    data_dir: Path = Path("var/demo")
    port: int = 8600
    timeout: float = 900.0


def run_demo(options: DemoOptions, report: Callable[[Summary], None]) -> int:
    """Run the demo until its summary (and, unless ``exit_after``, until a signal)."""
    with only_demo_in(options.data_dir):
        return _run_demo(options, report)


@contextlib.contextmanager
def only_demo_in(folder: Path) -> Iterator[None]:
    """Hold the folder's lock for this run: a second demo there would empty it under us."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f".{folder.name}.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SettingsError(f"another demo is running in {folder}") from None
        yield


def _run_demo(options: DemoOptions, report: Callable[[Summary], None]) -> int:
    fresh(options.data_dir)
    settings = demo_settings(options)
    clock = ScaledClock(start_of(options), options.day_seconds, math.inf)
    context = HubContext(settings, ArchiveStore(create_engine_for(archive_url(settings))))
    started: list[Component] = []
    departments = DepartmentsComponent(clock, options.seed, options.data_dir / "departments")
    try:
        for component in components_for(context):
            logger.info("%s: %s", component.name, component.start(context))
            started.append(component)
        return _run_worker(context, clock, options, report, departments)
    finally:
        departments.stop()
        for component in reversed(started):
            component.stop()


def quieten_logs() -> None:
    """Keep the terminal for the demo's own lines: the outbox relay logs every batch, and
    the demo ticks the processors as often as SQLite lets them (an overlap only delays one)."""
    logging.getLogger("hub.outbox").setLevel(logging.WARNING)
    logging.getLogger("mode.timers").setLevel(logging.ERROR)


def fresh(folder: Path) -> None:
    """Empty the demo's own folder (never one it did not make) and mark it as the demo's."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise SettingsError(f"--data-dir {folder} is not empty and not a demo folder")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by 'onewindow demo'; emptied by its next run\n")


def demo_settings(options: DemoOptions) -> HubSettings:
    """The embedded default in the demo's folder, whatever the environment configures."""
    return load_settings(
        data_dir=options.data_dir,
        database_url="",
        kafka={"bootstrap_servers": ""},
        api={"host": "127.0.0.1", "port": options.port},
    )


def start_of(options: DemoOptions) -> datetime:
    """09:00 China time on a Monday early enough for the demo to end about today."""
    span = arrival_days(options.applications) * 7 / 5 + TAIL_DAYS
    day = (datetime.now(CHINA) - timedelta(days=span)).date()
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, 9, tzinfo=CHINA)


def _run_worker(
    context: HubContext,
    clock: ScaledClock,
    options: DemoOptions,
    report: Callable[[Summary], None],
    departments: DepartmentsComponent,
) -> int:
    settings = context.settings
    engine = create_engine_for(settings.effective_database_url)
    processors = [*default_processors(engine), LicenseSealer.from_settings(settings, engine)]
    worker = build_worker(settings, processors=processors)
    worker.context.clock = Behind(clock, HUB_LAG_S)
    _tick_often(worker, processors, clock)
    prepare = functools.partial(_begin, _ready(worker), clock, departments, context)
    conductor = _conductor(context, clock, options, engine, report, prepare, departments)
    thread = threading.Thread(target=conductor.run, args=(options.exit_after,), name="conductor")
    thread.start()
    try:
        return run_worker(worker) or int(not conductor.complete)
    finally:
        conductor.stop.set()
        thread.join()
        conductor.window.publisher.close()
        engine.dispose()


def _conductor(
    context: HubContext,
    clock: ScaledClock,
    options: DemoOptions,
    engine: Engine,
    report: Callable[[Summary], None],
    prepare: Callable[[], None],
    departments: DepartmentsComponent,
) -> Conductor:
    plans = applications(options.seed, options.applications)
    publisher = Publisher.from_settings(context.settings)
    catalogue, calendar = load_catalogue(), load_calendar()
    window = Window(plans, clock, catalogue, calendar, engine, publisher)
    archive, timeout = context.archive, options.timeout
    return Conductor(window, clock, engine, archive, report, timeout, prepare, departments.failed)


def _ready(worker: Worker) -> threading.Event:
    """Set once the worker's agents hold their partitions and consume."""
    ready = threading.Event()

    async def rebalanced(_sender: Any, /, *_args: Any, signal: Any, **_kwargs: Any) -> None:
        ready.set()

    worker.app.on_rebalance_complete.connect(rebalanced)
    return ready


def _begin(
    ready: threading.Event,
    clock: ScaledClock,
    departments: DepartmentsComponent,
    context: HubContext,
) -> None:
    """Once the worker consumes, start the clock shortly ahead and the departments."""
    if not ready.wait(WORKER_READY_S):
        logger.warning("worker: not consuming after %gs; simulating anyway", WORKER_READY_S)
    clock.begin(time.time() + LEAD_S)
    logger.info("%s: %s", departments.name, departments.start(context))
    late = time.time() - clock.origin
    if late > 0:
        # The window starts after this, so nothing has happened in simulated time yet; had
        # the clock run on, the window would send every application it missed at once, a
        # returning company's before its first case was dispatched, and nothing be reused.
        logger.warning("departments: ready %.1fs late; the simulation begins now", late)
        clock.begin(time.time() + LATE_LEAD_S)


def _tick_often(worker: Worker, processors: Sequence[Processor], clock: ScaledClock) -> None:
    """A timer per processor calling its tick several times per simulated day."""
    interval = max(MIN_TICK_S, clock.day_seconds / TICKS_PER_DAY)
    for processor in processors:
        worker.app.timer(interval, name=f"demo-tick-{processor.name}")(_ticker(worker, processor))


def _ticker(worker: Worker, processor: Processor) -> Callable[[], Coroutine[Any, Any, None]]:
    async def tick() -> None:
        try:
            caused = await asyncio.to_thread(processor.tick, worker.context.clock.now())
            await worker.context.publish(caused)
        except Exception:
            # What was not confirmed comes back from the next tick, with the same ids.
            logger.exception("demo tick of %s failed; the next one tries again", processor.name)

    return tick
