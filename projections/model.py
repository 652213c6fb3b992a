"""What a projection is: tables, and for each event type the steps that turn it into rows.

A step is one small pure policy in the style of eventsourcing's ``Follower.process_event``:

- :class:`Upsert` names a row by its primary key and lets a policy update that row, a
  plain dict, in place. The engine hands the policy the current row, or a fresh one made
  by :func:`new_row` when the key is new, so a policy never checks whether the row exists.
  A key function returning None means "this event touches no row here".
- :class:`Append` adds one row per event to a log table keyed by the event id. It sees the
  row the preceding :class:`Upsert` of the same event left (or None), so a history entry
  can snapshot the state after the event.

Policies replace list values (``row["ids"] = [*row["ids"], new]``) rather than mutating
them, because fresh rows share their empty defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON, Boolean, Integer, Table

from hub.events import Event

E = TypeVar("E", bound=Event)
# Steps only consume events, so a step written for a base class serves its subclasses.
E_in = TypeVar("E_in", bound=Event, contravariant=True)
Row = dict[str, Any]
Key = Hashable
Policy = Callable[[Row, E], None]

#: Working days are counted on the calendar of the mainland, which keeps UTC+8 all year.
_CHINA_OFFSET = timedelta(hours=8)
CHINA = timezone(_CHINA_OFFSET)


def local_day(moment: datetime) -> date:
    """The calendar date of ``moment`` in China, the day a working-day clock counts."""
    if moment.tzinfo is UTC:  # every event time is UTC: skip the general conversion
        return (moment + _CHINA_OFFSET).date()
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA).date()


def latest(stamp: datetime | None, moment: datetime) -> datetime:
    """The later of a row's ``stamp`` (naive means UTC, as SQLite returns it) and ``moment``."""
    if stamp is None:
        return moment
    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return stamp if aware >= moment else moment


@dataclass(frozen=True)
class Upsert(Generic[E_in]):
    """Update the row of ``table`` that ``key`` names, with ``policy``."""

    table: Table
    key: Callable[[E_in], Key | None]
    policy: Callable[[Row, E_in], None]


@dataclass(frozen=True)
class Append(Generic[E_in]):
    """Add the row ``entry`` builds to the log ``table`` (keyed by event id)."""

    table: Table
    entry: Callable[[E_in, Row | None], Row]


Step = Upsert[Any] | Append[Any]


@dataclass(frozen=True)
class Projection:
    """A named read model: its tables and, per event type, its steps in order."""

    name: str
    tables: tuple[Table, ...]
    steps: Mapping[type[Event], tuple[Step, ...]] = field(default_factory=dict)

    def handles(self) -> frozenset[str]:
        """The names of the event types this projection cares about."""
        return frozenset(event_type.event_name for event_type in self.steps)


def on(event_type: type[E], *steps: Upsert[E] | Append[E]) -> tuple[type[Event], tuple[Step, ...]]:
    """One entry of :attr:`Projection.steps`, type-checked against ``event_type``."""
    return event_type, steps


def key_columns(table: Table) -> tuple[str, ...]:
    """The primary-key column names of ``table``, in declaration order."""
    return tuple(column.name for column in table.primary_key.columns)


def _empty(column_type: object) -> Any:
    if isinstance(column_type, Integer):
        return 0
    if isinstance(column_type, Boolean):
        return False
    if isinstance(column_type, JSON):
        return ()
    return None


def row_template(table: Table) -> Row:
    """A row of ``table`` with no data: zero counters, false flags, empty lists, else None."""
    return {
        column.name: None if column.nullable else _empty(column.type) for column in table.columns
    }


def new_row(template: Row, names: tuple[str, ...], key: Key) -> Row:
    """A fresh row from ``template`` for ``key`` over the key columns ``names``."""
    row = dict(template)
    if len(names) == 1:
        row[names[0]] = key
    else:
        row.update(zip(names, key, strict=True))  # type: ignore[call-overload]
    return row
