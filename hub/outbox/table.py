"""The outbox table a department keeps in its own database, and how events are written to it.

Column names follow the Debezium outbox event router (``id``, ``aggregatetype``,
``aggregateid``, ``type``, ``payload``), so a Debezium connector can read the same table.
``seq`` orders the rows, ``sent_at`` stays NULL until the broker confirmed the event, and
``dead_letter_reason`` says why a row went to the dead-letter topic instead.

The aggregate type picks the topic (:data:`AGGREGATE_TOPICS`): it is the topic's name
without the ``onewindow.`` prefix, ``applications`` → ``onewindow.applications``,
``licenses`` → ``onewindow.licenses``, ``credit`` → ``onewindow.credit`` and so on, so that
Debezium's router routes the same rows with ``route.topic.replacement=onewindow.${routedByValue}``.
:func:`write_outbox` takes it from the event model's ``topic``.

``seq`` is given at insert, so it is an aggregate's order as long as the department
writes one aggregate's events in transactions that follow each other (as they do when
they update that aggregate's row), which is what the relay keeps.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)

from hub.db import create_tables, database_errors
from hub.errors import ValidationError
from hub.events.base import Event
from hub.topics import Topic

TABLE_NAME = "outbox"
TOPIC_PREFIX = "onewindow."

AGGREGATE_TOPICS: Mapping[str, Topic] = {
    topic.removeprefix(TOPIC_PREFIX): topic
    for topic in (
        Topic.APPLICATIONS,
        Topic.LICENSES,
        Topic.MATERIALS,
        Topic.CREDIT,
        Topic.SUPERVISION,
        Topic.ACCESS,
    )
}
_AGGREGATE_OF_TOPIC = {topic: name for name, topic in AGGREGATE_TOPICS.items()}

metadata = MetaData()

outbox = Table(
    TABLE_NAME,
    metadata,
    # SQLite only autoincrements an INTEGER PRIMARY KEY; AUTOINCREMENT keeps seq from
    # ever reusing the number of a deleted row, so order survives a clean-up.
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("aggregatetype", String(64), nullable=False),
    Column("aggregateid", String(255), nullable=False),
    Column("type", String(128), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("dead_letter_reason", Text, nullable=True),
    sqlite_autoincrement=True,
)

# The relay asks only for unsent rows in seq order; the partial index stays as small as
# the backlog, however long the table grows.
Index(
    "ix_outbox_unsent",
    outbox.c.seq,
    postgresql_where=outbox.c.sent_at.is_(None),
    sqlite_where=outbox.c.sent_at.is_(None),
)


def create_outbox(engine: Engine) -> None:
    """Create the outbox table and its index if they do not exist yet."""
    with database_errors(f"cannot create the {TABLE_NAME} table"):
        create_tables(engine, metadata)


def aggregate_type_for(event: Event) -> str:
    """The aggregate type that routes ``event`` to its topic."""
    return _AGGREGATE_OF_TOPIC[event.topic]


def topic_for_aggregate(aggregate_type: str) -> Topic:
    """The topic of an aggregate type, or a ValidationError naming the known ones."""
    try:
        return AGGREGATE_TOPICS[aggregate_type]
    except KeyError:
        known = ", ".join(sorted(AGGREGATE_TOPICS))
        raise ValidationError(
            f"aggregatetype {aggregate_type!r} routes to no topic; known: {known}"
        ) from None


def outbox_row(event: Event) -> dict[str, str]:
    """The outbox columns of ``event``: its id, aggregate, type and JSON payload."""
    return {
        "id": event.event_id,
        "aggregatetype": aggregate_type_for(event),
        "aggregateid": event.key(),
        "type": event.event_name,
        "payload": event.model_dump_json(),
    }


def write_outbox(conn: Connection, *events: Event) -> None:
    """Add ``events`` to the outbox inside the caller's transaction (committed with it)."""
    if not events:
        return
    with database_errors(f"cannot write to the {TABLE_NAME} table"):
        conn.execute(outbox.insert(), [outbox_row(event) for event in events])
