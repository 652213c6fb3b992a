"""Publishing events: encoded, keyed, enveloped, and confirmed by the broker.

One idempotent producer (``acks=all``) per :class:`Publisher`. An event model checks
everything its Avro schema would when it is built (see :mod:`hub.events.base`), so it is
encoded without a second walk over the schema. A single event completes a future once the
broker confirmed it, from the delivery callback that a background thread serves; sync and
asyncio faces wrap that future. A batch shares one :class:`BatchDelivery`, a counter the
callbacks of all its messages update, so bulk publishing costs no future per message::

    with Publisher.from_settings(load_settings()) as publisher:
        delivery = publisher.publish_sync(event)
        print(delivery.topic, delivery.partition, delivery.offset)
        publisher.publish_many(events).wait()  # a PublishError names any refused event

The publish path is lean on purpose: no per-message flush, librdkafka batches by
``linger.ms`` (5 ms) into requests of up to 10,000 messages or 1 MB, uncompressed (lz4
cost more CPU per event than it saved on the bench), and each message costs one encode
(the writer compiled for its schema, see :mod:`hub.avro`), one header list and one
``produce``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from hub.broker.clients import producer_config
from hub.envelope import headers_for
from hub.errors import BrokerError, PublishError, SerializationError
from hub.events.base import Event
from hub.serde import Serializer
from hub.settings import HubSettings, KafkaSettings

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
_POLL_INTERVAL = 0.1
_QUEUE_FULL_WAIT = 0.05
_SHOWN_FAILURES = 10
_SERVE_EVERY = 500
_ANY_PARTITION, _NOW = -1, 0  # produce()'s defaults: librdkafka's partitioner, the clock
_Pairs = list[tuple[str, str | bytes | None]]
_OnDelivery = Any  # a callable (error, message); confluent-kafka leaves it untyped


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where the broker stored one message; ``event_id`` is its ``ce_id`` when it had one."""

    topic: str
    partition: int
    offset: int
    event_id: str | None


