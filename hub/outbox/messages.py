"""What the relay sends for one outbox row: the event itself, or a dead letter saying why not.

A row becomes a message only if its payload is a valid event of its ``type`` and agrees
with its own columns (same id, same aggregate id, an aggregate type that routes to the
event's topic). Anything else goes to ``onewindow.deadletter`` with the payload bytes as
they were, the error headers of :mod:`hub.deadletter` (``dlq.error.class``,
``dlq.error.reason``, ``dlq.consumer``, ``dlq.failed.at``) and, instead of a topic,
partition and offset, where the row lay: ``dlq.outbox.table``, ``dlq.outbox.row_id``,
``dlq.outbox.seq``, ``dlq.outbox.type`` and ``dlq.outbox.aggregatetype``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pydantic

from hub.deadletter import CONSUMER, ERROR_CLASS, ERROR_REASON, FAILED_AT, MAX_REASON
from hub.envelope import Headers, headers_for
from hub.errors import HubError, ValidationError
from hub.events import Event, model_for
from hub.outbox.table import TABLE_NAME, topic_for_aggregate
from hub.serde import Serializer
from hub.topics import Topic

RELAY_NAME = "outbox-relay"
OUTBOX_PREFIX = "dlq.outbox."


@dataclass(frozen=True)
class OutboxRow:
    """One unsent row of the outbox table."""

    seq: int
    id: str
    aggregatetype: str
    aggregateid: str
    type: str
    payload: str

    @property
    def aggregate(self) -> tuple[str, str]:
        """The aggregate this row belongs to: events of one aggregate keep their order."""
        return (self.aggregatetype, self.aggregateid)

    @classmethod
    def from_mapping(cls, row: Any) -> OutboxRow:
        """The row as read by SQLAlchemy (a ``RowMapping``)."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Message:
    """A Kafka record ready to produce; ``reason`` is set on dead letters only."""

    topic: str
    key: str
    value: bytes
    headers: Headers
    reason: str | None = None


def message_for(row: OutboxRow, serializer: Serializer) -> Message:
    """The event message of ``row``, or its dead letter when the row is not a valid event."""
    try:
        event = event_of(row)
        value = serializer.encode_event(event)
    except HubError as exc:
        return dead_letter_for(row, exc)
    key = serializer.key_of(event)  # the aggregate id, or a person's pseudonym when sealing
    return Message(event.topic, key, value, headers_for(event, key))


def event_of(row: OutboxRow) -> Event:
    """The validated event of ``row``, or a HubError naming what is wrong with it."""
    try:
        event = model_for(row.type).model_validate_json(row.payload)
    except pydantic.ValidationError as exc:
        raise ValidationError(f"payload is not a valid {row.type}: {_problems(exc)}") from exc
    topic = topic_for_aggregate(row.aggregatetype)
    mismatches = [
        f"{column} is {found!r} but the payload says {wanted!r}"
        for column, found, wanted in (
            ("id", row.id, event.event_id),
            ("aggregateid", row.aggregateid, event.key()),
            ("aggregatetype topic", str(topic), str(event.topic)),
        )
        if found != wanted
    ]
    if mismatches:
        raise ValidationError(f"row disagrees with its {row.type} payload: {'; '.join(mismatches)}")
    return event


def dead_letter_for(row: OutboxRow, error: Exception) -> Message:
    """The dead letter of ``row``: its payload as written, with where it lay and why."""
    reason = str(error)[:MAX_REASON]
    headers = {
        ERROR_CLASS: type(error).__name__,
        ERROR_REASON: reason,
        CONSUMER: RELAY_NAME,
        FAILED_AT: datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        f"{OUTBOX_PREFIX}table": TABLE_NAME,
        f"{OUTBOX_PREFIX}row_id": row.id,
        f"{OUTBOX_PREFIX}seq": str(row.seq),
        f"{OUTBOX_PREFIX}type": row.type,
        f"{OUTBOX_PREFIX}aggregatetype": row.aggregatetype,
    }
    encoded = [(name, value.encode()) for name, value in headers.items()]
    return Message(Topic.DEADLETTER, row.aggregateid, row.payload.encode(), encoded, reason)


def _problems(exc: pydantic.ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'payload'}: {error['msg']}"
        for error in exc.errors()
    )
