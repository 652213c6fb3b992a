"""What a processor has done: inputs it processed with the events they caused, and timers.

Every processor keeps a journal beside its own state tables, written in the same
transaction, which gives the two guarantees of :class:`~.base.Processor`:

* ``proc_<name>_processed`` maps each processed input's event id to the events it caused,
  so a redelivered input returns the very same events (same ids) and changes no state;
* ``proc_<name>_timers`` holds each event time caused, once per (subject, kind). A
  timer event counts as published only when it comes back on the processor's own topics;
  until then every tick after :data:`RESEND_AFTER` sends it again (same id), so neither a
  failed publish nor a crash loses it, and duplicates are dropped by id downstream.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    select,
)

from hub.db import database_errors, insert_ignore
from hub.events import Event, model_for
from hub.topics import Topic
from projections.processors.base import SOURCE_PREFIX, derived_id

TimerKey = tuple[str, str]

#: How long a timer event may stay unseen on the log before a tick sends it again.
RESEND_AFTER = timedelta(minutes=1)


def _dump(events: Iterable[Event]) -> list[dict[str, Any]]:
    return [{"type": e.event_name, "event": e.model_dump(mode="json")} for e in events]


def _load(stored: Iterable[dict[str, Any]]) -> list[Event]:
    return [model_for(item["type"]).model_validate(item["event"]) for item in stored]


class Journal:
    """The processed-input and timer tables of one processor."""

    def __init__(self, metadata: MetaData, name: str) -> None:
        prefix = f"proc_{name.replace('-', '_')}"
        self.processed = Table(
            f"{prefix}_processed",
            metadata,
            Column("event_id", String(64), primary_key=True),
            Column("caused", JSON, nullable=False),
        )
        self.timers = Table(
            f"{prefix}_timers",
            metadata,
            Column("subject", String(255), primary_key=True),
            Column("kind", String(64), primary_key=True),
            Column("event_id", String(64), nullable=False, index=True),
            Column("event", JSON, nullable=False),
            Column("sent_at", DateTime(timezone=True), nullable=False),
            Column("confirmed", Boolean, nullable=False, default=False, index=True),
        )

    def caused_by(self, conn: Connection, event_ids: Sequence[str]) -> dict[str, list[Event]]:
        """The events caused by those of ``event_ids`` that were processed already."""
        query = select(self.processed).where(self.processed.c.event_id.in_(event_ids))
        return {row.event_id: _load(row.caused) for row in conn.execute(query)}

    def record(self, conn: Connection, caused: Mapping[str, Sequence[Event]]) -> None:
        """Record that each event id of ``caused`` was processed and caused its events."""
        rows = [
            {"event_id": event_id, "caused": _dump(events)} for event_id, events in caused.items()
        ]
        insert_ignore(conn, self.processed, rows, ["event_id"])

    def fired(self, conn: Connection, keys: Iterable[TimerKey]) -> set[TimerKey]:
        """Those of ``keys`` whose timer event was emitted already."""
        wanted = set(keys)
        if not wanted:
            return set()
        subjects = {subject for subject, _ in wanted}
        query = select(self.timers.c.subject, self.timers.c.kind).where(
            self.timers.c.subject.in_(subjects)
        )
        return {(row.subject, row.kind) for row in conn.execute(query)} & wanted

    def fire(
        self, conn: Connection, timed: Sequence[tuple[TimerKey, Event]], now: datetime
    ) -> None:
        """Record timer events as sent at ``now`` and not yet seen back."""
        rows = [
            {
                "subject": subject,
                "kind": kind,
                "event_id": event.event_id,
                "event": _dump([event])[0],
                "sent_at": now,
                "confirmed": False,
            }
            for (subject, kind), event in timed
        ]
        insert_ignore(conn, self.timers, rows, ["subject", "kind"])

    def resend(self, conn: Connection, now: datetime) -> list[Event]:
        """Timer events not seen back and last sent :data:`RESEND_AFTER` ago, sent now."""
        timers = self.timers.c
        stale = (timers.confirmed.is_(False)) & (timers.sent_at <= now - RESEND_AFTER)
        events = [_load([row.event])[0] for row in conn.execute(select(self.timers).where(stale))]
        if events:
            conn.execute(self.timers.update().where(stale).values(sent_at=now))
        return events

    def confirm(self, conn: Connection, event_ids: Sequence[str]) -> None:
        """Mark the timer events among ``event_ids`` as published: they came back."""
        timers = self.timers.c
        seen = timers.event_id.in_(event_ids) & timers.confirmed.is_(False)
        conn.execute(self.timers.update().where(seen).values(confirmed=True))


class JournalledProcessor(ABC):
    """Base of the hub's processors: runs decisions inside one journalled transaction.

    Subclasses set ``name`` and ``topics``, declare their tables on ``self.metadata``
    before calling ``create_tables``, and implement :meth:`decide` and optionally :meth:`due`.
    """

    name: str
    topics: tuple[Topic, ...]

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.metadata = MetaData()
        self.journal = Journal(self.metadata, self.name)
        self.source = SOURCE_PREFIX + self.name
        self._lock = threading.Lock()

    def create_tables(self) -> None:
        """Create this processor's tables if they are missing."""
        with database_errors(f"{self.name}: cannot create its state tables"):
            self.metadata.create_all(self.engine)

    def handle(self, batch: Sequence[Event], now: datetime) -> list[Event]:
        """Decide on each new event of ``batch``; replay what processed ones caused."""
        action = f"{self.name}: cannot process a batch"
        with self._lock, database_errors(action), self.engine.begin() as conn:
            event_ids = [event.event_id for event in batch]
            self.journal.confirm(conn, event_ids)
            done = self.journal.caused_by(conn, event_ids)
            new: dict[str, list[Event]] = {}
            for event in batch:
                if event.event_id not in done:
                    done[event.event_id] = new[event.event_id] = self.decide(conn, event, now)
            self.journal.record(conn, new)
            return [caused for event in batch for caused in done[event.event_id]]

    def tick(self, now: datetime) -> list[Event]:
        """Timer events that fall due now, and those sent a while ago but not seen back."""
        action = f"{self.name}: cannot run its timers"
        now = now.astimezone(UTC)  # SQLite compares the stored times as text
        with self._lock, database_errors(action), self.engine.begin() as conn:
            resent = self.journal.resend(conn, now)
            candidates = self.due(conn, now)
            fired = self.journal.fired(conn, [key for key, _ in candidates])
            new = [(key, event) for key, event in candidates if key not in fired]
            self.journal.fire(conn, new, now)
        return resent + [event for _, event in new]

    @abstractmethod
    def decide(self, conn: Connection, event: Event, now: datetime) -> list[Event]:
        """The events ``event`` causes; state changes go through ``conn``."""

    def due(self, conn: Connection, now: datetime) -> list[tuple[TimerKey, Event]]:
        """Timer events due at ``now``, each with its (subject, kind); none by default."""
        return []

    def cause_id(self, cause: str, kind: str, subject: str) -> str:
        """The id of the ``kind`` event this processor emits about ``subject`` for ``cause``."""
        return derived_id(self.source, cause, kind, subject)
