"""The retention watch: a warning when the embedded broker drops records it cannot keep."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
from confluent_kafka import Producer

from hub.broker import producer_config
from hub.broker.admin import TopicAdmin
from hub.broker.lag import LagReader
from hub.broker.retention import RetentionWatch
from hub.testing.processes import wait_until
from hub.topics import TopicSpec

pytestmark = pytest.mark.integration

RECORD = b"x" * 100_000


def produce(bootstrap: str, topic: str, count: int) -> None:
    producer = Producer(producer_config(bootstrap))
    for _ in range(count):
        producer.produce(topic, key=b"case-1", value=RECORD)
    assert producer.flush(10) == 0


def test_the_watch_warns_once_when_a_partition_loses_its_oldest_records(
    kafka_bootstrap: str, caplog: pytest.LogCaptureFixture
) -> None:
    topic = f"retention-{uuid.uuid4().hex[:8]}"
    TopicAdmin(kafka_bootstrap).create(TopicSpec(topic, key="case id", partitions=1))
    produce(kafka_bootstrap, topic, 10)
    reader = LagReader(kafka_bootstrap)
    watch = RetentionWatch(reader, [topic], interval=0.1).start()
    try:
        caplog.set_level(logging.WARNING, logger="hub.broker.retention")
        produce(kafka_bootstrap, topic, 60)  # 7 MB in all: more than the broker keeps
        warning = f"records of {topic}[0] before offset {reader.log_starts([topic])[(topic, 0)]} "
        wait_until(lambda: warning in caplog.text, "a warning", 10)
        time.sleep(1)  # ten more readings, none of which may say it again
    finally:
        watch.stop()

    assert caplog.text.count(warning) == 1
    assert watch.check() == {}  # nothing new dropped: nothing said


def test_a_watch_started_after_a_cut_takes_it_as_known(kafka_bootstrap: str) -> None:
    topic = f"retention-{uuid.uuid4().hex[:8]}"
    TopicAdmin(kafka_bootstrap).create(TopicSpec(topic, key="case id", partitions=1))
    produce(kafka_bootstrap, topic, 70)
    watch = RetentionWatch(LagReader(kafka_bootstrap), [topic], interval=3600).start()
    watch.stop()

    assert watch.check() == {}
    produce(kafka_bootstrap, topic, 10)
    assert list(watch.check()) == [(topic, 0)]
