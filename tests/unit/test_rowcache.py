"""The projector's row cache: bounded, the rows written least recently dropped first."""

from __future__ import annotations

from projections.rowcache import RowCache
from projections.tables import cases, tasks


def test_a_full_cache_drops_the_row_written_least_recently() -> None:
    cache = RowCache(limit=2)
    cache.put(cases, "C-1", ("first",))
    cache.put(tasks, "C-1", ("task",))  # same key, another table: another row
    cache.put(cases, "C-1", ("again",))  # written again: now the most recent

    cache.put(cases, "C-2", ("second",))

    assert cache.get(tasks, "C-1") is None
    assert cache.get(cases, "C-1") == ("again",)
    assert cache.get(cases, "C-2") == ("second",)


def test_a_cleared_cache_holds_nothing() -> None:
    cache = RowCache(limit=10)
    cache.put(cases, "C-1", ("first",))

    cache.clear()

    assert cache.get(cases, "C-1") is None
