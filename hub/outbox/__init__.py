"""The transactional outbox: events written beside business data, then relayed to topics.

A department writes its events in the same transaction as its own rows, so they commit
or roll back together; the relay (``onewindow outbox relay``, or :class:`Relay`) then
sends the committed rows to their topics, at least once and in order per aggregate::

    >>> from sqlalchemy import select
    >>> from hub.db import create_engine_for
    >>> from hub.events.cases import CaseRated
    >>> engine = create_engine_for("sqlite://")
    >>> create_outbox(engine)  # or: onewindow outbox init --database-url URL
    >>> with engine.begin() as conn:  # the department's own transaction
    ...     write_outbox(conn, CaseRated(source="window", case_id="C-1", score=5))
    >>> with engine.connect() as conn:
    ...     conn.execute(select(outbox.c.aggregatetype, outbox.c.aggregateid)).all()
    [('applications', 'C-1')]
"""

from __future__ import annotations

from hub.outbox.relay import Relay, RelayStats, Sender
from hub.outbox.table import (
    AGGREGATE_TOPICS,
    aggregate_type_for,
    create_outbox,
    outbox,
    outbox_row,
    write_outbox,
)

__all__ = [
    "AGGREGATE_TOPICS",
    "Relay",
    "RelayStats",
    "Sender",
    "aggregate_type_for",
    "create_outbox",
    "outbox",
    "outbox_row",
    "write_outbox",
]
