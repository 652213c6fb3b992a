"""The processor contract the worker runs, and the deterministic ids of what processors emit.

A processor decides on batches of decoded events and returns new events to publish; the
worker (faust agents, one consumer group per :attr:`Processor.name`) publishes them and
calls :meth:`Processor.tick` on a timer for what time alone causes. Delivery is at least
once, so every emitted event's id is derived from its cause: publishing it twice is
harmless, the second copy is dropped by event id downstream::

    >>> derived_id("3f1c…", "TaskDispatched", "MR-DJ-001") == derived_id(
    ...     "3f1c…", "TaskDispatched", "MR-DJ-001")
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol
from uuid import UUID, uuid5

from hub.events import Event
from hub.topics import Topic

#: Namespace of every id a processor derives; never change it, or replays emit new ids.
NAMESPACE = UUID("6f1d3c52-8a0e-5b7e-9c41-2d6a7e0b9f13")

#: The ``source`` of events the hub's own processors emit, followed by the processor name.
SOURCE_PREFIX = "onewindow/"

#: Working days are days in China (UTC+8, no daylight saving since 1991): a submission at
#: 20:00 UTC belongs to the next day's working-day count.
CHINA = timezone(timedelta(hours=8), "CST")


class Processor(Protocol):
    """A stream processor: a pure decision over events and time, with its own state."""

    name: str
    topics: tuple[Topic, ...]

    def handle(self, batch: Sequence[Event], now: datetime) -> list[Event]:
        """Decide on a batch of events (in log order per key); return the events to publish.

        A redelivered event returns exactly the events it returned the first time.
        """
        ...

    def tick(self, now: datetime) -> list[Event]:
        """Return the events time alone causes, each once per subject and kind.

        One that does not come back on the processor's topics (a failed publish, a crash)
        is returned again by a later tick, with the same id.
        """
        ...


def derived_id(*parts: str) -> str:
    """A UUID derived from the parts that name an emitted event's cause and meaning."""
    return str(uuid5(NAMESPACE, ":".join(parts)))


def local_day(moment: datetime) -> date:
    """The day in China at ``moment``, which is what working days count."""
    return moment.astimezone(CHINA).date()


def stamp(source: str, cause: Event, kind: str, subject: str) -> dict[str, Any]:
    """Id, time and source of the ``kind`` event about ``subject`` that ``cause`` causes."""
    return {
        "event_id": derived_id(source, cause.event_id, kind, subject),
        "occurred_at": cause.occurred_at,
        "source": source,
    }


def timed(source: str, subject: str, kind: str, now: datetime) -> dict[str, Any]:
    """Id, time and source of the one ``kind`` event that time causes about ``subject``."""
    return {"event_id": derived_id(source, subject, kind), "occurred_at": now, "source": source}
