"""The event archive: every message of every topic, kept append-only in a SQL table.

The embedded broker keeps its log in memory, so the archive is what survives a restart
(:mod:`hub.archive.restore` puts it back); on a real cluster it is the long-term audit
copy that outlives topic retention. A row is the message exactly as it lay on the log::

    store = ArchiveStore(create_engine_for("sqlite:///var/archive.db"))
    store.append(messages)            # idempotent: a message seen before is skipped
    for message in store.messages(topics=["onewindow.applications"]):
        print(message.partition, message.offset, message.header("ce_type"))

A message is identified by its event id (the ``ce_id`` header) on its topic, or by its
partition and offset when it has none (faust changelogs, garbage that was dead-lettered);
so a message read twice, or re-read after a restore, is stored once. ``seq`` records the
order of arrival, which within a partition is the order of the log.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)

from hub.consuming.message import RawMessage
from hub.db import create_tables, database_errors, insert_ignore

metadata = MetaData()

archive_table = Table(
    "event_archive",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("topic", String(249), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("message_id", String(200), nullable=False),
    Column("key", LargeBinary),
    Column("value", LargeBinary),
    Column("headers", Text, nullable=False),
    Column("timestamp_ms", BigInteger),
    UniqueConstraint("topic", "message_id", name="uq_event_archive_message"),
)

_READ_BATCH = 5000
_COLUMNS = [archive_table.c[name] for name in ("seq", "topic", "partition", "offset", "key")] + [
    archive_table.c[name] for name in ("value", "headers", "timestamp_ms")
]


@dataclass(frozen=True, slots=True)
class ArchivedMessage:
    """One archived message: where it lay, and its key, value, headers and time."""

    seq: int
    message: RawMessage
    timestamp_ms: int | None

    @property
    def topic(self) -> str:
        """The topic it was read from."""
        return self.message.topic


def message_id(message: RawMessage) -> str:
    """The archive identity of ``message``: its event id, else its partition and offset."""
    event_id = message.header("ce_id")
    if event_id and message.header("dlq.error.class") is None:
        return event_id
    # A dead letter keeps the ce_id of the message it copies, which may be archived on
    # its own topic too; and the same bad message can be dead-lettered once per consumer.
    return f"@{message.partition}:{message.offset}"


class ArchiveStore:
    """Appends messages to the archive table and reads them back in log order."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with database_errors("cannot create the event archive table"):
            create_tables(engine, metadata)

    def append(self, messages: Sequence[tuple[RawMessage, int | None]]) -> int:
        """Store ``(message, timestamp_ms)`` pairs in one transaction; returns how many were new."""
        rows = [_row(message, timestamp) for message, timestamp in messages]
        with self.engine.begin() as conn:
            return insert_ignore(conn, archive_table, rows, ["topic", "message_id"])

    def messages(
        self, topics: Collection[str] | None = None, after_seq: int = 0
    ) -> Iterator[ArchivedMessage]:
        """Archived messages in order of arrival, optionally of some topics, read in chunks."""
        last = after_seq
        while True:
            chunk = self._chunk(topics, last)
            yield from chunk
            if len(chunk) < _READ_BATCH:
                return
            last = chunk[-1].seq

    def count(self, topics: Collection[str] | None = None) -> int:
        """How many messages are archived (on ``topics``)."""
        query = select(func.count()).select_from(archive_table)
        if topics is not None:
            query = query.where(archive_table.c.topic.in_(topics))
        with database_errors("cannot count the event archive"), self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def topics(self) -> dict[str, int]:
        """Every archived topic with its message count."""
        query = select(archive_table.c.topic, func.count()).group_by(archive_table.c.topic)
        with database_errors("cannot list the event archive"), self.engine.connect() as conn:
            return {topic: int(count) for topic, count in conn.execute(query)}

    def partition_counts(self) -> dict[str, int]:
        """Every archived topic with the number of partitions its messages need."""
        query = select(archive_table.c.topic, func.max(archive_table.c.partition)).group_by(
            archive_table.c.topic
        )
        with database_errors("cannot list the event archive"), self.engine.connect() as conn:
            return {topic: int(highest) + 1 for topic, highest in conn.execute(query)}

    def _chunk(self, topics: Collection[str] | None, after_seq: int) -> list[ArchivedMessage]:
        query = select(*_COLUMNS).where(archive_table.c.seq > after_seq)
        if topics is not None:
            query = query.where(archive_table.c.topic.in_(topics))
        query = query.order_by(archive_table.c.seq).limit(_READ_BATCH)
        with database_errors("cannot read the event archive"), self.engine.connect() as conn:
            return [_archived(row) for row in conn.execute(query)]


def _row(message: RawMessage, timestamp_ms: int | None) -> dict[str, object]:
    return {
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
        "message_id": message_id(message),
        "key": message.key,
        "value": message.value,
        "headers": _dump_headers(message.headers),
        "timestamp_ms": timestamp_ms,
    }


def _archived(row: Sequence[Any]) -> ArchivedMessage:
    seq, topic, partition, offset, key, value, headers, timestamp_ms = row
    message = RawMessage(topic, partition, offset, key, value, _load_headers(headers))
    return ArchivedMessage(seq, message, timestamp_ms)


def _dump_headers(headers: Iterable[tuple[str, bytes]]) -> str:
    # Latin-1 maps every byte to one code point, so any header bytes survive JSON unchanged.
    return json.dumps([[name, value.decode("latin-1")] for name, value in headers])


def _load_headers(text: str) -> tuple[tuple[str, bytes], ...]:
    return tuple((name, value.encode("latin-1")) for name, value in json.loads(text))
