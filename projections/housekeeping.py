"""SQLite upkeep the projection writer does itself: WAL checkpoints and table statistics.

SQLite checkpoints its write-ahead log automatically, but only passively: while readers
keep arriving (the API under load), no checkpoint ever reaches the end of the log, the
log is never restarted, and in the query benchmark it grew to 5 to 11 GB. Every
:data:`CHECKPOINT_EVERY` batches the writer therefore runs ``PRAGMA
wal_checkpoint(TRUNCATE)``, which waits for the readers of older snapshots (new readers
are let in meanwhile), copies the log back and truncates it.

A fresh database has no statistics, and without them SQLite picked the index on overdue
tasks for a case read and scanned every overdue task. Once the first
:data:`ANALYZE_AFTER_ROWS` rows are written the writer runs a bounded ``ANALYZE``, and
``PRAGMA optimize`` with each checkpoint keeps the statistics current as tables grow.

Measured on 25,000 events (600 cases) in batches of three, SQLite 3.40: a checkpoint of
the WAL that 100 batches leave (about 7 MB) took 12 ms (median; 19 ms at most), the
bounded ``ANALYZE`` of 38,000 rows 1 ms, ``PRAGMA optimize`` under 0.1 ms; end to end
0.54 ms a batch became 0.59 to 0.62 ms, the worst case, since larger batches share it.
PostgreSQL does both itself (checkpointer, autovacuum), so nothing runs there.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from sqlalchemy import Engine

from hub.db import database_errors, write_lock

#: Batches between two checkpoints, counted over every projector of one engine.
CHECKPOINT_EVERY = 100
#: Rows written before the first ``ANALYZE``: enough for statistics that mean something.
ANALYZE_AFTER_ROWS = 5_000
# Rows each index is sampled on; the value SQLite's documentation suggests for optimize.
_LIMIT = "PRAGMA analysis_limit=400"
_OPTIMIZE = (_LIMIT, "PRAGMA optimize")
_ANALYZE = (_LIMIT, "ANALYZE")
_CHECKPOINT = "PRAGMA wal_checkpoint(TRUNCATE)"


class SqliteUpkeep:
    """Counts the batches and rows written to one SQLite engine and tidies up after them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.batches = 0
        self.rows = 0
        self.analysed = False

    def after_batch(self, rows: int) -> None:
        """Called after each committed batch, outside its transaction."""
        self.batches += 1
        self.rows += rows
        if not self.analysed and self.rows >= ANALYZE_AFTER_ROWS:
            self.analysed = True
            self._analyse(_ANALYZE)
        if self.batches % CHECKPOINT_EVERY == 0:
            self._analyse(_OPTIMIZE)
            self._checkpoint()

    def _checkpoint(self) -> None:
        with database_errors("cannot checkpoint the SQLite log"), self.engine.connect() as conn:
            conn.exec_driver_sql(_CHECKPOINT)

    def _analyse(self, statements: tuple[str, ...]) -> None:
        """Write statistics under the write lock, taken first (see :func:`hub.db.write_lock`).

        The statements read, then write: run as they came, they failed with "database is
        locked" when another projector committed in between.
        """
        with database_errors("cannot update the SQLite statistics"), self.engine.begin() as conn:
            write_lock(conn)
            for statement in statements:
                conn.exec_driver_sql(statement)


_UPKEEP: WeakKeyDictionary[Engine, SqliteUpkeep] = WeakKeyDictionary()


def upkeep_for(engine: Engine) -> SqliteUpkeep | None:
    """The one upkeep of ``engine`` shared by all its projectors; None unless SQLite."""
    if engine.dialect.name != "sqlite":
        return None
    if engine not in _UPKEEP:
        _UPKEEP[engine] = SqliteUpkeep(engine)
    return _UPKEEP[engine]
