"""De-duplication by event id: a bounded window of the ids most recently handled."""

from __future__ import annotations

import pytest

from hub.consuming import RawMessage, RecentEventIds
from hub.errors import SettingsError


def test_an_id_once_added_is_recognised() -> None:
    seen = RecentEventIds(capacity=10)
    seen.add("e-1")
    assert "e-1" in seen
    assert "e-2" not in seen


def test_memory_stays_bounded_and_the_oldest_id_is_forgotten_first() -> None:
    seen = RecentEventIds(capacity=1000)
    for n in range(5000):
        seen.add(f"e-{n}")
    assert len(seen) == 1000
    assert "e-3999" not in seen
    assert all(f"e-{n}" in seen for n in range(4000, 5000))


def test_seeing_an_id_again_makes_it_the_newest() -> None:
    seen = RecentEventIds(capacity=2)
    seen.add("a")
    seen.add("b")
    seen.add("a")
    seen.add("c")
    assert "a" in seen
    assert "b" not in seen


def test_a_window_of_no_ids_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="capacity must be at least 1"):
        RecentEventIds(capacity=0)


def test_headers_from_faust_mappings_and_kafka_pairs_read_the_same() -> None:
    from_pairs = RawMessage.of(b"v", "k", [("ce_id", b"e-1"), ("x", None)], "t", 0, 5)
    from_mapping = RawMessage.of(b"v", b"k", {"ce_id": "e-1", "x": None}, "t", 0, 5)
    assert from_pairs == from_mapping
    assert from_pairs.header("ce_id") == "e-1"
    assert from_pairs.key_text == "k"
    assert from_pairs.header("missing") is None
