"""The SQL side shared by every module: one engine factory and portable bulk writes.

SQLite (the embedded default) runs in WAL mode so readers never block the writer;
PostgreSQL is reached through psycopg 3 whatever the URL's spelling. Both dialects get
the same ``INSERT … ON CONFLICT`` helpers, so a projection written once runs on either::

    >>> from sqlalchemy import Column, MetaData, String, Table
    >>> key, state = Column("id", String, primary_key=True), Column("state", String)
    >>> cases = Table("cases", MetaData(), key, state)
    >>> engine = create_engine_for("sqlite://")
    >>> cases.metadata.create_all(engine)
    >>> with engine.begin() as conn:
    ...     upsert(conn, cases, [{"id": "C-1", "state": "open"}], ["id"])
    ...     upsert(conn, cases, [{"id": "C-1", "state": "done"}], ["id"])
    ...     conn.execute(cases.select()).all()
    1
    1
    [('C-1', 'done')]

Driver failures surface as :class:`~hub.errors.DatabaseError` through :func:`database_errors`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Connection, Engine, MetaData, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url

from hub.errors import DatabaseError, SettingsError

BUSY_TIMEOUT_MS = 10_000

_SQLITE_PRAGMAS = (
    # The busy timeout first, so that the pragmas after it wait for a lock instead of failing.
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    # NORMAL is durable in WAL mode except for the last commits before a power cut.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
)
# Switching a brand-new file to WAL needs a lock that SQLite does not wait for through the
# busy timeout when several connections open the file at once: try again a few times.
_WAL_ATTEMPTS = 50
_WAL_PAUSE_S = 0.05
_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg"}
# The PostgreSQL advisory lock held while tables are created (a signed 64-bit key).
_SCHEMA_LOCK_KEY = 0x6F6E6577696E6400  # "onewind" and a zero byte
_ADVISORY_LOCKS = sqlalchemy.text(
    "SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"
)


def database_url(url: str) -> URL:
    """The SQLAlchemy URL of ``url``; PostgreSQL always goes through psycopg 3."""
    try:
        parsed = make_url(url)
    except sqlalchemy.exc.ArgumentError as exc:
        raise SettingsError(f"not a database URL: {url!r} ({exc})") from exc
    if parsed.drivername in _POSTGRES_SCHEMES:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in {"sqlite", "sqlite+pysqlite"}:
        return parsed
    raise SettingsError(
        f"unsupported database {_shown(parsed)}: use sqlite:///PATH or postgresql://…"
    )


def create_engine_for(url: str, **options: Any) -> Engine:
    """An engine for a SQLite file (WAL, foreign keys, busy timeout) or PostgreSQL."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **options)
    return sqlalchemy.create_engine(parsed, pool_pre_ping=True, **options)


def _sqlite_engine(url: URL, **options: Any) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sqlalchemy.create_engine(url, **options)
    event.listen(engine, "connect", _apply_pragmas)
    return engine


