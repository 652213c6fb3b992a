"""Dead letters: messages no consumer can read, kept with their original bytes and a reason.

A message that cannot be decoded (garbage, a wrong magic byte, an unknown schema id) or
whose record breaks its event model goes to ``onewindow.deadletter`` unchanged: the same
key, value and headers, so that it can be inspected and, once fixed, replayed. Headers
named like Kafka Connect's error context (``errors.deadletterqueue.context.headers``) are
added, all UTF-8 text:

=========================  ====================================================
``dlq.original.topic``     the topic the message was read from
``dlq.original.partition`` its partition
``dlq.original.offset``    its offset
``dlq.error.class``        the hub error class, e.g. ``SerializationError``
``dlq.error.reason``       what is wrong, naming the field or the bytes
``dlq.consumer``           the consumer (group or processor) that gave up on it
``dlq.failed.at``          when, RFC 3339 in UTC
=========================  ====================================================

::

    router = DeadLetterRouter(publisher, consumer="dispatch")
    router.route(message, error).result()  # confirmed before the offset is committed
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hub.topics import Topic

if TYPE_CHECKING:
    from collections.abc import Iterable

    from hub.consuming.message import RawMessage
    from hub.publisher import Delivery, Publisher

PREFIX = "dlq."
ORIGINAL_TOPIC = "dlq.original.topic"
ORIGINAL_PARTITION = "dlq.original.partition"
ORIGINAL_OFFSET = "dlq.original.offset"
ERROR_CLASS = "dlq.error.class"
ERROR_REASON = "dlq.error.reason"
CONSUMER = "dlq.consumer"
FAILED_AT = "dlq.failed.at"
# A reason quoting a whole undecodable record would swamp the header; its start suffices.
MAX_REASON = 2000


@dataclass(frozen=True)
class DeadLetterContext:
    """Why and from where a dead letter came, read back from its headers."""

    original_topic: str
    original_partition: int
    original_offset: int
    error_class: str
    reason: str
    consumer: str
    failed_at: str


def dead_letter_headers(
    message: RawMessage, error: Exception, consumer: str
) -> list[tuple[str, bytes]]:
    """The original headers (older ``dlq.*`` ones dropped) plus this failure's context."""
    context = {
        ORIGINAL_TOPIC: message.topic,
        ORIGINAL_PARTITION: str(message.partition),
        ORIGINAL_OFFSET: str(message.offset),
        ERROR_CLASS: type(error).__name__,
        ERROR_REASON: str(error)[:MAX_REASON],
        CONSUMER: consumer,
        FAILED_AT: datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    kept = [(name, value) for name, value in message.headers if not name.startswith(PREFIX)]
    return kept + [(name, text.encode()) for name, text in context.items()]


def dead_letter_context(headers: Iterable[tuple[str, bytes]]) -> DeadLetterContext | None:
    """The context of a dead letter, or None when the headers are not a dead letter's."""
    found = {name: value.decode(errors="replace") for name, value in headers}
    if ERROR_CLASS not in found:
        return None
    return DeadLetterContext(
        original_topic=found.get(ORIGINAL_TOPIC, ""),
        original_partition=_int(found.get(ORIGINAL_PARTITION)),
        original_offset=_int(found.get(ORIGINAL_OFFSET)),
        error_class=found[ERROR_CLASS],
        reason=found.get(ERROR_REASON, ""),
        consumer=found.get(CONSUMER, ""),
        failed_at=found.get(FAILED_AT, ""),
    )


class DeadLetterRouter:
    """Sends messages a consumer cannot read to the dead-letter topic, bytes unchanged."""

    def __init__(self, publisher: Publisher, consumer: str, topic: str = Topic.DEADLETTER) -> None:
        self._publisher = publisher
        self.consumer = consumer
        self.topic = topic

    def route(self, message: RawMessage, error: Exception) -> Future[Delivery]:
        """Queue ``message`` with the reason; the future resolves once the broker has it."""
        headers = dead_letter_headers(message, error, self.consumer)
        return self._publisher.publish_raw(self.topic, message.key, message.value, headers)


def _int(text: str | None) -> int:
    return int(text) if text and text.lstrip("-").isdigit() else -1
