"""The statistics cache: first snapshot on the request path, later ones after writes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from hub.queries.models import Statistics
from hub.queries.statscache import StatisticsCache


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    yield engine
    engine.dispose()


class Counting:
    """Computes empty statistics and counts how often it was asked to."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, _conn: Connection) -> Statistics:
        self.calls += 1
        return Statistics(computed_at=datetime.now(UTC), departments=[], items=[], daily=[])


def write(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))


def test_reads_are_served_from_memory_until_something_is_written(engine: Engine) -> None:
    compute = Counting()
    cache = StatisticsCache(engine, min_interval=0.0, max_age=60.0, compute=compute)
    first = cache.get()
    assert cache.get() is first
    assert compute.calls == 1
    write(engine)
    time.sleep(0.1)  # more than ten times the first refresh took
    assert cache.get() is first  # the stale snapshot answers; a refresh starts behind it
    cache.settle()
    assert compute.calls == 2
    assert cache.get() is not first
    cache.close()


def test_a_steady_stream_of_writes_refreshes_at_most_every_min_interval(engine: Engine) -> None:
    compute = Counting()
    cache = StatisticsCache(engine, min_interval=60.0, max_age=60.0, compute=compute)
    cache.get()
    for _ in range(5):
        write(engine)
        cache.get()
    cache.settle()
    assert compute.calls == 1
    cache.close()


def test_writes_it_cannot_see_are_picked_up_after_max_age(engine: Engine) -> None:
    compute = Counting()
    cache = StatisticsCache(engine, min_interval=0.0, max_age=0.05, compute=compute)
    cache.get()
    time.sleep(0.2)  # past max_age, and past ten times the first refresh
    cache.get()
    cache.settle()
    assert compute.calls == 2
    cache.close()


class Slow(Counting):
    """Takes a measurable while, like a GROUP BY over a large read model."""

    def __call__(self, conn: Connection) -> Statistics:
        time.sleep(0.05)
        return super().__call__(conn)


def test_a_slow_refresh_waits_ten_times_its_duration_before_the_next(engine: Engine) -> None:
    compute = Slow()
    cache = StatisticsCache(engine, min_interval=0.0, max_age=0.0, compute=compute)
    cache.get()
    time.sleep(0.1)  # twice the refresh's own time: still too soon
    cache.get()
    assert compute.calls == 1
    time.sleep(0.45)
    cache.get()
    cache.settle()
    assert compute.calls == 2
    cache.close()
