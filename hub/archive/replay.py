"""Reading events back, from the archive or from the Kafka log, for rebuilds and audits.

Both sources yield decoded events in log order per partition. Messages that do not
decode were dead-lettered when they first arrived; a replay counts them and goes on::

    stats = ReplayStats()
    for event in archived_events(store, [Topic.APPLICATIONS], deserializer, stats):
        ...
    print(stats.events, stats.undecodable)
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, TopicPartition

from hub.archive.store import ArchiveStore
from hub.broker.clients import consumer_config
from hub.consuming import BAD_MESSAGE, RawMessage, read_event
from hub.errors import BrokerError
from hub.events import Event
from hub.serde import Deserializer
from hub.settings import KafkaSettings

logger = logging.getLogger(__name__)

_BATCH = 2000
_POLL_S = 0.5
_METADATA_TIMEOUT_S = 10.0


@dataclass
class ReplayStats:
    """What a replay read."""

    messages: int = 0
    events: int = 0
    undecodable: int = 0


def decoded(
    messages: Iterable[RawMessage], deserializer: Deserializer, stats: ReplayStats
) -> Iterator[Event]:
    """The events of ``messages``; those that do not decode are counted and skipped."""
    for message in messages:
        stats.messages += 1
        try:
            event = read_event(message, deserializer).event
        except BAD_MESSAGE as exc:
            stats.undecodable += 1
            logger.debug(
                "skipping %s[%d]@%d: %s", message.topic, message.partition, message.offset, exc
            )
            continue
        stats.events += 1
        yield event


def archived_events(
    store: ArchiveStore, topics: Sequence[str], deserializer: Deserializer, stats: ReplayStats
) -> Iterator[Event]:
    """The events archived on ``topics``, in the order they were archived."""
    messages = (archived.message for archived in store.messages(topics))
    return decoded(messages, deserializer, stats)


def log_events(
    connection: str | KafkaSettings,
    topics: Sequence[str],
    deserializer: Deserializer,
    stats: ReplayStats,
) -> Iterator[Event]:
    """The events on ``topics`` in the Kafka log, from the beginning to where it ends now."""
    return decoded(log_messages(connection, topics), deserializer, stats)


def log_messages(connection: str | KafkaSettings, topics: Sequence[str]) -> Iterator[RawMessage]:
    """Every message of ``topics`` up to the end each partition had when reading began."""
    consumer = _reader(connection)
    try:
        ends = _ends(consumer, topics)
        consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in ends])
        while ends:
            for message in consumer.consume(_BATCH, _POLL_S):
                where = (message.topic() or "", message.partition() or 0)
                if message.error() is None and where in ends:
                    yield RawMessage.from_kafka(message)
                    if (message.offset() or 0) + 1 >= ends[where]:
                        del ends[where]
    finally:
        consumer.close()


def _reader(connection: str | KafkaSettings) -> Consumer:
    # A throwaway group id: librdkafka wants one, and a replay must commit nowhere.
    config = consumer_config(connection, f"onewindow-replay-{uuid.uuid4().hex}")
    try:
        return Consumer(config)
    except KafkaException as exc:
        raise BrokerError(f"cannot create a Kafka consumer: {exc}") from exc


def _ends(consumer: Consumer, topics: Sequence[str]) -> dict[tuple[str, int], int]:
    """The end offset of every non-empty partition of ``topics``."""
    ends = {}
    try:
        metadata = consumer.list_topics(timeout=_METADATA_TIMEOUT_S)
        for topic in topics:
            for partition in metadata.topics[topic].partitions:
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=_METADATA_TIMEOUT_S
                )
                if high > low:
                    ends[(topic, partition)] = high
    except (KafkaException, KeyError) as exc:
        raise BrokerError(f"cannot find the partitions of {', '.join(topics)}: {exc!r}") from exc
    return ends
