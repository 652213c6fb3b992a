"""A simulated department's own system: the answers it has planned, and how they go out.

The desk is a table in the department's own database. Planning an answer inserts it with
the moment it falls due (its ``occurred_at``); the clerk thread sends what has fallen due
through the department's channel and marks it sent in the same step. Event ids are
derived from their cause, so planning the same answer twice (a redelivered task) keeps
one row. Channels are the ways real departments reach the hub:

* :class:`KafkaChannel`: a system that produces to the topics itself;
* :class:`OutboxChannel`: a system that writes its events into its own outbox table in
  the transaction that records them, relayed by the ``outbox`` connector;
* :class:`FileChannel`: a system that can only drop files, one JSON-lines file per event
  type per batch, read by ``file-import`` connectors.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

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

from hub.clock import Clock
from hub.db import create_engine_for, insert_ignore
from hub.events import Event, model_for
from hub.outbox import create_outbox, write_outbox
from hub.publisher import Publisher

logger = logging.getLogger(__name__)
CLERK_INTERVAL_S = 0.1


class Desk:
    """The planned answers of one department, in its own database."""

    def __init__(self, database_url: str) -> None:
        self.engine: Engine = create_engine_for(database_url)
        metadata = MetaData()
        self.answers = Table(
            "desk_answers",
            metadata,
            Column("event_id", String(64), primary_key=True),
            Column("due_at", DateTime(timezone=True), nullable=False, index=True),
            Column("event_type", String(64), nullable=False),
            Column("event", JSON, nullable=False),
            Column("sent", Boolean, nullable=False, default=False),
        )
        self.received = Table(
            "desk_received",
            metadata,
            Column("subject", String(200), primary_key=True),
            Column("event_type", String(64), primary_key=True),
            Column("event", JSON, nullable=False),
        )
        metadata.create_all(self.engine)

    def keep(self, conn: Connection, subject: str, event: Event) -> None:
        """File a received event under ``subject`` (a task id), to answer it later."""
        row = {"subject": subject, "event_type": event.event_name, "event": _dumped(event)}
        insert_ignore(conn, self.received, [row], ["subject", "event_type"])

    def kept(self, conn: Connection, subject: str, event_type: str) -> Event | None:
        """The event of ``event_type`` filed under ``subject``, if any."""
        c = self.received.c
        query = select(c.event).where(c.subject == subject, c.event_type == event_type)
        found = conn.execute(query).scalar()
        return None if found is None else model_for(event_type).model_validate(found)

    def planned(self, conn: Connection, event_id: str) -> Event | None:
        """The answer planned under ``event_id``, if any."""
        c = self.answers.c
        row = conn.execute(select(c.event_type, c.event).where(c.event_id == event_id)).first()
        return None if row is None else model_for(row.event_type).model_validate(row.event)

    def plan(self, conn: Connection, events: Sequence[Event]) -> None:
        """Plan ``events`` to go out at their ``occurred_at``; a known id changes nothing."""
        rows = [
            {
                "event_id": e.event_id,
                "due_at": e.occurred_at,
                "event_type": e.event_name,
                "event": _dumped(e),
                "sent": False,
            }
            for e in events
        ]
        insert_ignore(conn, self.answers, rows, ["event_id"])

    def due(self, conn: Connection, now: datetime) -> list[Event]:
        """The unsent answers due by ``now``, oldest first."""
        c = self.answers.c
        query = select(c.event_type, c.event).where(c.sent.is_(False), c.due_at <= now)
        rows = conn.execute(query.order_by(c.due_at, c.event_id)).all()
        return [model_for(row.event_type).model_validate(row.event) for row in rows]

    def mark_sent(self, conn: Connection, events: Sequence[Event]) -> None:
        """Record that ``events`` went out."""
        ids = [e.event_id for e in events]
        conn.execute(
            self.answers.update().where(self.answers.c.event_id.in_(ids)).values(sent=True)
        )


class Channel(Protocol):
    """How a department's answers reach the hub."""

    def send(self, desk: Desk, conn: Connection, events: Sequence[Event]) -> Sequence[Event]:
        """Send ``events`` (or hand them on durably) in the desk's transaction; returns those
        sent, the rest waiting for a later round."""
        ...


