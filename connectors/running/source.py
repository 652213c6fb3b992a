"""Running a source: poll, publish in order, wait for the broker's confirmation, commit.

A poll's events are published in the order the source gave them (so in order per key,
through the idempotent producer); its rejected inputs go to ``onewindow.deadletter`` with
the reason in ``dlq.*`` headers. Only when the broker has confirmed every one of them is
``commit`` called, so a crash anywhere before means the source polls the same input again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any, Protocol

from connectors.base import RawSender, Rejected, Source, SourceConfig, SourceContext
from connectors.retry import Sleep, with_retries
from connectors.running.loop import Runner
from hub.deadletter import CONSUMER, ERROR_CLASS, ERROR_REASON, FAILED_AT, MAX_REASON
from hub.errors import SerializationError
from hub.events import Event
from hub.publisher import DEFAULT_TIMEOUT, Delivery, wait_for
from hub.serde import Serializer
from hub.topics import Topic

logger = logging.getLogger(__name__)

ORIGIN_PREFIX = "dlq.source."


class EventPublisher(RawSender, Protocol):
    """What a source runner needs of :class:`hub.publisher.Publisher`."""

    def publish(self, event: Event) -> Future[Delivery]:
        """Encode and queue ``event``; a SerializationError when it does not fit its schema."""
        ...


class SourceRunner(Runner):
    """Moves one source's events to their topics, at least once and in order per key."""

    def __init__(
        self,
        source: Source[Any],
        config: SourceConfig,
        publisher: EventPublisher,
        serializer: Serializer,
        name: str,
        sleep: Sleep = time.sleep,
    ) -> None:
        super().__init__(name, config.poll_interval)
        self.source, self.config, self.publisher = source, config, publisher
        self._serializer, self._sleep = serializer, sleep
        self._pending: list[Future[Delivery]] = []

    def start(self) -> None:
        """Start the source; what it sends itself is confirmed with the rest of its step."""
        context = SourceContext(self.name, self.reject, self._serializer, _Tracked(self))
        self.source.start(self.config, context)

    def step(self) -> int:
        """Poll, publish, wait for every confirmation, commit; returns how much was sent."""
        self._pending = []
        what = f"{self.name}: poll"
        events = with_retries(self.source.poll, self.config.retry, what, self._sleep)
        for event in events:
            self._publish(event)
        self._confirm()
        self.source.commit(events)
        self.stats.delivered += len(events)
        return len(self._pending)

    def reject(self, rejected: Rejected) -> None:
        """Queue ``rejected`` for the dead-letter topic; it is confirmed before the commit."""
        logger.warning("%s rejected input: %s", self.name, rejected.reason)
        headers = reject_headers(rejected, self.name)
        value, key = rejected.value, rejected.key
        self.track(self.publisher.publish_raw(Topic.DEADLETTER, key, value, headers))
        self.stats.dead_lettered += 1

    @property
    def in_flight(self) -> tuple[Future[Delivery], ...]:
        """What this step has sent so far: its events, dead letters and relayed records."""
        return tuple(self._pending)

    def track(self, future: Future[Delivery]) -> None:
        """Wait for ``future`` before the step commits."""
        self._pending.append(future)

    def close(self) -> None:
        """Stop the source."""
        self.source.stop()

    def _publish(self, event: Event) -> None:
        try:
            self.track(self.publisher.publish(event))
        except SerializationError as exc:
            payload = event.model_dump_json().encode()
            self.reject(Rejected(payload, str(exc), type(exc).__name__, event.key()))

    def _confirm(self) -> None:
        self.publisher.flush(DEFAULT_TIMEOUT)
        for future in self._pending:
            wait_for(future)


def reject_headers(rejected: Rejected, connector: str) -> list[tuple[str, bytes]]:
    """The ``dlq.*`` headers of a rejected input: the reason, who rejected it, from where."""
    context = {
        ERROR_CLASS: rejected.error_class,
        ERROR_REASON: rejected.reason[:MAX_REASON],
        CONSUMER: connector,
        FAILED_AT: datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    context |= {ORIGIN_PREFIX + name: value for name, value in rejected.origin.items()}
    return [(name, value.encode()) for name, value in context.items()]


class _Tracked:
    """The runner's publisher as a source sees it: whatever it sends is confirmed in its step."""

    def __init__(self, runner: SourceRunner) -> None:
        self._runner = runner

    def publish_raw(
        self,
        topic: str,
        key: str | bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> Future[Delivery]:
        future = self._runner.publisher.publish_raw(topic, key, value, headers)
        self._runner.track(future)
        return future

    def flush(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        return self._runner.publisher.flush(timeout)
