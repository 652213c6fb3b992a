"""Running a sink: consume a batch, write it, flush, and only then commit the offsets.

Messages that are not valid events are dead-lettered by the shared decoder
(:func:`hub.consuming.receive`); events seen recently are skipped by id; the rest go to
``Sink.write`` in log order. A batch that fails for good is written again event by event,
so only the events that really fail are dead-lettered, each with the reason. ``flush``
comes before the commit: a crash before it means the batch is delivered again.

Every sink also reads ``onewindow.erasures``: a :class:`~hub.events.erasure.PersonErased`
addressed to its consumer group goes to ``Sink.erase`` after the flush; one it cannot
act on (the default ``erase``) is dead-lettered with the reason, so none is lost.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from confluent_kafka import Consumer, KafkaException, TopicPartition

from connectors.base import Sink, SinkConfig
from connectors.retry import Sleep, with_retries
from connectors.running.loop import Runner
from hub.broker.clients import consumer_config
from hub.consuming import RawMessage, Received, RecentEventIds, receive
from hub.deadletter import DeadLetterRouter
from hub.errors import BrokerError, ConnectorError
from hub.events.erasure import PersonErased
from hub.publisher import Publisher, wait_for
from hub.serde import Deserializer
from hub.settings import KafkaSettings
from hub.topics import Topic

logger = logging.getLogger(__name__)

Offsets = dict[tuple[str, int], int]


class SinkRunner(Runner):
    """Feeds one sink from its topics as a consumer group member, at least once."""

    def __init__(
        self,
        sink: Sink[Any],
        config: SinkConfig,
        connection: str | KafkaSettings,
        deserializer: Deserializer,
        publisher: Publisher,
        name: str,
        *,
        sleep: Sleep = time.sleep,
        poll_timeout: float = 0.5,
        consumer_overrides: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(name, 0.0)
        self.sink, self.config, self._deserializer = sink, config, deserializer
        self.group_id = group_of(config, name)
        self._router = DeadLetterRouter(publisher, consumer=self.group_id)
        self._seen = RecentEventIds()
        self._sleep, self._poll_timeout = sleep, poll_timeout
        overrides = dict(consumer_overrides or {})
        topics = list(dict.fromkeys([*config.topics, Topic.ERASURES]))
        self._consumer = _consumer(connection, self.group_id, topics, overrides)
        self._closed = False

    def start(self) -> None:
        """Start the sink with its validated config."""
        self.sink.start(self.config)

    def step(self) -> int:
        """Consume, write, flush, commit one batch; returns how many messages it held."""
        found = self._consumer.consume(self.config.batch_size, self._poll_timeout)
        messages = [RawMessage.from_kafka(m) for m in found if m.error() is None]
        if not messages:
            return 0
        fresh, notices = self._fresh(messages)
        self._deliver(fresh)
        with_retries(self.sink.flush, self.config.retry, f"{self.name}: flush", self._sleep)
        for notice in notices:
            self._attempt(notice, self._erase)
        self._commit(messages)
        for received in [*fresh, *notices]:
            self._seen.add(received.event_id)
        return len(messages)

    def committed(self) -> Offsets:
        """The group's committed offsets of the partitions this member holds."""
        assigned = self._consumer.assignment()
        found = self._consumer.committed(assigned, timeout=10) if assigned else []
        return {(tp.topic, tp.partition): tp.offset for tp in found}

    def caught_up(self) -> bool:
        """True once this member holds partitions and has read each to its end."""
        assigned = self._consumer.assignment()
        if not assigned:
            return False  # still joining the group: the topics may hold anything
        try:
            # Nothing read from a partition yet: its committed offset is where the group stands.
            committed = self.committed()
            positions = self._consumer.position(assigned)
            return all(self._at_end(position, committed) for position in positions)
        except KafkaException as exc:
            raise BrokerError(f"{self.name}: cannot read positions: {exc}") from exc

    def _at_end(self, position: TopicPartition, committed: Offsets) -> bool:
        low, high = self._consumer.get_watermark_offsets(position, timeout=10, cached=False)
        offset = position.offset
        if offset < 0:
            offset = committed.get((position.topic, position.partition), -1)
        return bool(high == low or offset >= high)

    def close(self) -> None:
        """Stop the sink and leave the group; uncommitted messages will come again."""
        if self._closed:
            return
        self._closed = True
        try:
            self.sink.stop()
        finally:
            self._consumer.close()

    def _fresh(self, messages: Sequence[RawMessage]) -> tuple[list[Received], list[Received]]:
        """The subscribed events and the erasure notices to this sink, not yet seen.

        Bad messages are dead-lettered on the way.
        """
        fresh, notices = [], []
        for message in messages:
            received = receive(message, self._deserializer, self._router)
            if received is None:
                self.stats.dead_lettered += 1
            elif received.event_id in self._seen:
                continue
            elif isinstance(received.event, PersonErased):
                if received.event.connector == self.group_id:
                    notices.append(received)
            elif message.topic in self.config.topics and self.config.wants(received.event):
                fresh.append(received)
        return fresh, notices

    def _deliver(self, batch: Sequence[Received]) -> None:
        if len(batch) > 1:
            try:
                self._write(batch)
                return
            except ConnectorError as exc:
                logger.warning("%s: batch failed (%s); writing event by event", self.name, exc)
        for received in batch:
            self._attempt(received, lambda one: self._write([one]))

    def _attempt(self, received: Received, action: Callable[[Received], None]) -> None:
        """``action(received)``; dead-lettered with the reason when it can never succeed."""
        try:
            action(received)
        except ConnectorError as exc:
            logger.warning("%s: dead-lettering %s: %s", self.name, received.event_id, exc)
            wait_for(self._router.route(received.message, exc))
            self.stats.dead_lettered += 1

    def _erase(self, received: Received) -> None:
        if isinstance(received.event, PersonErased):
            erase = functools.partial(self.sink.erase, received.event)
            with_retries(erase, self.config.retry, f"{self.name}: erase", self._sleep)

    def _write(self, batch: Sequence[Received]) -> None:
        events = [received.event for received in batch]
        with_retries(lambda: self.sink.write(events), self.config.retry, self.name, self._sleep)
        self.stats.delivered += len(events)

    def _commit(self, messages: Sequence[RawMessage]) -> None:
        if not messages:
            return
        ends: Offsets = {}
        for message in messages:
            ends[message.topic, message.partition] = message.offset + 1
        offsets = [TopicPartition(topic, part, end) for (topic, part), end in ends.items()]
        try:
            self._consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            raise BrokerError(f"{self.name}: cannot commit offsets {offsets}: {exc}") from exc


def group_of(config: SinkConfig, name: str) -> str:
    """The consumer group of sink ``name``: the configured one, else ``connector-NAME``."""
    return config.group_id or f"connector-{name}"


def _consumer(
    connection: str | KafkaSettings, group: str, topics: list[str], overrides: dict[str, Any]
) -> Consumer:
    try:
        consumer = Consumer(consumer_config(connection, group, **overrides))
        consumer.subscribe(topics)
    except KafkaException as exc:
        raise BrokerError(f"cannot consume {', '.join(topics)}: {exc}") from exc
    return consumer
