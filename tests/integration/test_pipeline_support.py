"""Helpers of the pipeline tests (worker, up, rebuild): events, processes, table dumps.

No tests here: the worker, up and rebuild tests import these so that each says only what
it checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy

from hub.events import Event
from hub.publisher import Publisher
from hub.settings import HubSettings, load_settings

# Re-exported for the pipeline tests, which import every helper from this module.
from hub.testing.processes import HubProcess, hub_env, wait_until
from projections.agents import BATCH
from projections.engine import Projector
from projections.registry import PROJECTIONS
from projections.tables import processed_events
from projections.testing import event_stream

TABLES = [table for projection in PROJECTIONS.values() for table in projection.tables]

Dump = dict[str, dict[tuple[str, ...], dict[str, str]]]


def workflow_events(cases: int, seed: int = 11, limit: int | None = None) -> list[Event]:
    """The events of ``cases`` generated workflows (the first ``limit`` of them)."""
    return list(islice(event_stream(seed=seed, cases=cases), limit))


def several_batches(seed: int, times: int = 1) -> list[Event]:
    """Workflows whose events fill several of the worker's batches (about 36 events a case).

    For tests that stop a worker between two batches: with fewer events than a batch, the
    first rows appear only when everything is written. ``times`` multiplies the events,
    for a test that needs work left after a stop.
    """
    return workflow_events(cases=times * BATCH // 10, seed=seed)


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


def start_worker(bootstrap: str, data_dir: Path, database_url: str, group: str) -> HubProcess:
    """``onewindow worker`` with the read models only, in consumer group ``group``."""
    args = ["worker", "--no-processors", "--group", group, "--session-timeout", "2"]
    return HubProcess(args, hub_env(data_dir, bootstrap, database_url), data_dir)


def finish(worker: HubProcess, url: str, target: int) -> None:
    """Wait for ``target`` tracking records in ``url``, then stop the worker cleanly."""
    wait_until(lambda: row_count(url) >= target, f"{target} tracking records")
    assert worker.stop() == 0
