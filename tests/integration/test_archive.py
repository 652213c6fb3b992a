"""The event archive: every message copied once, and put back in place on a fresh broker."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_pipeline_support import (
    hub_settings,
    publish,
    workflow_events,
)

from hub.archive import Archiver, ArchiveStore, restore
from hub.archive.replay import log_messages
from hub.broker.embedded import EmbeddedBroker
from hub.consuming import RawMessage
from hub.db import create_engine_for
from hub.publisher import Publisher
from hub.testing.processes import wait_until
from hub.topics import Topic, declared_topics

pytestmark = pytest.mark.integration

TOPICS = [spec.name for spec in declared_topics()]


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(create_engine_for(f"sqlite:///{tmp_path / 'archive.db'}"))


@pytest.fixture
def broker() -> Iterator[EmbeddedBroker]:
    with EmbeddedBroker(topics=declared_topics()) as running:
        yield running


def archive_all(bootstrap: str, store: ArchiveStore, expected: int) -> Archiver:
    """Run an archiver (a group of its own) until it has read ``expected`` messages."""
    archiver = Archiver(bootstrap, store, TOPICS, group_id=f"archiver-{uuid.uuid4().hex}")
    archiver.start()
    try:
        wait_until(lambda: archiver.read >= expected, f"{expected} messages read", 30)
    finally:
        archiver.stop()
    return archiver


def on_log(bootstrap: str) -> list[RawMessage]:
    """Every message on every declared topic, sorted by topic, partition and offset."""
    return sorted(log_messages(bootstrap, TOPICS), key=position)


def position(message: RawMessage) -> tuple[str, int, int]:
    return message.topic, message.partition, message.offset


def fill(broker: EmbeddedBroker, tmp_path: Path) -> list[RawMessage]:
    """Events of a few workflows, a malformed message and a keyless one; the log after."""
    publish(hub_settings(tmp_path, broker.bootstrap_servers), workflow_events(cases=4))
    with Publisher(broker.bootstrap_servers) as publisher:
        publisher.publish_raw(Topic.APPLICATIONS, "bad", b"\x07garbage", [("origin", b"\xff")])
        publisher.publish_raw(Topic.ACCESS, None, b"keyless").result(10)
    return on_log(broker.bootstrap_servers)


def test_the_archiver_keeps_every_message_once_with_its_bytes(
    broker: EmbeddedBroker, store: ArchiveStore, tmp_path: Path
) -> None:
    log = fill(broker, tmp_path)
    archive_all(broker.bootstrap_servers, store, len(log))
    again = archive_all(broker.bootstrap_servers, store, len(log))  # a new group re-reads all

    assert again.archived == 0
    assert store.count() == len(log)
    assert sorted((a.message for a in store.messages()), key=position) == log


def test_a_restore_puts_every_message_back_in_place_and_archives_nothing_twice(
    broker: EmbeddedBroker, store: ArchiveStore, tmp_path: Path
) -> None:
    log = fill(broker, tmp_path)
    archive_all(broker.bootstrap_servers, store, len(log))

    with EmbeddedBroker(topics=declared_topics()) as fresh:
        summary = restore(store, fresh)
        restored = on_log(fresh.bootstrap_servers)
        rearchived = archive_all(fresh.bootstrap_servers, store, len(log))

    assert (summary.messages, summary.shifted, summary.dropped) == (len(log), 0, 0)
    assert restored == log  # same topics, partitions, offsets, keys, values and headers
    assert rearchived.archived == 0
    assert store.count() == len(log)


@pytest.mark.postgres
def test_the_archive_on_postgresql_keeps_and_restores_the_same_messages(
    broker: EmbeddedBroker, postgres_url: str, tmp_path: Path
) -> None:
    store = ArchiveStore(create_engine_for(postgres_url))
    try:
        log = fill(broker, tmp_path)
        archive_all(broker.bootstrap_servers, store, len(log))
        archive_all(broker.bootstrap_servers, store, len(log))
        with EmbeddedBroker(topics=declared_topics()) as fresh:
            restore(store, fresh)
            assert on_log(fresh.bootstrap_servers) == log
        assert store.count() == len(log)
    finally:
        store.engine.dispose()


def test_after_a_restore_the_archiver_starts_where_the_archive_ends(
    broker: EmbeddedBroker, store: ArchiveStore, tmp_path: Path
) -> None:
    log = fill(broker, tmp_path)
    archive_all(broker.bootstrap_servers, store, len(log))

    with EmbeddedBroker(topics=declared_topics()) as fresh:
        summary = restore(store, fresh)
        archiver = Archiver(fresh.bootstrap_servers, store, TOPICS, start_at=summary.ends)
        archiver.start()
        with Publisher(fresh.bootstrap_servers) as publisher:
            publisher.publish_raw(Topic.CREDIT, "S-1", b"after the restart").result(10)
        wait_until(lambda: archiver.read >= 1, "the new message", 30)
        archiver.stop()

    assert (archiver.read, archiver.archived) == (1, 1)
    assert store.count() == len(log) + 1
    assert sum(summary.ends.values()) == len(log)  # every partition's log starts at 0


def test_a_restore_beyond_what_the_broker_keeps_counts_and_logs_what_it_dropped(
    store: ArchiveStore, caplog: pytest.LogCaptureFixture
) -> None:
    # 7 MB archived for one partition; the embedded broker keeps 5 MiB of it.
    big = [RawMessage(Topic.APPLICATIONS, 0, n, b"case-1", b"x" * 100_000, ()) for n in range(70)]
    store.append([(message, None) for message in big])

    with EmbeddedBroker(topics=declared_topics()) as fresh:
        summary = restore(store, fresh)

    assert summary.messages == 70
    assert 0 < summary.dropped < 70
    assert f"dropped the oldest {summary.dropped} restored messages" in caplog.text
    assert f"{Topic.APPLICATIONS}[0]@{summary.dropped}" in caplog.text
