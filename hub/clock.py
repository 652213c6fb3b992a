"""A settable clock: what processors and connectors ask for the time, so tests can move it.

Production code takes a :class:`Clock` and gets :class:`SystemClock`; tests pass a
:class:`ManualClock` and advance it instead of sleeping::

    >>> from datetime import UTC, datetime, timedelta
    >>> clock = ManualClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    >>> clock.advance(timedelta(days=3)).today()
    datetime.date(2026, 11, 23)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from hub.errors import ValidationError


class Clock(Protocol):
    """Where the current time comes from."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def today(self) -> date:
        """The current UTC date."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current time, in UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """The current UTC date."""
        return self.now().date()


class ManualClock:
    """A clock that stands still until a test sets or advances it."""

    def __init__(self, start: datetime) -> None:
        self._now = _utc(start)

    def now(self) -> datetime:
        """The time the clock was last set to."""
        return self._now

    def today(self) -> date:
        """The date the clock was last set to."""
        return self._now.date()

    def set(self, moment: datetime) -> ManualClock:
        """Jump to ``moment`` (forwards or back); returns the clock for chaining."""
        self._now = _utc(moment)
        return self

    def advance(self, step: timedelta) -> ManualClock:
        """Move forwards by ``step``; returns the clock for chaining."""
        if step < timedelta(0):
            raise ValidationError(f"a clock advances by a positive step, not {step}")
        self._now += step
        return self


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValidationError(f"clock time {moment.isoformat()} has no time zone")
    return moment.astimezone(UTC)
