"""The transactional outbox: events written beside business data, then relayed to topics.

The department writes in its own transaction; the relay (``onewindow outbox relay``) sends
the committed rows to their topics, at least once and in order per aggregate::

    from hub.db import create_engine_for
    from hub.outbox import create_outbox, write_outbox

    engine = create_engine_for("sqlite:///var/department.db")
    create_outbox(engine)  # or: onewindow outbox init --database-url …
    with engine.begin() as conn:
        conn.execute(cases.insert(), {"id": "C-1", "state": "accepted"})
        write_outbox(conn, TaskAccepted(source="tax", case_id="C-1", ...))
    # a rollback above leaves no outbox row, so nothing is ever published for it
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
