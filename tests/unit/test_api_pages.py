"""Keyset cursors and page requests: round trips, and forged cursors refused by name."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import DateTime, Integer, String

from hub.errors import ValidationError
from hub.queries import MAX_LIMIT, PageRequest
from hub.queries.pages import decode_cursor, encode_cursor
from hub.queries.stats import median


def test_a_cursor_round_trips_strings_numbers_and_timestamps() -> None:
    key = [datetime(2026, 3, 2, 10, 28, 18, 642947), "C-0000001", 7]
    cursor = encode_cursor(key)
    assert "=" not in cursor
    assert decode_cursor(cursor, [DateTime(), String(), Integer()]) == key


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        encode_cursor(["only one"]),
        encode_cursor(["not a time", "C-1"]),
        encode_cursor([{"nested": 1}, "C-1"]),
    ],
)
def test_a_cursor_this_list_did_not_issue_is_refused(cursor: str) -> None:
    with pytest.raises(ValidationError, match="was not issued by this list"):
        decode_cursor(cursor, [DateTime(), String()])


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_limits_outside_the_bounds_name_the_bounds(limit: int) -> None:
    with pytest.raises(ValidationError, match=f"between 1 and {MAX_LIMIT}, got {limit}"):
        PageRequest(limit=limit)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([], None),
        ([(3, 1)], 3.0),
        ([(1, 1), (5, 1)], 3.0),
        ([(1, 2), (2, 1)], 1.0),
        ([(4, 2), (1, 2)], 2.5),
        ([(2, 3), (9, 1), (1, 1)], 2.0),
    ],
)
def test_median_of_value_counts(counts: list[tuple[int, int]], expected: float | None) -> None:
    assert median(counts) == expected
