"""The CloudEvents Kafka binding (binary mode): event metadata as message headers.

Headers are ``(name, bytes)`` pairs, as confluent-kafka produces and consumes them; the
pairs that do not change from event to event (spec version, content type, the type of
each event) are encoded once and shared::

    >>> from datetime import UTC, datetime
    >>> when = datetime(2026, 1, 2, tzinfo=UTC)
    >>> headers = build_headers("CaseRated", "e-1", "window", when, "C-1")
    >>> headers[1], parse_headers(headers).event_name
    (('ce_type', b'gov.onewindow.events.CaseRated'), 'CaseRated')
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from hub.errors import SerializationError
from hub.registry.files import NAMESPACE

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/avro"
TYPE_PREFIX = f"{NAMESPACE}."
Headers = list[tuple[str, bytes]]
_SPEC_VERSION = ("ce_specversion", SPEC_VERSION.encode())
_CONTENT_TYPE = ("content-type", CONTENT_TYPE.encode())


class EnvelopedEvent(Protocol):
    """What the envelope needs of an event model (see :class:`hub.events.base.Event`)."""

    @property
    def event_name(self) -> str: ...

    @property
    def event_id(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def occurred_at(self) -> datetime: ...

    def key(self) -> str: ...


@dataclass(frozen=True)
class CloudEvent:
    """The CloudEvents attributes of one message."""

    id: str
    type: str
    source: str
    time: datetime
    subject: str
    specversion: str = SPEC_VERSION
    content_type: str = CONTENT_TYPE

    @property
    def event_name(self) -> str:
        """The hub's event name, ``ApplicationSubmitted`` for ``gov.onewindow.events.…``."""
        return self.type.removeprefix(TYPE_PREFIX)


def headers_for(event: EnvelopedEvent, subject: str | None = None) -> Headers:
    """The headers of ``event``; the subject is its key (the aggregate id) unless given."""
    return build_headers(
        event.event_name,
        event.event_id,
        event.source,
        event.occurred_at,
        event.key() if subject is None else subject,
    )


def build_headers(
    event_name: str, event_id: str, source: str, occurred_at: datetime, subject: str
) -> Headers:
    """CloudEvents headers from the attributes themselves."""
    if occurred_at.tzinfo is None:
        raise SerializationError(f"{event_name} {event_id}: occurred_at has no time zone")
    if occurred_at.tzinfo is not UTC:  # an event model's time is UTC already
        occurred_at = occurred_at.astimezone(UTC)
    return [
        ("ce_id", event_id.encode()),
        _type_header(event_name),
        ("ce_source", source.encode()),
        _SPEC_VERSION,
        ("ce_time", occurred_at.isoformat().replace("+00:00", "Z").encode()),
        ("ce_subject", subject.encode()),
        _CONTENT_TYPE,
    ]


@functools.lru_cache(maxsize=256)
def _type_header(event_name: str) -> tuple[str, bytes]:
    return "ce_type", (TYPE_PREFIX + event_name).encode()


def parse_headers(headers: Iterable[tuple[str, bytes | str | None]] | None) -> CloudEvent:
    """The CloudEvents attributes of a consumed message, or a SerializationError naming the gap."""
    found = {name: _text(name, value) for name, value in headers or ()}
    missing = [n for n in ("ce_id", "ce_type", "ce_source", "ce_time") if not found.get(n)]
    if missing:
        raise SerializationError(f"message lacks CloudEvents headers {', '.join(missing)}")
    if found.get("ce_specversion") != SPEC_VERSION:
        raise SerializationError(f"ce_specversion is {found.get('ce_specversion')!r}, not 1.0")
    return CloudEvent(
        id=found["ce_id"],
        type=found["ce_type"],
        source=found["ce_source"],
        time=_time(found["ce_time"]),
        subject=found.get("ce_subject", ""),
        content_type=found.get("content-type", CONTENT_TYPE),
    )


def _text(name: str, value: bytes | str | None) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    try:
        return value.decode()
    except UnicodeDecodeError as exc:
        raise SerializationError(f"header {name} is not UTF-8: {value!r}") from exc


def _time(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise SerializationError(f"ce_time {text!r} is not an RFC 3339 time") from exc
    if parsed.tzinfo is None:
        raise SerializationError(f"ce_time {text!r} has no time zone offset")
    return parsed.astimezone(UTC)