class KafkaChannel:
    """Produces to the hub's topics and waits for the broker to confirm."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher

    def send(self, desk: Desk, conn: Connection, events: Sequence[Event]) -> Sequence[Event]:
        """Publish, then mark sent: a crash in between sends them again, same ids."""
        self.publisher.publish_many(events).wait()
        desk.mark_sent(conn, events)
        return events


class OutboxChannel:
    """Writes the events into the department's outbox table, in the desk's transaction."""

    def __init__(self, desk: Desk) -> None:
        create_outbox(desk.engine)

    def send(self, desk: Desk, conn: Connection, events: Sequence[Event]) -> Sequence[Event]:
        """Outbox rows and the sent marks commit together, or not at all."""
        for event in events:
            write_outbox(conn, event)
        desk.mark_sent(conn, events)
        return events


class FileChannel:
    """Drops one JSON-lines file per event type into ``root/<EventType>/``.

    Each event type has its own inbox and importer, so nothing orders one inbox against
    another. To keep a case's events in order, a round writes at most one event per case,
    and only once every earlier file was imported (moved to ``done/``).
    """

    def __init__(self, root: Path, event_types: Sequence[str]) -> None:
        self.root = root
        self.inboxes = [root / name for name in event_types]
        for inbox in self.inboxes:
            inbox.mkdir(parents=True, exist_ok=True)

    def send(self, desk: Desk, conn: Connection, events: Sequence[Event]) -> Sequence[Event]:
        """Write each file under a temporary name and rename it when complete."""
        if self.importing():
            return []
        earliest: dict[str, Event] = {}
        for event in events:
            earliest.setdefault(event.key(), event)
        first = list(earliest.values())
        by_type: dict[str, list[Event]] = {}
        for event in first:
            by_type.setdefault(event.event_name, []).append(event)
        for name, batch in by_type.items():
            stem = f"{batch[0].occurred_at:%Y%m%dT%H%M%S}-{batch[0].event_id[:8]}"
            target = self.root / name / f"{stem}.jsonl"
            partial = target.with_suffix(".part")
            lines = (json.dumps(_dumped(e), ensure_ascii=False) for e in batch)
            partial.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
            partial.replace(target)
        desk.mark_sent(conn, first)
        return first

    def importing(self) -> bool:
        """Whether a file written earlier is still waiting in an inbox."""
        return any(path.is_file() for inbox in self.inboxes for path in inbox.iterdir())


class Clerk:
    """A thread that sends the desk's answers through the channel once they fall due."""

    def __init__(self, desk: Desk, channel: Channel, clock: Clock, name: str) -> None:
        self.desk, self.channel, self.clock = desk, channel, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"clerk-{name}", daemon=True)

    def start(self) -> None:
        """Start sending."""
        if not self._thread.is_alive():
            self._thread.start()

    def stop(self) -> None:
        """Stop after the batch in hand."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def send_due(self) -> int:
        """Send everything due now; returns how many went out."""
        with self.desk.engine.begin() as conn:
            due = self.desk.due(conn, self.clock.now())
            sent = self.channel.send(self.desk, conn, due) if due else []
        return len(sent)

    def _run(self) -> None:
        while not self._stop.wait(CLERK_INTERVAL_S):
            _retrying(self.send_due, self._thread.name)


def _dumped(event: Event) -> dict[str, object]:
    return event.model_dump(mode="json")


def _retrying(work: Callable[[], int], name: str) -> None:
    try:
        work()
    except Exception:
        # The answers stay unsent in the desk and go out on a later round.
        logger.exception("%s: sending failed; trying again", name)
