"""Simulated time for the department simulators and the demo: days that pass in seconds.

A :class:`ScaledClock` is a :class:`hub.clock.Clock` that starts at ``start`` when the
wall clock reads ``origin`` (seconds since the epoch) and runs ``86400 / day_seconds``
times faster. Every simulator builds its own from the same three numbers, so they all
read the same simulated time without sharing an object::

    >>> from datetime import UTC, datetime
    >>> clock = ScaledClock(datetime(2026, 3, 2, 1, tzinfo=UTC), day_seconds=1.0, origin=0.0)
    >>> clock.at(1.5).isoformat()
    '2026-03-03T13:00:00+00:00'
"""

from __future__ import annotations

import math
import time
from datetime import UTC, date, datetime, timedelta

from hub.errors import ValidationError

DAY = 86_400.0


class ScaledClock:
    """Simulated time running ``DAY / day_seconds`` times faster than the wall clock."""

    def __init__(self, start: datetime, day_seconds: float, origin: float | None = None) -> None:
        """A clock at ``start`` from wall time ``origin`` (default now; ``math.inf``: later)."""
        if day_seconds <= 0:
            raise ValidationError(f"day_seconds must be positive, not {day_seconds}")
        if start.tzinfo is None:
            raise ValidationError(f"clock start {start.isoformat()} has no time zone")
        self.start = start.astimezone(UTC)
        self.day_seconds = day_seconds
        self.origin = time.time() if origin is None else origin
        self._stopped = math.inf

    def at(self, wall: float) -> datetime:
        """The simulated time when the wall clock reads ``wall``; ``start`` until it begins."""
        if wall <= self.origin:
            return self.start
        return self.start + timedelta(seconds=(wall - self.origin) * DAY / self.day_seconds)

    def wall(self, moment: datetime) -> float:
        """The wall-clock time (seconds since the epoch) at which ``moment`` is reached."""
        return self.origin + (moment - self.start).total_seconds() * self.day_seconds / DAY

    def wall_now(self) -> float:
        """The wall-clock time now, or when the clock was frozen."""
        return min(time.time(), self._stopped)

    def now(self) -> datetime:
        """The simulated time now, or the time the clock was frozen at."""
        return self.at(self.wall_now())

    def today(self) -> date:
        """The simulated UTC date."""
        return self.now().date()

    def begin(self, origin: float) -> None:
        """Start the simulation when the wall clock reads ``origin``, not before."""
        self.origin = origin

    def freeze(self) -> None:
        """Stop the clock where it is: nothing falls due any more."""
        self._stopped = self.wall_now()


class Behind:
    """Another clock read ``seconds`` of wall time late, frozen when it freezes.

    The hub's processors read simulated time this way in the demo: an answer takes a real
    second or two from a department to the processors, which compressed time would turn
    into a day or two of delay, and the deadline clock would call on-time tasks overdue.
    """

    def __init__(self, clock: ScaledClock, seconds: float) -> None:
        self.clock, self.seconds = clock, seconds

    def now(self) -> datetime:
        """The followed clock's time ``seconds`` ago."""
        return self.clock.at(self.clock.wall_now() - self.seconds)

    def today(self) -> date:
        """The UTC date of :meth:`now`."""
        return self.now().date()
