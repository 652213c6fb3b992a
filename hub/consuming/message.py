"""A consumed message as plain bytes, whichever client read it (confluent-kafka or faust)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from confluent_kafka import Message

HeaderValue = bytes | str | None
HeadersLike = Mapping[str, HeaderValue] | Iterable[tuple[str, HeaderValue]] | None
Headers = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as it lay on the log: where it was, and its key, value and headers."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()

    @classmethod
    def of(
        cls,
        value: bytes | None,
        key: bytes | str | None,
        headers: HeadersLike,
        topic: str,
        partition: int,
        offset: int,
    ) -> RawMessage:
        """A message from its parts, in whichever shape the client gave them."""
        return cls(topic, partition, offset, _as_bytes(key), value, normalise_headers(headers))

    @classmethod
    def from_kafka(cls, message: Message) -> RawMessage:
        """A message read by confluent-kafka."""
        return cls.of(
            message.value(),
            message.key(),
            message.headers(),
            message.topic() or "",
            message.partition() or 0,
            message.offset() or 0,
        )

    def header(self, name: str) -> str | None:
        """The first header called ``name`` as text, or None."""
        for found, value in self.headers:
            if found == name:
                return value.decode(errors="replace")
        return None

    @property
    def key_text(self) -> str | None:
        """The key as text (keys are aggregate ids in UTF-8)."""
        return None if self.key is None else self.key.decode(errors="replace")


def normalise_headers(headers: HeadersLike) -> Headers:
    """Headers as ``(name, bytes)`` pairs, from a mapping or pairs; empty values become b''."""
    if headers is None:
        return ()
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return tuple((name, _as_bytes(value) or b"") for name, value in pairs)


def _as_bytes(value: HeaderValue) -> bytes | None:
    return value.encode() if isinstance(value, str) else value
