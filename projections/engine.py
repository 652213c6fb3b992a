"""The projection engine: batches of events in, rows out, each event applied once.

One transaction per batch, a fixed number of statements whatever the batch size:

1. drop duplicates inside the batch, then the events already in ``processed_events``
   for a projection (one ``SELECT … IN``);
2. load the current row of every key the batch touches: from the rows this projector
   wrote before (:mod:`projections.rowcache`), if nobody else wrote since, else one
   ``SELECT … IN`` per table;
3. run the policies in memory, in batch order, so several events of one case apply in turn;
4. write new rows with bulk ``INSERT … ON CONFLICT DO UPDATE``, rows that exist by the
   columns the batch changed (``UPDATE … SET``), the log rows and the tracking records with
   bulk inserts (:mod:`projections.writer`).

After the commit, on SQLite, :mod:`projections.housekeeping` checkpoints the WAL and
keeps table statistics every so many batches.

Before step 1 the batch takes its write lock, so that two workers whose batches touch the
same rows (a case's submission from one topic, a license naming the case from another)
serialise instead of each reading a row and writing back its own version of it: SQLite
starts the transaction with ``BEGIN IMMEDIATE`` (pysqlite would begin only at the first
write, after the reads); PostgreSQL takes a transaction-scoped advisory lock per
projection, which also covers rows that do not exist yet, where ``FOR UPDATE`` cannot.
Under the lock it reads the projections' stamps (:mod:`projections.stamps`): a stamp not
its own means another writer (projector, rebuild, erasure) was there, and the cached rows
are dropped. A batch that writes leaves new stamps; a batch that fails drops the cache.

A replayed or redelivered event is found in step 1 and changes nothing. Tracking records
and log rows are plain inserts on purpose: if two workers ever applied the same event at
once, the second transaction hits the primary key and rolls back instead of applying the
policies twice. Any database failure rolls the whole batch back and surfaces as
:class:`~hub.errors.DatabaseError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    delete,
    select,
)

from hub.db import create_engine_for, create_tables, database_errors
from hub.events import Event
from projections import stamps
from projections.housekeeping import upkeep_for
from projections.model import Append, Key, Projection, Row, Step, Upsert, new_row, row_template
from projections.registry import projections_named
from projections.rowcache import RowCache, Values
from projections.stamps import projection_stamps
from projections.tables import metadata, processed_events
from projections.writer import RowWriter, rows_writer

#: Events per transaction when rebuilding; large enough to amortise each statement.
REBUILD_BATCH = 2000
#: Keys per ``IN (…)`` list, well below SQLite's and PostgreSQL's parameter limits.
_IN_CHUNK = 1000
#: Rows a projector keeps between batches (about 1 KB each).
ROW_CACHE = 250_000

Work = tuple[Event, str, tuple[Step, ...]]

# By event id alone, the key's first column: one index search per id, not one per id and
# projection; records of other projections are left out as they come back.
_PROCESSED = select(processed_events.c.projection, processed_events.c.event_id).where(
    processed_events.c.event_id.in_(bindparam("ids", expanding=True))
)


@dataclass
class ApplyResult:
    """What one or several batches did."""

    applied: int = 0
    """Events that at least one projection applied."""
    skipped: int = 0
    """Duplicates within the batch, or events every reading projection had processed."""
    ignored: int = 0
    """Events that no projection of this projector reads."""
    rows: int = 0
    """Rows upserted or appended (tracking records not counted)."""

    def __add__(self, other: ApplyResult) -> ApplyResult:
        return ApplyResult(
            self.applied + other.applied,
            self.skipped + other.skipped,
            self.ignored + other.ignored,
            self.rows + other.rows,
        )


class _Shape:
    """What the engine needs to know about one table, worked out once per projector."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.names = tuple(column.name for column in table.primary_key.columns)
        self.columns = list(table.columns.keys())
        self.values = itemgetter(*self.columns)
        """A row's values in column order (every table has several columns)."""
        self.template = row_template(table)
        key = [table.c[name] for name in self.names]
        # A key of several columns is searched by its leading columns, each IN a list, and
        # the rows of other keys are dropped when read: for a row value IN a list
        # (``(a, b, c) IN (VALUES …)``) SQLite scans the whole table, on every batch.
        self._searched = key if len(key) == 1 else key[:-1]
        # Expanding parameters: the statement is compiled once and cached, whatever the keys.
        wanted = [column.in_(bindparam(column.name, expanding=True)) for column in self._searched]
        self.query = select(table).where(*wanted)

    def search(self, keys: list[Key]) -> dict[str, list[Any]]:
        """The parameters of :attr:`query` that find the rows of ``keys`` (and maybe more)."""
        if len(self.names) == 1:
            return {self.names[0]: keys}
        return {
            column.name: list({cast(tuple[Any, ...], key)[place] for key in keys})
            for place, column in enumerate(self._searched)
        }

    def key_of(self, row: Row) -> Key:
        """The key of ``row``, shaped like the keys that policies' key functions return."""
        if len(self.names) == 1:
            key: Key = row[self.names[0]]
            return key
        return tuple(row[name] for name in self.names)


