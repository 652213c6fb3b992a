"""``onewindow archive run``, ``stats`` and ``show`` against a broker of the test's own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_pipeline_support import hub_settings, publish, workflow_events

from hub.archive import ArchiveStore
from hub.db import create_engine_for
from hub.publisher import Publisher
from hub.testing.processes import HubProcess, hub_env, own_broker, run_hub, wait_until
from hub.topics import Topic

pytestmark = pytest.mark.integration


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    with own_broker() as bootstrap:
        yield bootstrap


def test_the_archiver_alone_keeps_the_log_and_the_archive_shows_it(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    events = workflow_events(cases=2, seed=51)
    env = hub_env(tmp_path, kafka_bootstrap)
    store = ArchiveStore(create_engine_for(f"sqlite:///{tmp_path / 'archive.db'}"))
    archiver = HubProcess(["archive", "run"], env, tmp_path)
    publish(hub_settings(tmp_path, kafka_bootstrap), events)
    with Publisher(kafka_bootstrap) as publisher:
        publisher.publish_raw(Topic.LICENSES, "L-1", b"\x00broken").result(10)
    wait_until(lambda: store.count() == len(events) + 1, "every message archived")
    assert archiver.stop() == 0

    counts = json.loads(run_hub(env, "archive", "stats", "--json"))["topics"]
    assert sum(counts.values()) == len(events) + 1
    shown = [json.loads(line) for line in run_hub(env, "archive", "show", "--json").splitlines()]
    decoded = {s["headers"]["ce_id"] for s in shown if "record" in s}
    assert decoded == {event.event_id for event in events}
    broken = [s for s in shown if "error" in s]
    assert [(b["topic"], b["key"]) for b in broken] == [(Topic.LICENSES.value, "L-1")]
    licenses = run_hub(env, "archive", "show", "--topic", Topic.LICENSES, "--json").splitlines()
    assert len(licenses) == counts[Topic.LICENSES.value]
