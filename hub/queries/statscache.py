"""Statistics served from memory, recomputed in the background after writes.

A request never waits for the GROUP BY queries except the very first one: it gets the
last snapshot, and if the read model changed since (a commit on the engine, seen through
SQLAlchemy's ``commit`` event) or the snapshot is older than ``max_age`` (writes by other
processes, which this one cannot see), one background thread recomputes it. Under a
steady stream of writes the snapshot is recomputed at most every ``min_interval`` seconds,
and never more than a tenth of the time: after a refresh that took ``t`` seconds the next
waits at least ``10 t``. A long refresh holds a read snapshot, and on SQLite a reader that
is always there keeps the write-ahead log from ever being reset, so it grows without end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, event

from hub.queries.models import Statistics
from hub.queries.stats import statistics

#: A refresh may hold a read snapshot at most one part in this many of the time.
_DUTY = 10


class StatisticsCache:
    """The latest :class:`Statistics` of ``engine``, refreshed off the request path."""

    def __init__(
        self,
        engine: Engine,
        min_interval: float = 1.0,
        max_age: float = 5.0,
        compute: Callable[[Connection], Statistics] = statistics,
    ) -> None:
        self._engine = engine
        self._compute = compute
        self.min_interval = min_interval
        self.max_age = max_age
        self._lock = threading.Lock()
        self._snapshot: Statistics | None = None
        self._taken = 0.0
        self._took = 0.0
        self._dirty = False
        self._refreshing: threading.Thread | None = None
        event.listen(engine, "commit", self._written)

    def get(self) -> Statistics:
        """The latest snapshot, computing the first one here and later ones in the background."""
        snapshot = self._snapshot
        if snapshot is None:
            return self.refresh()
        if self._due():
            self._start_refresh()
        return snapshot

    def refresh(self) -> Statistics:
        """Recompute the snapshot now and keep it."""
        taken = time.monotonic()
        with self._engine.connect() as conn:
            snapshot = self._compute(conn)
        with self._lock:
            self._snapshot, self._taken = snapshot, taken
            self._took = time.monotonic() - taken
        return snapshot

    def invalidate(self) -> None:
        """Mark the snapshot out of date, for writers this cache cannot see."""
        self._dirty = True

    def settle(self) -> None:
        """Wait for a running background refresh to finish."""
        refreshing = self._refreshing
        if refreshing is not None:
            refreshing.join()

    def close(self) -> None:
        """Stop listening to the engine and wait for a running refresh."""
        event.remove(self._engine, "commit", self._written)
        self.settle()

    def _written(self, _conn: Connection) -> None:
        self._dirty = True

    def _due(self) -> bool:
        age = time.monotonic() - self._taken
        if age < _DUTY * self._took:
            return False
        return (self._dirty and age >= self.min_interval) or age >= self.max_age

    def _start_refresh(self) -> None:
        with self._lock:
            if self._refreshing is not None and self._refreshing.is_alive():
                return
            self._dirty = False
            self._refreshing = threading.Thread(
                target=self.refresh, name="statistics-refresh", daemon=True
            )
            self._refreshing.start()
