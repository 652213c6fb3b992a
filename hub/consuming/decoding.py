"""From raw bytes to a validated event, or to the dead-letter topic with the reason.

A message is bad when its value cannot be decoded (garbage, a wrong magic byte, an
unknown schema id) or its record breaks the event model (an invalid identifier, say).
Bad messages are dead-lettered and confirmed before the caller moves on, so nothing is
dropped silently; a registry that cannot be reached is not the message's fault, and its
error reaches the caller instead, so that the message is tried again later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hub.consuming.message import HeadersLike, RawMessage
from hub.deadletter import DeadLetterRouter
from hub.errors import SerializationError, UnknownSchemaError, ValidationError
from hub.events.base import Event
from hub.publisher import wait_for
from hub.serde import Decoded, Deserializer

logger = logging.getLogger(__name__)

# What a message can be blamed for; anything else is the consumer's own trouble.
BAD_MESSAGE = (SerializationError, UnknownSchemaError, ValidationError)


@dataclass(frozen=True, slots=True)
class Received:
    """A message that decoded into a valid event; ``event_id`` is its ``ce_id`` if present."""

    message: RawMessage
    decoded: Decoded
    event: Event
    event_id: str


def read_event(message: RawMessage, deserializer: Deserializer) -> Received:
    """Decode and validate ``message``, or raise the hub error that says what is wrong."""
    if message.value is None:
        raise SerializationError("the message has no value (a tombstone carries no event)")
    decoded = deserializer.decode(message.value)
    event = decoded.to_event()
    return Received(message, decoded, event, message.header("ce_id") or event.event_id)


def receive(
    message: RawMessage, deserializer: Deserializer, router: DeadLetterRouter
) -> Received | None:
    """The event of ``message``, or None once a bad message is safely dead-lettered."""
    try:
        return read_event(message, deserializer)
    except BAD_MESSAGE as exc:
        logger.warning(
            "dead-lettering %s[%d]@%d: %s: %s",
            message.topic,
            message.partition,
            message.offset,
            type(exc).__name__,
            exc,
        )
        wait_for(router.route(message, exc))
        return None


def decode_or_deadletter(
    value: bytes | None,
    key: bytes | str | None,
    headers: HeadersLike,
    topic: str,
    partition: int,
    offset: int,
    *,
    deserializer: Deserializer,
    router: DeadLetterRouter,
) -> Received | None:
    """For agents that get raw bytes (faust): the event, or None after dead-lettering it."""
    message = RawMessage.of(value, key, headers, topic, partition, offset)
    return receive(message, deserializer, router)
