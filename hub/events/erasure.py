"""The erasure notice: a sink connector must erase the copies it delivered of a person's data.

It names no one. It is addressed to the consumer group of one sink connector and lists
the ids of the events naming the person that this connector delivered, with their case
and license ids, which is what the department holds and can find its copies by (see
:mod:`hub.trust.deliveries`).
"""

from __future__ import annotations

from typing import ClassVar

from hub.events.base import Event
from hub.topics import Topic


class PersonErased(Event):
    """A person was erased; the addressed sink connector erases what it delivered of theirs."""

    topic: ClassVar[Topic] = Topic.ERASURES
    key_field: ClassVar[str] = "pseudonym"

    pseudonym: str
    tombstone: str
    connector: str
    department: str | None = None
    event_ids: tuple[str, ...]
    aggregate_ids: tuple[str, ...]
