"""``onewindow worker`` as a process: events on the broker end as rows, exactly once.

Each test runs the worker in its own consumer group and its own database against the
session's broker, and compares its tables with those that applying the same events in
one process gives: every event applied once per projection, the same rows in every
table with the same values.
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_pipeline_support import (
    assert_same_rows,
    dump,
    finish,
    hub_settings,
    projected,
    publish,
    row_count,
    several_batches,
    start_worker,
    workflow_events,
)

from hub.archive.replay import log_messages
from hub.deadletter import dead_letter_context
from hub.events import Event
from hub.publisher import Publisher
from hub.testing.processes import own_broker, wait_until
from hub.topics import Topic

pytestmark = pytest.mark.integration

# A worker asked to stop finishes the batch in hand, commits and leaves within this.
STOP_S = 20.0


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    """A broker of this test alone (the session's one holds the other tests' events)."""
    with own_broker() as bootstrap:
        yield bootstrap


def run_through_worker(
    kafka_bootstrap: str, tmp_path: Path, database_url: str, events: list[Event]
) -> None:
    settings = hub_settings(tmp_path, kafka_bootstrap)
    expected = projected(events, f"sqlite:///{tmp_path / 'expected.db'}")
    publish(settings, events)
    worker = start_worker(kafka_bootstrap, tmp_path, database_url, f"test-{uuid.uuid4().hex}")
    finish(worker, database_url, len(expected["processed_events"]))
    assert_same_rows(dump(database_url), expected)


def test_events_published_end_as_the_same_rows_in_sqlite(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    events = workflow_events(cases=15)
    run_through_worker(kafka_bootstrap, tmp_path, f"sqlite:///{tmp_path / 'hub.db'}", events)


@pytest.mark.postgres
def test_events_published_end_as_the_same_rows_in_postgresql(
    kafka_bootstrap: str, tmp_path: Path, postgres_url: str
) -> None:
    events = workflow_events(cases=8, seed=12)
    run_through_worker(kafka_bootstrap, tmp_path, postgres_url, events)


@pytest.mark.parametrize(
    ("sig", "exit_code"),
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGTERM, 0)],
    ids=["killed", "stopped"],
)
def test_a_worker_ended_mid_batch_and_restarted_misses_and_repeats_nothing(
    kafka_bootstrap: str, tmp_path: Path, sig: signal.Signals, exit_code: int
) -> None:
    # Killed, it leaves its batch to be delivered again; stopped, it finishes the batch
    # in hand, commits and leaves the group within STOP_S, while others still wait.
    events = several_batches(seed=13)
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    expected = projected(events, f"sqlite:///{tmp_path / 'expected.db'}")
    target = len(expected["processed_events"])
    publish(hub_settings(tmp_path, kafka_bootstrap), events)
    group = f"test-{uuid.uuid4().hex}"

    first = start_worker(kafka_bootstrap, tmp_path, url, group)
    wait_until(lambda: row_count(url) > 0, "the first rows")
    assert first.stop(sig, timeout=STOP_S) == exit_code
    assert 0 < row_count(url) < target, "the worker should end while batches are in flight"

    finish(start_worker(kafka_bootstrap, tmp_path, url, group), url, target)
    assert_same_rows(dump(url), expected)


def test_a_malformed_message_is_dead_lettered_and_the_worker_goes_on(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    before, after = workflow_events(cases=2, seed=14), workflow_events(cases=2, seed=15)
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    expected = projected(before + after, f"sqlite:///{tmp_path / 'expected.db'}")
    settings = hub_settings(tmp_path, kafka_bootstrap)
    garbage_key = f"garbage-{uuid.uuid4().hex}"
    publish(settings, before)
    with Publisher(kafka_bootstrap) as publisher:
        publisher.publish_raw(Topic.APPLICATIONS, garbage_key, b"not avro at all").result(10)
    publish(settings, after)

    worker = start_worker(kafka_bootstrap, tmp_path, url, f"test-{uuid.uuid4().hex}")
    finish(worker, url, len(expected["processed_events"]))
    assert_same_rows(dump(url), expected)
    letters = [
        dead_letter_context(m.headers)
        for m in log_messages(kafka_bootstrap, [Topic.DEADLETTER])
        if m.key_text == garbage_key and m.value == b"not avro at all"
    ]
    # Two read models read the topic; the message is dead-lettered once, with its reason.
    assert len(letters) == 1, "the malformed message is not on the dead-letter topic once"
    [context] = letters
    assert context is not None
    assert "magic byte" in context.reason
    assert context.original_topic == Topic.APPLICATIONS.value