def _apply_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
        _switch_to_wal(cursor)
    finally:
        cursor.close()


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    for attempt in range(_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(_WAL_PAUSE_S)


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


@contextlib.contextmanager
def database_errors(action: str) -> Iterator[None]:
    """Turn any SQLAlchemy or driver error raised inside into a DatabaseError naming ``action``."""
    try:
        yield
    except sqlalchemy.exc.SQLAlchemyError as exc:
        detail = getattr(exc, "orig", None) or exc
        raise DatabaseError(f"{action}: {detail}".strip()) from exc


def create_tables(
    engine: Engine, metadata: MetaData, tables: Sequence[Table] | None = None
) -> None:
    """Create the tables of ``metadata`` (or only ``tables``) that do not exist yet.

    One creator at a time, under :func:`write_lock`: processes starting together on a
    fresh database would each find a table missing, and all but the first fail ("table …
    already exists"). Wrap the call in :func:`database_errors` to name the tables.
    """
    with engine.begin() as conn:
        write_lock(conn, [_SCHEMA_LOCK_KEY])
        metadata.create_all(conn, tables=tables)


def write_lock(conn: Connection, keys: Sequence[int] = ()) -> None:
    """Take the write lock of ``conn``'s transaction before it reads anything.

    SQLite: the database's, with ``BEGIN IMMEDIATE``. pysqlite would begin only at the
    first write, after the reads, and a read that another connection's commit overtook
    cannot become a write: SQLite then fails at once ("database is locked") instead of
    waiting out the busy timeout. PostgreSQL: transaction-scoped advisory locks on
    ``keys`` (signed 64-bit), taken in key order. Both are released at commit.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif keys:
        conn.execute(_ADVISORY_LOCKS, {"keys": list(keys)})


def upsert(
    conn: Connection,
    table: Table,
    rows: Iterable[Mapping[str, Any]],
    key_columns: Sequence[str],
    update_columns: Sequence[str] | None = None,
) -> int:
    """Insert ``rows``, updating ``update_columns`` (default: all but the key) on a key clash.

    Rows that share a key act as if written one after the other. Returns the number of
    distinct keys inserted or updated.
    """
    batch = [dict(row) for row in rows]
    if not batch:
        return 0
    _check_columns(table, key_columns)
    updates = [name for name in batch[0] if name not in key_columns]
    if update_columns is not None:
        _check_columns(table, update_columns)
        updates = list(update_columns)
    batch = _merged_by_key(batch, key_columns, updates)
    if not updates:
        return insert_ignore(conn, table, batch, key_columns)
    statement = _insert(conn, table)
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={name: statement.excluded[name] for name in updates},
    )
    return _count(conn, statement, table, key_columns, batch, f"cannot upsert into {table.name}")


def insert_ignore(
    conn: Connection,
    table: Table,
    rows: Iterable[Mapping[str, Any]],
    key_columns: Sequence[str],
) -> int:
    """Insert the ``rows`` whose key is new and skip the others; returns how many were new."""
    batch = [dict(row) for row in rows]
    if not batch:
        return 0
    _check_columns(table, key_columns)
    statement = _insert(conn, table).on_conflict_do_nothing(index_elements=list(key_columns))
    return _count(conn, statement, table, key_columns, batch, f"cannot insert into {table.name}")


def _merged_by_key(
    batch: list[dict[str, Any]], key_columns: Sequence[str], updates: Sequence[str]
) -> list[dict[str, Any]]:
    """One row per key: the first, with later rows' ``updates`` applied in order."""
    # PostgreSQL refuses to update one row twice in one statement; SQLite would not mind.
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in batch:
        key = tuple(row.get(name) for name in key_columns)
        if key in merged:
            merged[key].update({name: row[name] for name in updates if name in row})
        else:
            merged[key] = row
    return list(merged.values())


def _count(
    conn: Connection,
    statement: Any,
    table: Table,
    key_columns: Sequence[str],
    batch: list[dict[str, Any]],
    action: str,
) -> int:
    """Run ``statement`` over ``batch``; the rows it returns are the ones it wrote."""
    # Drivers disagree on executemany's rowcount (psycopg reports -1); RETURNING does not.
    returning = statement.returning(*(table.c[name] for name in key_columns))
    with database_errors(action):
        return len(conn.execute(returning, batch).all())


def _insert(conn: Connection, table: Table) -> Any:
    """The dialect's own INSERT, the one that knows ``ON CONFLICT``."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise DatabaseError(f"upserts are written for SQLite and PostgreSQL, not {dialect}")


def _check_columns(table: Table, names: Sequence[str]) -> None:
    if not names:
        raise DatabaseError(f"no key columns given for table {table.name}")
    unknown = [name for name in names if name not in table.columns]
    if unknown:
        raise DatabaseError(
            f"table {table.name} has no columns {unknown}; it has {list(table.columns.keys())}"
        )
