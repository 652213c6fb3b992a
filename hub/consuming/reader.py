"""Reading a topic without joining a group: for people looking at the log, and for tests.

Partitions are assigned directly, from the beginning, the end or one offset, and
nothing is committed, so reading changes no consumer group's position::

    for message in read_topic("127.0.0.1:9092", "onewindow.deadletter", idle_timeout=2):
        print(message.offset, message.header("dlq.error.reason"))
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Generator
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, KafkaException, TopicPartition

from hub.broker.clients import consumer_config
from hub.consuming.message import RawMessage
from hub.errors import BrokerError
from hub.settings import KafkaSettings

_METADATA_TIMEOUT = 10.0
_POLL = 0.2
_BATCH = 500


def read_topic(
    connection: str | KafkaSettings,
    topic: str,
    *,
    from_beginning: bool = True,
    idle_timeout: float | None = None,
    **overrides: Any,
) -> Generator[RawMessage, None, None]:
    """Messages of ``topic`` as they come; ends after ``idle_timeout`` seconds of silence."""
    consumer = _consumer(connection, overrides)
    try:
        start = OFFSET_BEGINNING if from_beginning else OFFSET_END
        consumer.assign([TopicPartition(topic, p, start) for p in _partitions(consumer, topic)])
        quiet_since = time.monotonic()
        while idle_timeout is None or time.monotonic() - quiet_since < idle_timeout:
            batch = [m for m in consumer.consume(_BATCH, _POLL) if m.error() is None]
            if batch:
                quiet_since = time.monotonic()
            yield from map(RawMessage.from_kafka, batch)
    finally:
        consumer.close()


def read_message(
    connection: str | KafkaSettings, topic: str, partition: int, offset: int, timeout: float = 10
) -> RawMessage:
    """The one message at ``offset`` of a partition, or a BrokerError if it does not come."""
    consumer = _consumer(connection, {})
    try:
        consumer.assign([TopicPartition(topic, partition, offset)])
        for message in consumer.consume(1, timeout):
            if message.error() is None:
                return RawMessage.from_kafka(message)
    finally:
        consumer.close()
    raise BrokerError(f"no message at {topic}[{partition}]@{offset} within {timeout:g}s")


def _consumer(connection: str | KafkaSettings, overrides: dict[str, Any]) -> Consumer:
    # A throwaway group id: librdkafka wants one, and it must never share offsets.
    group = f"onewindow-reader-{uuid.uuid4().hex}"
    try:
        return Consumer(consumer_config(connection, group, **overrides))
    except KafkaException as exc:
        raise BrokerError(f"cannot create a Kafka consumer: {exc}") from exc


def _partitions(consumer: Consumer, topic: str) -> list[int]:
    try:
        metadata = consumer.list_topics(topic, timeout=_METADATA_TIMEOUT)
    except KafkaException as exc:
        raise BrokerError(f"cannot read the metadata of {topic}: {exc}") from exc
    found = metadata.topics.get(topic)
    if found is None or found.error is not None or not found.partitions:
        reason = found.error if found is not None and found.error else "no partitions"
        raise BrokerError(f"cannot read topic {topic}: {reason}")
    return sorted(found.partitions)