class _TableState:
    """The rows of one table that a batch touches, keyed like the table."""

    def __init__(self, shape: _Shape) -> None:
        self.shape = shape
        self.rows: dict[Key, Row] = {}
        self.before: dict[Key, Values] = {}
        """The values, in column order, of the rows that were read (not the new ones)."""

    def changes(self) -> Iterator[tuple[Row, Values | None]]:
        """Every row with the values it was read with, or None for a new row."""
        before = self.before
        for key, row in self.rows.items():
            yield row, before.get(key)

    def get(self, key: Key) -> Row:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = new_row(self.shape.template, self.shape.names, key)
        return row


class Projector:
    """Applies batches of events to the SQL read models of the chosen projections."""

    def __init__(
        self, engine_or_url: Engine | str, projections: str | list[str] | None = None
    ) -> None:
        self._owns_engine = isinstance(engine_or_url, str)
        self.engine = (
            create_engine_for(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
        )
        self.projections = projections_named(projections)
        self._names = frozenset(projection.name for projection in self.projections)
        self._routes = _routes(self.projections)
        self._tables = [table for p in self.projections for table in p.tables]
        self._shapes = {table: _Shape(table) for table in self._tables}
        dialect = self.engine.dialect
        logs = _logs(self.projections)
        # Plain inserts for logs and tracking records; tables that policies update by change.
        self._writers = {t: rows_writer(t, dialect) for t in [*logs, processed_events]}
        self._updaters = {
            table: RowWriter(table, dialect, shape.names)
            for table, shape in self._shapes.items()
            if table not in logs
        }
        self._upkeep = upkeep_for(self.engine)
        self._cache = RowCache(ROW_CACHE)
        self._stamps: dict[str, str] = {}  # what this projector's last writing batch left
        with database_errors("cannot create the projection tables"):
            create_tables(
                self.engine, metadata, [*self._tables, processed_events, projection_stamps]
            )

    def close(self) -> None:
        """Release the connections, if this projector opened the engine itself."""
        if self._owns_engine:
            self.engine.dispose()

    def apply(self, batch: Sequence[Event]) -> ApplyResult:
        """Apply ``batch`` in one transaction; events already processed change nothing."""
        unique = _first_of_each(batch)
        result = ApplyResult(skipped=len(batch) - len(unique))
        try:
            with database_errors("cannot apply a batch of events"), self.engine.begin() as conn:
                states = self._apply(conn, unique, result)
        except BaseException:
            self._cache.clear()  # the rows of a batch rolled back are not the database's
            raise
        for table, state in states.items():  # committed: kept for the next batches
            for key, row in state.rows.items():
                self._cache.put(table, key, state.shape.values(row))
        if self._upkeep is not None:
            self._upkeep.after_batch(result.rows)
        return result

    def rebuild(
        self,
        events: Iterable[Event],
        name: str | None = None,
        batch_size: int = REBUILD_BATCH,
        progress: Callable[[int], None] | None = None,
    ) -> ApplyResult:
        """Drop and recreate the tables of projection ``name`` (or all), then replay ``events``."""
        chosen = projections_named(name) if name else self.projections
        tables = [table for projection in chosen for table in projection.tables]
        names = [projection.name for projection in chosen]
        with database_errors("cannot reset the projection tables"), self.engine.begin() as conn:
            stamps.lock(conn, names)
            metadata.drop_all(conn, tables=tables)
            stamps.restamp(conn, names)  # whoever kept rows of these tables forgets them
            conn.execute(delete(processed_events).where(processed_events.c.projection.in_(names)))
            metadata.create_all(conn, tables=tables)
        target = self if chosen == self.projections else Projector(self.engine, names)
        total = ApplyResult()
        for batch in _batches(events, batch_size):
            total += target.apply(batch)
            if progress is not None:
                progress(len(batch))
        return total

    def _check_cache(self, conn: Connection) -> None:
        """Forget the cached rows if another writer stamped one of the projections since."""
        found = stamps.read(conn, self._names)
        if found != self._stamps:
            self._cache.clear()
            self._stamps = found

    def _apply(
        self, conn: Connection, batch: list[Event], result: ApplyResult
    ) -> dict[Table, _TableState]:
        """Steps 1 to 4 of the module docstring; returns the rows the batch wrote."""
        stamps.lock(conn, self._names)  # before any read: see the module docstring
        self._check_cache(conn)
        done = self._processed(conn, batch)
        work = self._work(batch, done, result)
        if not work:
            return {}
        states = self._load(conn, work)
        logs, tracking = _run(work, states)
        result.rows = self._write(conn, states, logs, tracking)
        self._stamps = stamps.restamp(conn, self._names)
        return states

    def _processed(self, conn: Connection, batch: list[Event]) -> set[tuple[str, str]]:
        ids = [event.event_id for event in batch if type(event) in self._routes]
        found: set[tuple[str, str]] = set()
        for chunk in _chunks(ids, _IN_CHUNK):
            rows = conn.execute(_PROCESSED, {"ids": chunk}).all()
            found.update((name, event_id) for name, event_id in rows if name in self._names)
        return found

    def _work(
        self, batch: list[Event], done: set[tuple[str, str]], result: ApplyResult
    ) -> list[Work]:
        work: list[Work] = []
        for event in batch:
            routes = self._routes.get(type(event))
            if routes is None:
                result.ignored += 1
                continue
            fresh = [
                (event, name, steps) for name, steps in routes if (name, event.event_id) not in done
            ]
            work.extend(fresh)
            result.applied += bool(fresh)
            result.skipped += not fresh
        return work

    def _load(self, conn: Connection, work: list[Work]) -> dict[Table, _TableState]:
        keys: dict[Table, set[Key]] = {}
        for event, _name, steps in work:
            for step in steps:
                if isinstance(step, Upsert) and (key := step.key(event)) is not None:
                    keys.setdefault(step.table, set()).add(key)
        states = {}
        for table, wanted in keys.items():
            state = states[table] = _TableState(self._shapes[table])
            shape, missing = state.shape, set()
            for key in wanted:
                values = self._cache.get(table, key)
                if values is None:
                    missing.add(key)
                else:
                    state.rows[key] = dict(zip(shape.columns, values, strict=True))
                    state.before[key] = values
            _read(conn, state, missing)
        return states

    def _write(
        self,
        conn: Connection,
        states: dict[Table, _TableState],
        logs: dict[Table, list[Row]],
        tracking: list[Row],
    ) -> int:
        written = 0
        for table in self._tables:
            if table in states:
                written += self._updaters[table].write(conn, states[table].changes())
            if table in logs:
                written += self._writers[table].write(conn, logs[table])
        self._writers[processed_events].write(conn, tracking)
        return written


def _run(
    work: list[Work], states: dict[Table, _TableState]
) -> tuple[dict[Table, list[Row]], list[Row]]:
    """Run every step in batch order; returns the log rows and the tracking records."""
    logs: dict[Table, list[Row]] = {}
    tracking: list[Row] = []
    for event, name, steps in work:
        tracking.append({"projection": name, "event_id": event.event_id})
        last: Row | None = None
        for step in steps:
            if isinstance(step, Append):
                logs.setdefault(step.table, []).append(step.entry(event, last))
            elif (key := step.key(event)) is not None:
                last = states[step.table].get(key)
                step.policy(last, event)
    return logs, tracking


def _read(conn: Connection, state: _TableState, keys: set[Key]) -> None:
    shape = state.shape
    for chunk in _chunks(list(keys), _IN_CHUNK):
        # Plain tuples zipped with the names: far cheaper than a RowMapping per row.
        for values in conn.execute(shape.query, shape.search(chunk)).all():
            loaded = dict(zip(shape.columns, values, strict=True))
            if (key := shape.key_of(loaded)) in keys:
                state.rows[key] = loaded
                state.before[key] = tuple(values)


def _logs(projections: list[Projection]) -> set[Table]:
    """The tables that steps append to."""
    return {
        step.table
        for p in projections
        for s in p.steps.values()
        for step in s
        if isinstance(step, Append)
    }


def _routes(projections: list[Projection]) -> dict[type[Event], list[tuple[str, tuple[Step, ...]]]]:
    routes: dict[type[Event], list[tuple[str, tuple[Step, ...]]]] = {}
    for projection in projections:
        for event_type, steps in projection.steps.items():
            routes.setdefault(event_type, []).append((projection.name, steps))
    return routes


def _first_of_each(batch: Sequence[Event]) -> list[Event]:
    """The batch without repeated event ids, first occurrences in order."""
    seen: set[str] = set()
    unique = []
    for event in batch:
        if event.event_id not in seen:
            seen.add(event.event_id)
            unique.append(event)
    return unique


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batches(events: Iterable[Event], size: int) -> Iterator[list[Event]]:
    iterator = iter(events)
    while batch := list(islice(iterator, size)):
        yield batch
