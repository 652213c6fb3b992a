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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from hub.archive.store import ArchiveStore
from hub.consuming import BAD_MESSAGE, RawMessage, read_event, read_topic
from hub.events import Event
from hub.serde import Deserializer
from hub.settings import KafkaSettings

logger = logging.getLogger(__name__)

# How long the log must stay silent before a replay of it counts as complete.
LOG_IDLE_TIMEOUT_S = 3.0


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
    idle_timeout: float = LOG_IDLE_TIMEOUT_S,
) -> Iterator[Event]:
    """The events on ``topics`` in the Kafka log, topic after topic, from the beginning."""
    for topic in topics:
        messages = read_topic(connection, topic, idle_timeout=idle_timeout)
        yield from decoded(messages, deserializer, stats)
