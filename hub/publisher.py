"""Publishing events: validated, encoded, keyed, enveloped, and confirmed by the broker.

One idempotent producer (``acks=all``) per :class:`Publisher`. An event is checked
against its Avro schema (on top of its pydantic model) and encoded before anything is
queued, so a bad one fails in the caller's hands with the field named; a
queued one completes a future once the broker confirmed it, from the delivery callback
that a background thread serves. Sync and asyncio faces wrap the same future::

    with Publisher.from_settings(load_settings()) as publisher:
        delivery = publisher.publish_sync(event)
        print(delivery.topic, delivery.partition, delivery.offset)

The publish path is lean on purpose: no per-message flush, librdkafka batches by
``linger.ms``, and each message costs one encode, one header list and one ``produce``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, cast

from confluent_kafka import KafkaError, KafkaException, Message, Producer
from fastavro.validation import validate as avro_fits

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
_Pairs = list[tuple[str, str | bytes | None]]


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
        self._poller = threading.Thread(target=self._serve_callbacks, daemon=True)
        self._poller.name = "onewindow-publisher-callbacks"
        self._poller.start()

    @classmethod
    def from_settings(cls, settings: HubSettings, **overrides: Any) -> Publisher:
        """A publisher on the configured broker, encoding with the configured registry."""
        from hub.registry import registry_from_settings  # the registry is needed only here

        serializer = Serializer(registry_from_settings(settings))
        return cls(settings.kafka, serializer, **overrides)

    def encode(self, event: Event) -> bytes:
        """The wire-format value of ``event``, or a SerializationError naming the field."""
        if self._serializer is None:
            raise SerializationError("this publisher has no serializer; it relays raw bytes only")
        name, record = event.event_name, event.to_record()
        # The pydantic model passed, but Avro is stricter (an "int" is 32 bits); the quick
        # yes/no check runs on every event, the one that names the field only on a "no".
        if not avro_fits(record, self._serializer.parsed_schema(name), raise_errors=False):
            self._serializer.encode(name, record)
            raise SerializationError(f"{name} {event.event_id} does not fit its Avro schema")
        return self._serializer.encode(name, record, validate=False)

    def publish(self, event: Event) -> Future[Delivery]:
        """Queue ``event``; the future resolves to its Delivery or fails with a PublishError."""
        value = self.encode(event)
        headers = cast(_Pairs, headers_for(event))  # bytes values only: a narrower list
        return self._send(event.topic, event.key(), value, headers, event.event_id)

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
        return int(self._producer.flush(timeout))

    def close(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Flush, stop the callback thread; a PublishError if messages stayed unconfirmed."""
        if self._closed.is_set():
            return
        left = self.flush(timeout)
        self._closed.set()
        self._poller.join()
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
        if self._closed.is_set():
            raise PublishError(f"cannot publish to {topic}: the publisher is closed")
        future: Future[Delivery] = Future()
        # Running from the start: a queued message cannot be taken back, so neither can this.
        future.set_running_or_notify_cancel()
        raw_key = key.encode() if isinstance(key, str) else key
        on_delivery = functools.partial(_complete, future, event_id)
        self._produce(topic, raw_key, value, headers, on_delivery)
        return future

    def _produce(
        self, topic: str, key: bytes | None, value: bytes | None, headers: _Pairs | None, cb: Any
    ) -> None:
        while True:
            try:
                self._producer.produce(topic, value, key, headers=headers, on_delivery=cb)
                return
            except BufferError:
                # The local queue is full: let deliveries drain it rather than fail.
                self._producer.poll(_QUEUE_FULL_WAIT)
            except KafkaException as exc:
                raise PublishError(f"cannot queue a message for {topic}: {exc}") from exc

    def _serve_callbacks(self) -> None:
        while not self._closed.is_set():
            self._producer.poll(_POLL_INTERVAL)


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
        reason = f"{error.str()} ({error.name()})"
        what = f"event {event_id}" if event_id else "a message"
        future.set_exception(PublishError(f"{message.topic()} did not accept {what}: {reason}"))
        return
    # A confirmed message always has its topic, partition and offset.
    topic, partition, offset = message.topic(), message.partition(), message.offset()
    future.set_result(Delivery(cast(str, topic), cast(int, partition), cast(int, offset), event_id))


def _event_id(headers: _Pairs | None) -> str | None:
    for name, value in headers or ():
        if name == "ce_id" and value is not None:
            return value.decode(errors="replace") if isinstance(value, bytes) else value
    return None


def _log_client_error(error: KafkaError) -> None:
    # Transient broker trouble is retried by librdkafka; only fatal errors end a producer.
    level = logging.ERROR if error.fatal() else logging.WARNING
    logger.log(level, "Kafka producer: %s (%s)", error.str(), error.name())
