"""Helpers of the pipeline tests (worker, up, rebuild): events, processes, table dumps.

No tests here: the worker, up and rebuild tests import these so that each says only what
it checks.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from hub.broker.embedded import EmbeddedBroker
from hub.events import Event
from hub.publisher import Publisher
from hub.settings import HubSettings, load_settings
from hub.topics import declared_topics
from projections.engine import Projector
from projections.registry import PROJECTIONS
from projections.tables import processed_events
from projections.testing import event_stream

ONEWINDOW = str(Path(sys.executable).with_name("onewindow"))
TABLES = [table for projection in PROJECTIONS.values() for table in projection.tables]

Dump = dict[str, dict[tuple[str, ...], dict[str, str]]]


@contextlib.contextmanager
def own_broker() -> Iterator[str]:
    """A new embedded broker with every declared topic, for one test.

    The hub's topic names are fixed and generated case ids repeat between seeds, so a
    test that compares whole tables needs a log that holds only its own events.
    """
    with EmbeddedBroker(topics=declared_topics()) as broker:
        yield broker.bootstrap_servers


def workflow_events(cases: int, seed: int = 11, limit: int | None = None) -> list[Event]:
    """The events of ``cases`` generated workflows (the first ``limit`` of them)."""
    return list(islice(event_stream(seed=seed, cases=cases), limit))


def hub_settings(data_dir: Path, bootstrap: str = "", database_url: str = "") -> HubSettings:
    """Settings of a hub whose files live in ``data_dir``."""
    kafka = {"bootstrap_servers": bootstrap}
    return load_settings(data_dir=data_dir, kafka=kafka, database_url=database_url)


def publish(settings: HubSettings, events: Sequence[Event]) -> None:
    """Publish ``events`` and wait until the broker confirmed all of them."""
    with Publisher.from_settings(settings) as publisher:
        for event in events:
            publisher.publish(event)


def projected(events: Sequence[Event], url: str) -> Dump:
    """The tables that applying ``events`` in one process gives: what a worker must reach."""
    projector = Projector(url)
    try:
        projector.apply(events)
        return dump(url)
    finally:
        projector.close()


def dump(url: str) -> Dump:
    """Every row of every projection table (and the tracking records) by primary key."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return {table.name: _rows(conn, table) for table in [*TABLES, processed_events]}
    finally:
        engine.dispose()


def _rows(conn: sqlalchemy.Connection, table: sqlalchemy.Table) -> dict[Any, dict[str, str]]:
    keys = [column.name for column in table.primary_key.columns]
    rows = conn.execute(table.select()).mappings()
    return {
        tuple(str(row[k]) for k in keys): {name: _plain(value) for name, value in row.items()}
        for row in rows
    }


def _plain(value: Any) -> str:
    """A value as both databases mean it: PostgreSQL returns times with a zone, SQLite not."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return repr(value)


def assert_same_rows(found: Dump, expected: Dump) -> None:
    """Every event applied once per projection, and every table has the same rows."""
    assert found["processed_events"] == expected["processed_events"]
    for table, rows in expected.items():
        missing, extra = rows.keys() - found[table].keys(), found[table].keys() - rows.keys()
        assert (missing, extra) == (set(), set()), f"{table}: missing and unexpected rows"
        differing = {
            (key, name): (value, found[table][key][name])
            for key, row in rows.items()
            for name, value in row.items()
            if found[table][key][name] != value
        }
        assert not differing, f"{table}: values differ: {list(differing.items())[:3]}"


def row_count(url: str, table: str = "processed_events") -> int:
    """Rows in ``table``, 0 while the worker has not created it yet."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            query = sqlalchemy.text(f"SELECT count(*) FROM {table}")
            return int(conn.execute(query).scalar_one())
    except sqlalchemy.exc.OperationalError:
        return 0
    except sqlalchemy.exc.ProgrammingError:
        return 0
    finally:
        engine.dispose()


def wait_until(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Poll ``check`` until it holds, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.1)


def hub_env(data_dir: Path | None, bootstrap: str = "", database_url: str = "") -> dict[str, str]:
    """The environment of a hub process: this one's, without its ``ONEWINDOW_`` settings."""
    env = {name: v for name, v in os.environ.items() if not name.startswith("ONEWINDOW_")}
    if data_dir is not None:
        env["ONEWINDOW_DATA_DIR"] = str(data_dir)
    if bootstrap:
        env["ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS"] = bootstrap
    if database_url:
        env["ONEWINDOW_DATABASE_URL"] = database_url
    return env


def start_worker(bootstrap: str, data_dir: Path, database_url: str, group: str) -> HubProcess:
    """``onewindow worker`` with the read models only, in consumer group ``group``."""
    args = ["worker", "--no-processors", "--group", group, "--session-timeout", "2"]
    return HubProcess(args, hub_env(data_dir, bootstrap, database_url), data_dir)


def finish(worker: HubProcess, url: str, target: int) -> None:
    """Wait for ``target`` tracking records in ``url``, then stop the worker cleanly."""
    wait_until(lambda: row_count(url) >= target, f"{target} tracking records")
    assert worker.stop() == 0


class HubProcess:
    """``onewindow up`` or ``onewindow worker`` as a child process, its stderr collected."""

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [ONEWINDOW, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()
        # A test that fails before stopping its process must not leave it running.
        weakref.finalize(self, _kill, self.process)

    def _collect(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip())

    def line_with(self, text: str, timeout: float = 30.0) -> str:
        """The first line of output containing ``text``, waiting for it to appear."""
        found: list[str] = []

        def appeared() -> bool:
            found.extend(line for line in self.lines if text in line)
            return bool(found) or self.process.poll() is not None

        wait_until(appeared, f"{text!r} in the output", timeout)
        assert found, f"the process ended without {text!r}:\n" + "\n".join(self.lines[-30:])
        return found[0]

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send ``sig`` and wait for the exit code; a process that does not stop is killed."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            self._reader.join(timeout=5)
            assert self.process.stderr is not None
            self.process.stderr.close()


def _kill(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
