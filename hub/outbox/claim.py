"""Which unsent rows a relay batch takes: the oldest, and on PostgreSQL only its own aggregates.

Several relays may share a PostgreSQL outbox. Each batch takes a transaction-level
advisory lock (``pg_try_advisory_xact_lock``) per aggregate and reads only the rows of
aggregates it locked; another relay skips those and takes the next ones, so relays share
the backlog without two of them sending one aggregate's events at once. Row locks
(``FOR UPDATE SKIP LOCKED``) would not do: a second relay could skip a locked row and
send the same aggregate's next one first. The rows are read again after locking, in a
new statement (READ COMMITTED), so rows another relay has just marked are not sent again.
The locks go when the batch's transaction ends, also when its relay is killed. Locks are
keyed by a hash of the aggregate: two aggregates that share one only wait for each other.

SQLite has a single writer; run one relay per database file there. A second one would
only cause duplicates, never a reordering once consumers drop them by event id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, String, and_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from hub.outbox.messages import OutboxRow
from hub.outbox.table import outbox

# The advisory-lock key space is shared by every application on the server; the first
# key (0x6f77, "ow") keeps the relay's locks apart from anyone else's.
LOCK_NAMESPACE = 0x6F77
# Another relay may hold the oldest aggregates; looking this many batches deep lets
# this one find others to send meanwhile.
HEAD_FACTOR = 4
UNSENT = outbox.c.sent_at.is_(None)

_TRY_LOCKS = text(
    "SELECT pg_try_advisory_xact_lock(:namespace, hashtext(name)) "
    "FROM unnest(CAST(:names AS text[])) WITH ORDINALITY AS wanted(name, position) "
    "ORDER BY position"
)

Group = tuple[str, str, int]


def claim(conn: Connection, batch_size: int) -> list[OutboxRow]:
    """The oldest unsent rows, in ``seq`` order, of the aggregates this batch may send."""
    oldest = select(outbox).where(UNSENT).order_by(outbox.c.seq).limit(batch_size)
    if conn.dialect.name == "postgresql":
        locked = lock_aggregates(conn, batch_size)
        if not locked:
            return []
        oldest = oldest.join(*_joined(locked))
    return [OutboxRow.from_mapping(row) for row in conn.execute(oldest).mappings()]


def _joined(aggregates: list[tuple[str, str]]) -> tuple[Any, Any]:
    """The locked aggregates as a table to join, and the join condition."""
    # A joined array is a hash join; ``(type, id) IN (...)`` compared every row with each.
    kinds, keys = zip(*aggregates, strict=True)
    table = (
        func.unnest(
            bindparam("kinds", list(kinds), type_=ARRAY(String)),
            bindparam("keys", list(keys), type_=ARRAY(String)),
        )
        .table_valued("kind", "key")
        .render_derived(name="locked")
    )
    on = and_(outbox.c.aggregatetype == table.c.kind, outbox.c.aggregateid == table.c.key)
    return table, on


def lock_aggregates(conn: Connection, batch_size: int) -> list[tuple[str, str]]:
    """Lock the backlog head's aggregates, oldest first, until their rows fill a batch."""
    groups = _head_groups(conn, batch_size * HEAD_FACTOR)
    locked: list[tuple[str, str]] = []
    covered = 0
    while groups and covered < batch_size:
        chunk, groups = _filling(groups, batch_size - covered)
        names = [f"{kind}/{key}" for kind, key, _ in chunk]
        granted = conn.execute(_TRY_LOCKS, {"namespace": LOCK_NAMESPACE, "names": names})
        for (kind, key, count), (ok,) in zip(chunk, granted, strict=True):
            if ok:
                locked.append((kind, key))
                covered += count
    return locked


def _head_groups(conn: Connection, depth: int) -> list[Group]:
    """Aggregates of the ``depth`` oldest unsent rows, with their row counts, oldest first."""
    head = select(outbox.c.seq, outbox.c.aggregatetype, outbox.c.aggregateid).where(UNSENT)
    rows = head.order_by(outbox.c.seq).limit(depth).subquery()
    aggregate = (rows.c.aggregatetype, rows.c.aggregateid)
    query: Any = select(*aggregate, func.count()).group_by(*aggregate)
    return [tuple(row) for row in conn.execute(query.order_by(func.min(rows.c.seq)))]


def _filling(groups: Sequence[Group], room: int) -> tuple[list[Group], list[Group]]:
    """The leading groups whose rows fit in ``room`` (at least one), and the rest."""
    taken, total = 0, 0
    for _, _, count in groups:
        if taken and total + count > room:
            break
        taken, total = taken + 1, total + count
    return list(groups[:taken]), list(groups[taken:])
