"""Write locks and stamps: who wrote a projection's tables last.

Every writer of a projection's tables takes its write lock (:func:`lock`) and, in the same
transaction, leaves a new random stamp on it (:func:`restamp`): the projector with each
batch, a rebuild when it drops the tables, an erasure when it anonymises rows. A projector
keeps the rows it wrote in memory between batches (see :mod:`projections.engine`); at the
start of a batch, under the lock, it reads the stamps back (:func:`read`), and when one is
not its own, someone else wrote since, and it forgets those rows and reads them again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from sqlalchemy import Column, Connection, String, Table, bindparam, select

from hub.db import write_lock
from projections.tables import metadata
from projections.writer import BulkWriter, rows_writer

projection_stamps = Table(
    "projection_stamps",
    metadata,
    Column("projection", String, primary_key=True),
    Column("stamp", String, nullable=False),
)

_STAMPS = select(projection_stamps.c.projection, projection_stamps.c.stamp).where(
    projection_stamps.c.projection.in_(bindparam("names", expanding=True))
)


def lock_key(projection: str) -> int:
    """A stable signed 64-bit advisory lock key for ``projection``."""
    digest = hashlib.blake2b(f"onewindow.projection.{projection}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def lock(conn: Connection, projections: Iterable[str]) -> None:
    """Take the write lock of ``projections`` for ``conn``'s transaction, before any read.

    In ascending key order, so that writers of overlapping projections never deadlock.
    """
    write_lock(conn, sorted(lock_key(name) for name in projections))


def read(conn: Connection, projections: Iterable[str]) -> dict[str, str]:
    """The stamps of ``projections`` (a projection nobody wrote yet has none)."""
    rows = conn.execute(_STAMPS, {"names": list(projections)}).all()
    return dict(rows)


def restamp(conn: Connection, projections: Iterable[str]) -> dict[str, str]:
    """Leave a new stamp on each of ``projections``; returns them."""
    stamps = {name: uuid.uuid4().hex for name in projections}
    rows = [{"projection": name, "stamp": stamp} for name, stamp in stamps.items()]
    _writer(conn).write(conn, rows)
    return stamps


def _writer(conn: Connection) -> BulkWriter:
    """The upsert of stamps in ``conn``'s dialect, compiled once."""
    dialect = conn.dialect
    writer = _WRITERS.get(dialect.name)
    if writer is None:
        writer = _WRITERS[dialect.name] = rows_writer(projection_stamps, dialect, ("projection",))
    return writer


_WRITERS: dict[str, BulkWriter] = {}
