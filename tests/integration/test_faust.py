"""A faust worker on the embedded broker: at-least-once agents, tables, recovery on restart.

The worker runs as its own process, as in production, with the settings the stream
processors rely on (:func:`hub.broker.streams.faust_app_config`): faust never declares
topics (the registry provisions them, its table changelog included), and the table lives
in memory and is rebuilt from its changelog.
"""

from __future__ import annotations

import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from hub.broker import consumer_config, producer_config
from hub.broker.admin import TopicAdmin
from hub.testing.processes import ChildProcess
from hub.topics import TopicSpec, faust_changelog_topic

pytestmark = pytest.mark.integration

PARTITIONS = 3
APP_SOURCE = """
import os
import faust
from hub.broker.streams import faust_app_config

# The embedded broker keeps a group whose members all left waiting session - 1 s for the
# next member, so a short session keeps the restart quick.
app = faust.App(
    os.environ["APP_ID"],
    **faust_app_config(
        os.environ["BOOTSTRAP"],
        topic_partitions=int(os.environ["PARTITIONS"]),
        broker_session_timeout=2.0,
        broker_heartbeat_interval=0.5,
        broker_commit_every=int(os.environ.get("COMMIT_EVERY", "10000")),
        broker_commit_interval=float(os.environ.get("COMMIT_INTERVAL", "1.0")),
    ),
)
source = app.topic(os.environ["SOURCE"], key_type=str, value_type=str, key_serializer="raw",
                   value_serializer="raw")
seen = app.Table("seen", default=list, partitions=int(os.environ["PARTITIONS"]))


@app.agent(source)
async def count(stream):
    async for key, event_id in stream.items():
        # Idempotent by event id: a redelivered event leaves the count unchanged.
        ids = sorted(set(seen[key]) | {event_id})
        seen[key] = ids
        print(f"COUNT {key} {len(ids)}", flush=True)


if __name__ == "__main__":
    app.main()
"""


class Worker(ChildProcess):
    """One faust worker process whose output lines are collected as they appear."""

    def __init__(self, script: Path, env: dict[str, str]) -> None:
        command = [sys.executable, str(script), "worker", "--loglevel", "warn"]
        super().__init__(command, env, script.parent, with_stdout=True)

    def counts(self, key: str) -> list[int]:
        pattern = re.compile(rf"COUNT {key} (\d+)")
        return [int(match[1]) for line in self.lines if (match := pattern.search(line))]

    def wait_for_count(self, key: str, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while count not in self.counts(key):
            if self.process.poll() is not None or time.monotonic() > deadline:
                output = "\n".join(self.lines[-30:])
                pytest.fail(f"the worker never counted {count} for {key}:\n{output}")
            time.sleep(0.05)


@pytest.fixture
def worker_env(kafka_bootstrap: str, tmp_path: Path) -> dict[str, str]:
    app_id = f"counter-{uuid.uuid4().hex[:8]}"
    source = TopicSpec(f"events-{uuid.uuid4().hex[:8]}", key="case id", partitions=PARTITIONS)
    admin = TopicAdmin(kafka_bootstrap)
    for spec in (source, faust_changelog_topic(app_id, "seen", source)):
        admin.create(spec)
    return os.environ | {
        "APP_ID": app_id,
        "BOOTSTRAP": kafka_bootstrap,
        "SOURCE": source.name,
        "PARTITIONS": str(PARTITIONS),
    }


@pytest.fixture
def start_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    script = tmp_path / "counter_app.py"
    script.write_text(APP_SOURCE)
    workers: list[Worker] = []

    def start() -> Worker:
        workers.append(Worker(script, worker_env))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def produce(env: dict[str, str], key: str, event_ids: range) -> None:
    producer = Producer(producer_config(env["BOOTSTRAP"]))
    for number in event_ids:
        producer.produce(env["SOURCE"], key=key.encode(), value=f"event-{number}".encode())
    assert producer.flush(10) == 0


def test_a_restarted_worker_recovers_its_table_and_continues_counting(
    worker_env: dict[str, str], start_worker: Callable[[], Worker]
) -> None:
    produce(worker_env, "case-1", range(1, 6))
    first = start_worker()
    first.wait_for_count("case-1", 5)
    assert first.stop() == 0

    produce(worker_env, "case-1", range(6, 9))
    second = start_worker()
    second.wait_for_count("case-1", 8)
    # Without recovery from the changelog the first event after restart would count 1.
    assert min(second.counts("case-1")) >= 5
    assert max(second.counts("case-1")) == 8


def test_a_worker_commits_after_every_so_many_acknowledged_records(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    # The interval commit is an hour away: only the count (the transport's hand-over
    # loop, hub.broker.transport) can commit the first batch.
    env = worker_env | {"COMMIT_EVERY": "10", "COMMIT_INTERVAL": "3600"}
    script = tmp_path / "counter_app.py"
    script.write_text(APP_SOURCE)
    worker = Worker(script, env)
    try:
        produce(env, "case-1", range(1, 31))
        worker.wait_for_count("case-1", 30)
        assert committed(env) == 0  # acknowledged, not yet committed
        produce(env, "case-1", range(31, 32))  # the next record comes with the commit
        worker.wait_for_count("case-1", 31)
        deadline = time.monotonic() + 10
        while committed(env) < 30 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert committed(env) == 30
    finally:
        worker.stop()


def committed(env: dict[str, str]) -> int:
    """Records the worker's group has committed on the source topic, all partitions."""
    consumer = Consumer(consumer_config(env["BOOTSTRAP"], env["APP_ID"]))
    try:
        partitions = [TopicPartition(env["SOURCE"], number) for number in range(PARTITIONS)]
        return sum(max(tp.offset, 0) for tp in consumer.committed(partitions, timeout=10))
    finally:
        consumer.close()