class Publisher:
    """An idempotent producer of events (Confluent wire format, CloudEvents headers)."""

    def __init__(
        self,
        connection: str | KafkaSettings,
        serializer: Serializer | None = None,
        **overrides: Any,
    ) -> None:
        self._serializer = serializer
        try:
            self._producer = Producer(
                producer_config(connection, error_cb=_log_client_error, **overrides)
            )
        except KafkaException as exc:
            raise BrokerError(f"cannot create a Kafka producer: {exc}") from exc
        self._closed = threading.Event()
        self._poller_serves = threading.Event()
        self._poller_serves.set()
        self._batches = 0
        self._batches_lock = threading.Lock()
        self._poller = threading.Thread(target=self._serve_callbacks, daemon=True)
        self._poller.name = "onewindow-publisher-callbacks"
        self._poller.start()

    @classmethod
    def from_settings(cls, settings: HubSettings, **overrides: Any) -> Publisher:
        """A publisher on the configured broker, encoding with the configured registry."""
        from hub.registry import registry_from_settings  # the registry is needed only here
        from hub.trust.sealing import serializer_for  # personal fields sealed, if so set

        serializer = serializer_for(settings, registry_from_settings(settings))
        return cls(settings.kafka, serializer, **overrides)

    def encode(self, event: Event) -> bytes:
        """The wire-format value of ``event``; its model has checked what Avro would."""
        return self._require_serializer().encode_event(event)

    def publish(self, event: Event) -> Future[Delivery]:
        """Queue ``event``; the future resolves to its Delivery or fails with a PublishError."""
        value, key = self.encode(event), self.key_of(event)
        return self._send(event.topic, key, value, _headers(event, key), event.event_id)

    def publish_many(self, events: Sequence[Event]) -> BatchDelivery:
        """Queue ``events`` in order, tracked together; wait on the batch for the broker.

        A SerializationError stops at the event that cannot be encoded; those before it
        stay queued, since a queued message cannot be taken back.
        """
        self._check_open("events")
        serializer, batch = self._require_serializer(), BatchDelivery(len(events))
        with self._serving_here():
            for start in range(0, len(events), _SERVE_EVERY):
                for event in events[start : start + _SERVE_EVERY]:
                    self._queue(serializer, event, batch)
                self._producer.poll(0)
        return batch

    def publish_sync(self, event: Event, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
        """Publish ``event`` and wait until the broker confirmed it."""
        return wait_for(self.publish(event), timeout)

    async def publish_async(self, event: Event) -> Delivery:
        """Publish ``event`` from asyncio code, resuming once the broker confirmed it."""
        return await asyncio.wrap_future(self.publish(event))

    def publish_raw(
        self,
        topic: str,
        key: str | bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> Future[Delivery]:
        """Queue already-encoded bytes (outbox relay, dead letters) as they are."""
        pairs: _Pairs | None = list(headers) if headers else None
        return self._send(topic, key, value, pairs, _event_id(pairs))

    def flush(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """Wait up to ``timeout`` seconds for every queued message; returns how many are left."""
        if self._closed.is_set():
            return 0  # close() flushed, then failed what was left
        return int(self._producer.flush(timeout))

    def close(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Flush, stop the callback thread, free the producer; a PublishError counts unconfirmed."""
        if self._closed.is_set():
            return
        left = self.flush(timeout)
        self._closed.set()
        self._poller.join()
        self._release()
        if left:
            raise PublishError(f"{left} messages were not confirmed within {timeout:g}s")

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(
        self,
        topic: str,
        key: str | bytes | None,
        value: bytes | None,
        headers: _Pairs | None,
        event_id: str | None,
    ) -> Future[Delivery]:
        self._check_open(f"to {topic}")
        future: Future[Delivery] = Future()
        # Running from the start: a queued message cannot be taken back, so neither can this.
        future.set_running_or_notify_cancel()
        raw_key = key.encode() if isinstance(key, str) else key
        on_delivery = functools.partial(_complete, future, event_id)
        self._produce(topic, raw_key, value, headers, on_delivery)
        return future

    def _queue(self, serializer: Serializer, event: Event, batch: BatchDelivery) -> None:
        value, key = serializer.encode_event(event), serializer.key_of(event)
        # Delivery reports carry no headers: the callback is bound to the event's id.
        on_delivery = functools.partial(batch.on_delivery, event.event_id)
        self._produce(event.topic, key.encode(), value, _headers(event, key), on_delivery)

    def _require_serializer(self) -> Serializer:
        if self._serializer is None:
            raise SerializationError("this publisher has no serializer; it relays raw bytes only")
        return self._serializer

    def key_of(self, event: Event) -> str:
        """The message key: the serializer's (a pseudonym when it seals personal data)."""
        return event.key() if self._serializer is None else self._serializer.key_of(event)

    def _check_open(self, what: str) -> None:
        if self._closed.is_set():
            raise PublishError(f"cannot publish {what}: the publisher is closed")

    def _produce(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        headers: _Pairs | None,
        cb: _OnDelivery,
    ) -> None:
        while True:
            try:
                # Positional: parsing keywords cost a third of produce() (4k of 14k instructions).
                self._producer.produce(topic, value, key, _ANY_PARTITION, cb, None, _NOW, headers)
                return
            except BufferError:
                # The local queue is full: let deliveries drain it rather than fail.
                self._producer.poll(_QUEUE_FULL_WAIT)
            except KafkaException as exc:
                raise PublishError(f"cannot queue a message for {topic}: {exc}") from exc

    @contextmanager
    def _serving_here(self) -> Iterator[None]:
        # Served on the callback thread, each delivery report would take the GIL from the
        # thread publishing a batch (a hand-over per message); the batch serves them itself.
        with self._batches_lock:
            self._batches += 1
            self._poller_serves.clear()
        try:
            yield
        finally:
            with self._batches_lock:
                self._batches -= 1
                if not self._batches:
                    self._poller_serves.set()

    def _release(self) -> None:
        # A producer keeps its broker connections (and logs losing them) until it is destroyed,
        # which a referenced publisher would put off; purged, closing it waits for nothing.
        self._producer.purge()
        self._producer.poll(0)  # the purged messages' reports fail their futures
        self._producer.close()

    def _serve_callbacks(self) -> None:
        while not self._closed.is_set():
            if self._poller_serves.wait(_POLL_INTERVAL):
                self._producer.poll(_POLL_INTERVAL)


class BatchDelivery:
    """The broker's answers for a batch: one counter and the refused events, no futures.

    :meth:`on_delivery` is the delivery callback of every message of the batch; it runs
    on whichever thread serves the producer, hence the lock.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.confirmed = 0
        self.refused: dict[str, str] = {}  # event id -> the broker's reason
        self._answers = 0
        self._lock = threading.Lock()
        self._answered = threading.Event()
        if size == 0:
            self._answered.set()

    def done(self) -> bool:
        """True once the broker answered for every message, confirmed or refused."""
        return self._answered.is_set()

    def wait(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """The number confirmed; a PublishError names refused events or the unanswered count."""
        if not self._answered.wait(timeout):
            left = f"{self.size - self._answers} of {self.size} events"
            raise PublishError(f"{left} not confirmed within {timeout:g}s")
        if self.refused:
            failed = f"{len(self.refused)} of {self.size} events were not accepted"
            raise PublishError(f"{failed}: {_refusals(self.refused)}")
        return self.confirmed

    def on_delivery(self, event_id: str, error: KafkaError | None, _: Message) -> None:
        """Count the broker's answer for event ``event_id`` (bound per message with partial)."""
        with self._lock:
            if error is None:
                self.confirmed += 1
            else:
                self.refused[event_id] = _reason(error)
            self._answers += 1
            if self._answers == self.size:
                self._answered.set()


def wait_for(future: Future[Delivery], timeout: float = DEFAULT_TIMEOUT) -> Delivery:
    """The Delivery of ``future``, or a PublishError when it is not confirmed in time."""
    try:
        return future.result(timeout)
    except FutureTimeout:
        raise PublishError(f"the broker did not confirm within {timeout:g}s") from None


def _complete(
    future: Future[Delivery], event_id: str | None, error: KafkaError | None, message: Message
) -> None:
    if error is not None:
        what = f"event {event_id}" if event_id else "a message"
        failure = PublishError(f"{message.topic()} did not accept {what}: {_reason(error)}")
        future.set_exception(failure)
        return
    # A confirmed message always has its topic, partition and offset.
    topic, partition, offset = message.topic(), message.partition(), message.offset()
    future.set_result(Delivery(cast(str, topic), cast(int, partition), cast(int, offset), event_id))


def _headers(event: Event, subject: str) -> _Pairs:
    return cast(_Pairs, headers_for(event, subject))  # bytes values only: a narrower list


def _reason(error: KafkaError) -> str:
    return f"{error.str()} ({error.name()})"


def _refusals(refused: dict[str, str]) -> str:
    by_reason: dict[str, list[str]] = {}
    for event_id, reason in refused.items():
        by_reason.setdefault(reason, []).append(event_id)
    return "; ".join(f"{_listed(ids)}: {reason}" for reason, ids in by_reason.items())


def _listed(ids: list[str]) -> str:
    more = len(ids) - _SHOWN_FAILURES
    return ", ".join(ids[:_SHOWN_FAILURES]) + (f" and {more} more" if more > 0 else "")


def _event_id(headers: _Pairs | None) -> str | None:
    for name, value in headers or ():
        if name == "ce_id" and value is not None:
            return value.decode(errors="replace") if isinstance(value, bytes) else value
    return None


def _log_client_error(error: KafkaError) -> None:
    # Transient broker trouble is retried by librdkafka; only fatal errors end a producer.
    level = logging.ERROR if error.fatal() else logging.WARNING
    logger.log(level, "Kafka producer: %s (%s)", error.str(), error.name())
