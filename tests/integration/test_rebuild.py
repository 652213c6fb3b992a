"""``onewindow projections rebuild`` gives the tables that incremental processing gave."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_pipeline_support import (
    Dump,
    assert_same_rows,
    dump,
    finish,
    hub_settings,
    projected,
    publish,
    start_worker,
    workflow_events,
)

from hub.archive import Archiver, ArchiveStore
from hub.db import create_engine_for
from hub.testing.processes import hub_env, own_broker, run_hub, wait_until
from hub.topics import declared_topics

pytestmark = pytest.mark.integration


@dataclass
class Incremental:
    """A hub whose worker processed the events, with its archive and its broker running."""

    data_dir: Path
    bootstrap: str
    events: int
    tables: Dump

    @property
    def url(self) -> str:
        return f"sqlite:///{self.data_dir / 'onewindow.db'}"


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Incremental]:
    data_dir = tmp_path_factory.mktemp("hub")
    events = workflow_events(cases=12, seed=31)
    target = len(projected(events, f"sqlite:///{data_dir / 'expected.db'}")["processed_events"])
    with own_broker() as bootstrap:
        hub = Incremental(data_dir, bootstrap, len(events), {})
        store = ArchiveStore(create_engine_for(f"sqlite:///{data_dir / 'archive.db'}"))
        archiver = Archiver(bootstrap, store, [spec.name for spec in declared_topics()])
        archiver.start()
        publish(hub_settings(data_dir, bootstrap), events)
        worker = start_worker(bootstrap, data_dir, hub.url, "onewindow-processors")
        wait_until(lambda: archiver.read >= len(events), "the archive of every event")
        archiver.stop()
        finish(worker, hub.url, target)
        hub.tables = dump(hub.url)
        yield hub


def rebuild(hub: Incremental, *args: str, bootstrap: str = "") -> dict[str, Any]:
    env = hub_env(hub.data_dir, bootstrap)
    output = run_hub(env, "projections", "rebuild", *args, "--json", timeout=120)
    summary: dict[str, Any] = json.loads(output)
    return summary


def test_a_rebuild_from_the_archive_gives_the_rows_of_incremental_processing(
    incremental: Incremental,
) -> None:
    summary = rebuild(incremental)
    assert summary["source"] == "archive"
    assert (summary["events"], summary["undecodable"]) == (incremental.events, 0)
    assert_same_rows(dump(incremental.url), incremental.tables)


def test_a_rebuild_from_the_log_gives_the_rows_of_incremental_processing(
    incremental: Incremental,
) -> None:
    summary = rebuild(incremental, "--from", "log", bootstrap=incremental.bootstrap)
    assert summary["source"] == "log"
    assert summary["events"] == incremental.events
    assert_same_rows(dump(incremental.url), incremental.tables)


def test_a_rebuild_of_one_projection_rewrites_its_tables_alone(incremental: Incremental) -> None:
    summary = rebuild(incremental, "license_store")
    assert summary["projections"] == ["license_store"]
    assert summary["topics"] == ["onewindow.licenses"]
    assert_same_rows(dump(incremental.url), incremental.tables)
