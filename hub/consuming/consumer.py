"""The consumer loop every processor and connector shares: at least once, duplicates dropped.

It polls in batches, decodes each message, dead-letters bad ones and goes on, skips
events it has already handled, and hands the rest to the handler in log order. Offsets
are committed only for messages whose handling finished (handled, skipped or
dead-lettered), so a crash or a raising handler means redelivery, never loss::

    def handle(received: Received) -> None:
        print(received.event)

    with EventConsumer(bootstrap, "printer", [Topic.APPLICATIONS], handle,
                       deserializer=deserializer, publisher=publisher) as consumer:
        consumer.run(stop_event)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, TopicPartition

from hub.broker.clients import consumer_config
from hub.consuming.decoding import Received, receive
from hub.consuming.dedup import RecentEventIds
from hub.consuming.message import RawMessage
from hub.deadletter import DeadLetterRouter
from hub.errors import BrokerError
from hub.publisher import Publisher
from hub.serde import Deserializer
from hub.settings import KafkaSettings

logger = logging.getLogger(__name__)

Handler = Callable[[Received], None]
DEFAULT_BATCH = 500


@dataclass
class ConsumeStats:
    """What a consumer did with the messages it read."""

    handled: int = 0
    duplicates: int = 0
    dead_letters: int = 0


class EventConsumer:
    """Consumes topics as one group member, handing each new valid event to ``handler``."""

    def __init__(
        self,
        connection: str | KafkaSettings,
        group_id: str,
        topics: Sequence[str],
        handler: Handler,
        *,
        deserializer: Deserializer,
        publisher: Publisher,
        seen: RecentEventIds | None = None,
        batch_size: int = DEFAULT_BATCH,
        **overrides: Any,
    ) -> None:
        self._handler = handler
        self._deserializer = deserializer
        self._router = DeadLetterRouter(publisher, consumer=group_id)
        self._seen = seen if seen is not None else RecentEventIds()
        self.batch_size = batch_size
        self.stats = ConsumeStats()
        try:
            self._consumer = Consumer(consumer_config(connection, group_id, **overrides))
            self._consumer.subscribe(list(topics))
        except KafkaException as exc:
            raise BrokerError(f"cannot consume {', '.join(topics)}: {exc}") from exc

    def run(self, stop: threading.Event, timeout: float = 0.5) -> None:
        """Process batches until ``stop`` is set; a handler's error ends the loop."""
        while not stop.is_set():
            self.poll_batch(timeout)

    def poll_batch(self, timeout: float = 0.5) -> int:
        """Read and process one batch, commit what finished; returns how many were read."""
        messages = [m for m in self._next_batch(timeout) if _ok(m)]
        finished: dict[tuple[str, int], int] = {}
        try:
            for message in map(RawMessage.from_kafka, messages):
                self._process(message)
                finished[message.topic, message.partition] = message.offset + 1
        except BaseException:
            self._rewind(messages, finished)
            raise
        finally:
            self._commit(finished)
        return len(messages)

    def close(self) -> None:
        """Leave the group; uncommitted messages go to whoever takes the partitions."""
        self._consumer.close()

    def __enter__(self) -> EventConsumer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _next_batch(self, timeout: float) -> list[Message]:
        # consume(n, timeout) would wait for n messages; waiting only for the first and
        # taking whatever else is already fetched keeps batches without adding latency.
        first = self._consumer.poll(timeout)
        if first is None:
            return []
        return [first, *self._consumer.consume(self.batch_size - 1, 0)]

    def _process(self, message: RawMessage) -> None:
        header_id = message.header("ce_id")
        if header_id is not None and header_id in self._seen:
            self.stats.duplicates += 1
            return
        received = receive(message, self._deserializer, self._router)
        if received is None:
            self.stats.dead_letters += 1
        elif received.event_id in self._seen:
            self.stats.duplicates += 1
        else:
            self._handler(received)
            self._seen.add(received.event_id)
            self.stats.handled += 1

    def _commit(self, finished: dict[tuple[str, int], int]) -> None:
        if not finished:
            return
        offsets = [TopicPartition(t, p, offset) for (t, p), offset in finished.items()]
        try:
            self._consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            raise BrokerError(f"cannot commit offsets {offsets}: {exc}") from exc

    def _rewind(self, messages: Iterable[Message], finished: dict[tuple[str, int], int]) -> None:
        # The consumer's position is past the whole batch; a caller that goes on after the
        # error must see the unfinished messages again, not skip them.
        first_unfinished: dict[tuple[str, int], int] = {}
        for message in map(RawMessage.from_kafka, messages):
            where = (message.topic, message.partition)
            if message.offset >= finished.get(where, -1):
                first_unfinished.setdefault(where, message.offset)
        for (topic, partition), offset in first_unfinished.items():
            self._consumer.seek(TopicPartition(topic, partition, offset))


def _ok(message: Message) -> bool:
    error: KafkaError | None = message.error()
    if error is None:
        return True
    if error.fatal():
        raise BrokerError(f"the consumer failed: {error.str()} ({error.name()})")
    logger.warning("Kafka consumer: %s (%s)", error.str(), error.name())
    return False
