"""The plain loop the pipeline bench times, and the raw-driver baseline replaying its SQL.

The loop does the worker's work without the broker; a recorder keeps every statement
SQLAlchemy sent, so :func:`replay_seconds` can run the same SQL through plain ``sqlite3``.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from hub.consuming import RawMessage
from hub.db import create_engine_for
from hub.serde import Deserializer

Statement = tuple[str, Any, bool]


@dataclass
class LoopRun:
    """One timed run of the plain loop and what its SQL was."""

    seconds: float
    sqlalchemy_seconds: float
    statements: list[Statement | None]
    tracked: int


class _Recorder:
    """Times every SQLAlchemy execute and records the statements it sent to the driver.

    ``exec_driver_sql`` (the bulk writes) fires no ``before_execute``/``after_execute``,
    only the cursor events: outside an ``execute``, the cursor events time the statement.
    """

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        self.statements: list[Statement | None] = []  # None: the transaction committed
        self._started = 0.0
        self._in_execute = False
        event.listen(engine, "before_execute", self._before)
        event.listen(engine, "after_execute", self._after)
        event.listen(engine, "before_cursor_execute", self._sent)
        event.listen(engine, "after_cursor_execute", self._done)
        event.listen(engine, "commit", self._commit)

    def _before(self, *_: Any) -> None:
        self._in_execute = True
        self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self._in_execute = False
        self.seconds += time.perf_counter() - self._started

    def _sent(self, *args: Any) -> None:
        _conn, _cursor, statement, parameters, _context, executemany = args
        self.statements.append((statement, parameters, executemany))
        if not self._in_execute:
            self._started = time.perf_counter()

    def _done(self, *_: Any) -> None:
        if not self._in_execute:
            self.seconds += time.perf_counter() - self._started

    def _commit(self, *_: Any) -> None:
        self.statements.append(None)


class PlainLoop:
    """The worker's work without faust: each projection's messages decoded and applied."""

    def __init__(self, deserializer: Deserializer) -> None:
        self._deserializer = deserializer

    def timed(self, messages: list[RawMessage], url: str) -> LoopRun:
        """Run over ``messages`` into a new database at ``url``, timed and recorded."""
        from projections.engine import Projector

        engine = create_engine_for(url)
        projectors = [Projector(engine)]  # as the worker has it; the tables are made here
        recorder = _Recorder(engine)
        started = time.perf_counter()
        self._run(projectors, messages)
        seconds = time.perf_counter() - started
        tracked = tracked_records(engine)
        engine.dispose()
        return LoopRun(seconds, recorder.seconds, recorder.statements, tracked)

    def _run(self, projectors: list[Any], messages: list[RawMessage]) -> None:
        from hub.consuming import read_event
        from projections.agents import BATCH, projection_topics

        wanted = {name for projector in projectors for name in projection_topics(projector)}
        pending: list[Any] = []
        for message in messages:
            if message.topic in wanted:
                pending.append(read_event(message, self._deserializer).event)
            if len(pending) >= BATCH:
                _apply_all(projectors, pending)
                pending = []
        _apply_all(projectors, pending)


def _apply_all(projectors: list[Any], batch: list[Any]) -> None:
    """What the read-model agent does with a batch: every read model applies it."""
    for projector in projectors:
        if batch:
            projector.apply(batch)


def tracked_records(engine: Engine) -> int:
    """How many tracking records the read models hold in ``engine``."""
    from sqlalchemy import func, select

    from projections.tables import processed_events

    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(processed_events)).scalar_one())


def replay_seconds(statements: list[Statement | None], path: Path) -> float:
    """Seconds plain sqlite3 takes to run the recorded statements (commits untimed)."""
    from projections.tables import metadata

    engine = create_engine_for(f"sqlite:///{path}")
    metadata.create_all(engine)
    raw = engine.raw_connection()  # the driver's own connection, with the hub's pragmas
    connection: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
    seconds = 0.0
    for recorded in statements:
        if recorded is None:
            connection.commit()
            continue
        started = time.perf_counter()
        _execute(connection, *recorded)
        seconds += time.perf_counter() - started
    connection.commit()
    raw.close()
    engine.dispose()
    return seconds


def _execute(connection: sqlite3.Connection, statement: str, parameters: Any, many: bool) -> None:
    cursor = (
        connection.executemany(statement, parameters)
        if many
        else connection.execute(statement, parameters)
    )
    if " RETURNING " in statement:
        cursor.fetchall()  # SQLite finishes a RETURNING statement only as its rows are read
