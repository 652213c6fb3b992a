"""The working-day calendar behind every statutory and promised time limit.

Working days are Monday to Friday, minus public holidays, plus make-up working days
(调休: a Saturday or Sunday declared a working day), read from ``hub/data/holidays.toml``.
Years the State Council has not announced yet are flagged (:meth:`WorkCalendar.is_announced`)
and counted from the statutory holidays or, past the file, from weekends alone.

Counting convention (as in the Administrative Licensing Law): the day of acceptance does
not count. ``add_working_days(start, n)`` is the n-th working day strictly after ``start``;
``working_days_between(start, end)`` counts working days ``d`` with ``start < d <= end``.
The two invert each other: a negative ``n`` steps back to the working day ``d`` with
``working_days_between(d, start) == -n``, and ``between`` is negative when ``end < start``.
A pause ``(a, b)`` stops the clock for the working days ``a < d <= b``: the day a supplement
is requested still counts, the day it arrives does not. ``b = None`` means still paused::

    >>> from datetime import date
    >>> add_working_days(date(2026, 9, 30), 1)  # golden week, then a make-up Saturday
    datetime.date(2026, 10, 8)

Everything is O(1) per call: the calendar precomputes a flag per day, a prefix count
of working days and the sorted array of working-day ordinals.
"""

from __future__ import annotations

import tomllib
from array import array
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pydantic

from hub.errors import CatalogueError, ValidationError

#: Years past the last one in the data file that are still computed (weekends only).
WEEKEND_ONLY_YEARS = 10

Pause = tuple[date, date | None]


class Holiday(pydantic.BaseModel, frozen=True, extra="forbid"):
    """One block of consecutive days off, inclusive."""

    name: str
    from_: date = pydantic.Field(alias="from")
    to: date

    @pydantic.model_validator(mode="after")
    def _ordered(self) -> Holiday:
        if self.to < self.from_:
            raise ValueError(f"holiday {self.name!r} ends ({self.to}) before it starts")
        return self

    def days(self) -> list[date]:
        """Every day of the block."""
        return [self.from_ + timedelta(n) for n in range((self.to - self.from_).days + 1)]


class YearArrangement(pydantic.BaseModel, frozen=True, extra="forbid"):
    """The holiday arrangement of one calendar year."""

    year: int
    announced: bool
    source: str
    holidays: tuple[Holiday, ...]
    makeup_workdays: tuple[date, ...]

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> YearArrangement:
        off = {d for h in self.holidays for d in h.days()}
        for day in sorted(off | set(self.makeup_workdays)):
            if day.year != self.year:
                raise ValueError(f"{day} is listed under year {self.year}")
        for day in self.makeup_workdays:
            if day.weekday() < 5:
                raise ValueError(f"make-up working day {day} is not a Saturday or Sunday")
            if day in off:
                raise ValueError(f"{day} is both a holiday and a make-up working day")
        return self


class CalendarFile(pydantic.BaseModel, frozen=True, extra="forbid"):
    """The whole holiday data file: contiguous years, oldest first."""

    calendar_version: str
    year: tuple[YearArrangement, ...] = pydantic.Field(min_length=1)

    @pydantic.model_validator(mode="after")
    def _contiguous(self) -> CalendarFile:
        years = [y.year for y in self.year]
        if years != list(range(years[0], years[0] + len(years))):
            raise ValueError(f"years must be listed once each, in order, without gaps: {years}")
        return self


class WorkCalendar:
    """Precomputed working days over a fixed range of dates; every query is O(1)."""

    def __init__(self, data: CalendarFile) -> None:
        self.version = data.calendar_version
        first, last = data.year[0].year, data.year[-1].year + WEEKEND_ONLY_YEARS
        self.first, self.last = date(first, 1, 1), date(last, 12, 31)
        self._announced = {y.year for y in data.year if y.announced}
        self._base = self.first.toordinal()
        size = self.last.toordinal() - self._base + 1
        self._flags = bytearray((self.first + timedelta(i)).weekday() < 5 for i in range(size))
        for arrangement in data.year:
            for holiday in arrangement.holidays:
                for day in holiday.days():
                    self._flags[day.toordinal() - self._base] = 0
            for day in arrangement.makeup_workdays:
                self._flags[day.toordinal() - self._base] = 1
        self._prefix = array("l", [0])
        self._ordinals = array("l")
        for i, flag in enumerate(self._flags):
            if flag:
                self._ordinals.append(self._base + i)
            self._prefix.append(len(self._ordinals))

    def _index(self, d: date) -> int:
        index = d.toordinal() - self._base
        if not 0 <= index < len(self._flags):
            raise ValidationError(f"date {d} is outside the calendar ({self.first} to {self.last})")
        return index

    def is_announced(self, year: int) -> bool:
        """Whether ``year`` follows a published State Council arrangement."""
        return year in self._announced

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day."""
        return self._flags[self._index(d)] == 1

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start``, which is not counted; n < 0 steps back."""
        if n == 0:
            return start
        position = self._prefix[self._index(start) + 1] + n - 1
        if not 0 <= position < len(self._ordinals):
            raise ValidationError(f"{n} working days from {start} leaves the calendar")
        return date.fromordinal(self._ordinals[position])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; negative when end is before start."""
        return self._prefix[self._index(end) + 1] - self._prefix[self._index(start) + 1]

    def working_days_used(self, start: date, now: date, pauses: Iterable[Pause] = ()) -> int:
        """Working days on the clock from ``start`` to ``now``, minus paused ones."""
        used = self.working_days_between(start, now)
        for a, b in _merged(pauses, start, now):
            used -= self.working_days_between(a, b)
        return used

    def due_date(self, start: date, n: int, pauses: Iterable[Pause] = ()) -> date | None:
        """The day the clock reaches ``n`` working days; None while a pause is still open."""
        cursor, remaining = start, n
        for a, b in _merged(pauses, start):
            available = self.working_days_between(cursor, a)
            if available >= remaining:
                break
            if b == date.max:
                return None
            remaining -= available
            cursor = b
        return self.add_working_days(cursor, remaining)


def _merged(pauses: Iterable[Pause], start: date, now: date = date.max) -> list[tuple[date, date]]:
    """Pauses clipped to (start, now], sorted and merged; ``date.max`` marks one still open."""
    merged: list[tuple[date, date]] = []
    for a, b in sorted((max(a, start), min(b or date.max, now)) for a, b in pauses):
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _default_path() -> Path:
    return Path(str(resources.files("hub.data") / "holidays.toml"))


@lru_cache(maxsize=8)
def load_calendar(path: Path | None = None) -> WorkCalendar:
    """Read and validate a holiday file (the shipped one by default), once per path."""
    source = path or _default_path()
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
        return WorkCalendar(CalendarFile.model_validate(raw))
    except OSError as exc:
        raise CatalogueError(f"cannot read holiday calendar {source}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"holiday calendar {source} is not valid TOML: {exc}") from exc
    except pydantic.ValidationError as exc:
        raise CatalogueError(f"holiday calendar {source}: {_first_error(exc)}") from exc


def _first_error(exc: pydantic.ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day in the shipped calendar."""
    return load_calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` in the shipped calendar (start not counted)."""
    return load_calendar().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end in the shipped calendar."""
    return load_calendar().working_days_between(start, end)


def working_days_used(start: date, now: date, pauses: Sequence[Pause] = ()) -> int:
    """Working days on the clock from ``start`` to ``now`` minus pauses, shipped calendar."""
    return load_calendar().working_days_used(start, now, pauses)
