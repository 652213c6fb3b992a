"""The outbox relay: polls unsent rows in ``seq`` order and publishes them, at least once.

One batch is one database transaction: read the oldest unsent rows, send each (or its
dead letter), wait for the broker's confirmations, and only then set ``sent_at`` on the
rows it confirmed. A relay killed anywhere in between leaves the rows unsent, so the
next one sends them again: consumers drop the duplicates by event id.

Order per aggregate: one aggregate's rows go out in ``seq`` order under one key, so to one
partition, through an idempotent producer. If one of them is not confirmed, none of its
successors in the batch is marked either, so a retry resends them in order.

Several relays may share a PostgreSQL outbox: :mod:`hub.outbox.claim` says how.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, bindparam, update

from hub.db import database_errors
from hub.envelope import Headers
from hub.errors import BrokerError, DatabaseError, PublishError, SettingsError
from hub.outbox.claim import claim
from hub.outbox.messages import Message, OutboxRow, message_for
from hub.outbox.table import outbox
from hub.serde import Serializer

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 500


class Sender(Protocol):
    """What the relay needs of a publisher (:class:`hub.publisher.Publisher` is one)."""

    def publish_raw(self, topic: str, key: str, value: bytes, headers: Headers) -> Future[Any]:
        """Queue one record; the future fails if the broker does not confirm it."""
        ...

    def flush(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for queued records; returns how many are left."""
        ...


@dataclass
class RelayStats:
    """What one or more batches did."""

    batches: int = 0
    sent: int = 0
    dead_lettered: int = 0
    unconfirmed: int = 0
    dead_letter_reasons: list[str] = field(default_factory=list)

    def add(self, other: RelayStats) -> None:
        """Count another batch into this total."""
        self.batches += other.batches
        self.sent += other.sent
        self.dead_lettered += other.dead_lettered
        self.unconfirmed += other.unconfirmed
        self.dead_letter_reasons += other.dead_letter_reasons


class Relay:
    """Moves rows from one database's outbox table to the broker."""

    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        serializer: Serializer,
        batch_size: int = DEFAULT_BATCH,
        delivery_timeout: float = 30.0,
    ) -> None:
        if batch_size < 1:
            raise SettingsError(f"the outbox batch size must be at least 1 (got {batch_size})")
        if engine.dialect.name == "postgresql":
            # The claim re-reads rows after locking and must see what other relays committed.
            engine = engine.execution_options(isolation_level="READ COMMITTED")
        self.engine, self.sender, self.serializer = engine, sender, serializer
        self.batch_size, self.delivery_timeout = batch_size, delivery_timeout

    def relay_batch(self) -> RelayStats:
        """Send the oldest unsent rows and mark those the broker confirmed."""
        with database_errors("outbox relay"), self.engine.begin() as conn:
            rows = claim(conn, self.batch_size)
            if not rows:
                return RelayStats()
            messages = [message_for(row, self.serializer) for row in rows]
            confirmed = self._deliver(messages)
            stats = _mark(conn, rows, messages, confirmed)
        logger.info(
            "outbox batch: %d sent, %d dead-lettered, %d unconfirmed",
            stats.sent,
            stats.dead_lettered,
            stats.unconfirmed,
        )
        return stats

    def drain(self) -> RelayStats:
        """Relay batches until none is left or the broker stops confirming."""
        total = RelayStats()
        while True:
            stats = self.relay_batch()
            total.add(stats)
            if stats.unconfirmed:
                raise PublishError(f"{stats.unconfirmed} outbox rows were not confirmed")
            if not stats.batches:
                return total

    def run(self, stop: threading.Event, interval: float) -> RelayStats:
        """Relay until ``stop`` is set, pausing ``interval`` seconds when idle or failing."""
        total = RelayStats()
        while not stop.is_set():
            try:
                stats = self.relay_batch()
            except (DatabaseError, BrokerError) as exc:
                logger.warning("outbox relay will retry: %s", exc)
                stats = RelayStats(unconfirmed=1)
            total.add(stats)
            if stats.unconfirmed or not stats.batches:
                stop.wait(interval)
        return total

    def _deliver(self, messages: Sequence[Message]) -> list[bool]:
        """Send every message in order, then whether the broker confirmed each."""
        futures = [self.sender.publish_raw(m.topic, m.key, m.value, m.headers) for m in messages]
        self.sender.flush(self.delivery_timeout)
        return [_confirmed(future) for future in futures]


def _confirmed(future: Future[Any]) -> bool:
    if not future.done():
        return False
    error = future.exception()
    if error is not None:
        logger.warning("outbox row not confirmed: %s", error)
    return error is None


def _mark(
    conn: Connection,
    rows: Sequence[OutboxRow],
    messages: Sequence[Message],
    confirmed: Sequence[bool],
) -> RelayStats:
    """Set ``sent_at`` on each aggregate's confirmed rows up to its first unconfirmed one."""
    stats = RelayStats(batches=1)
    blocked: set[tuple[str, str]] = set()
    marks: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for row, message, ok in zip(rows, messages, confirmed, strict=True):
        if not ok or row.aggregate in blocked:
            blocked.add(row.aggregate)
            stats.unconfirmed += 1
            continue
        marks.append({"row_seq": row.seq, "sent": now, "reason": message.reason})
        if message.reason is None:
            stats.sent += 1
        else:
            stats.dead_lettered += 1
            stats.dead_letter_reasons.append(f"{row.id}: {message.reason}")
    if marks:
        statement = update(outbox).where(outbox.c.seq == bindparam("row_seq"))
        conn.execute(
            statement.values(sent_at=bindparam("sent"), dead_letter_reason=bindparam("reason")),
            marks,
        )
    return stats
