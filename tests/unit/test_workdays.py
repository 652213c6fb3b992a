"""The working-day calendar: real holiday arrangements, the counting convention, pauses."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.errors import CatalogueError, ValidationError
from hub.workdays import (
    add_working_days,
    is_working_day,
    load_calendar,
    working_days_between,
    working_days_used,
)

days = st.dates(min_value=date(2024, 7, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=-100, max_value=200)


def test_spring_festival_2026_and_its_make_up_saturdays() -> None:
    assert not any(is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert is_working_day(date(2026, 2, 14))  # Saturday, make-up working day
    assert is_working_day(date(2026, 2, 28))
    # accepted on Friday 13 February: day 1 the make-up Saturday, day 2 after the holiday
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_national_day_golden_week_2026() -> None:
    assert is_working_day(date(2026, 9, 20))  # Sunday, make-up
    assert not is_working_day(date(2026, 10, 1))
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # make-up Saturday
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 11)) == 3


def test_2025_spring_festival_and_national_day() -> None:
    assert not is_working_day(date(2025, 1, 28))
    assert is_working_day(date(2025, 1, 26))
    assert not is_working_day(date(2025, 10, 8))
    assert is_working_day(date(2025, 10, 11))


def test_acceptance_day_does_not_count() -> None:
    monday = date(2026, 3, 2)
    assert add_working_days(monday, 1) == date(2026, 3, 3)
    assert add_working_days(monday, 5) == date(2026, 3, 9)
    assert add_working_days(monday, 0) == monday
    assert working_days_between(monday, monday) == 0
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # from a Saturday


def test_unannounced_years_are_flagged() -> None:
    calendar = load_calendar()
    assert calendar.is_announced(2026)
    assert not calendar.is_announced(2027)
    assert not is_working_day(date(2027, 2, 8))  # statutory Spring Festival day
    assert is_working_day(date(2029, 2, 13))  # past the data: weekends only


def test_dates_outside_the_calendar_are_named() -> None:
    with pytest.raises(ValidationError, match="2019-05-01 is outside the calendar"):
        is_working_day(date(2019, 5, 1))


@given(days, counts)
def test_between_inverts_add(start: date, n: int) -> None:
    assert working_days_between(start, add_working_days(start, n)) == n


@given(days, days)
def test_add_inverts_between_onto_the_last_working_day(start: date, end: date) -> None:
    landed = add_working_days(start, working_days_between(start, end))
    if start <= end:
        assert landed <= end
        assert all(not is_working_day(d) for d in _days(landed + timedelta(1), end))
    assert is_working_day(landed) or landed == start


@given(days, st.integers(min_value=0, max_value=60))
def test_between_agrees_with_counting_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(span)
    expected = sum(is_working_day(d) for d in _days(start + timedelta(1), end))
    assert working_days_between(start, end) == expected


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def test_pauses_stop_the_clock() -> None:
    start, now = date(2026, 3, 2), date(2026, 3, 13)  # Monday to Friday a week later
    assert working_days_used(start, now, []) == 9
    # supplement asked Tuesday 3rd, supplied Thursday 5th: 4th and 5th do not count
    assert working_days_used(start, now, [(date(2026, 3, 3), date(2026, 3, 5))]) == 7
    # still waiting since Wednesday 11th
    assert working_days_used(start, now, [(date(2026, 3, 11), None)]) == 7
    overlapping = [(date(2026, 3, 3), date(2026, 3, 5)), (date(2026, 3, 4), date(2026, 3, 6))]
    assert working_days_used(start, now, overlapping) == 6
    assert working_days_used(start, now, [(date(2026, 2, 1), date(2026, 3, 3))]) == 8


def test_due_date_moves_with_pauses() -> None:
    calendar = load_calendar()
    start = date(2026, 3, 2)
    assert calendar.due_date(start, 5) == date(2026, 3, 9)
    assert calendar.due_date(start, 5, [(date(2026, 3, 3), date(2026, 3, 5))]) == date(2026, 3, 11)
    assert calendar.due_date(start, 5, [(date(2026, 3, 3), None)]) is None
    assert calendar.due_date(start, 1, [(date(2026, 3, 3), None)]) == date(2026, 3, 3)


@given(days, st.integers(min_value=1, max_value=40), days, st.integers(min_value=0, max_value=30))
def test_due_date_is_where_the_used_clock_reaches_n(
    start: date, n: int, pause_start: date, pause_length: int
) -> None:
    pauses = [(pause_start, pause_start + timedelta(pause_length))]
    due = load_calendar().due_date(start, n, pauses)
    assert due is not None
    assert working_days_used(start, due, pauses) == n
    assert working_days_used(start, due - timedelta(1), pauses) < n


HOLIDAYS = """
calendar_version = "t"
[[year]]
year = 2026
announced = true
source = "test"
holidays = [{ name = "x", from = 2026-01-01, to = 2026-01-03 }]
makeup_workdays = [{makeup}]
"""


@pytest.mark.parametrize(
    ("makeup", "message"),
    [
        ("2026-01-05", "2026-01-05 is not a Saturday or Sunday"),
        ("2027-01-02", "listed under year 2026"),
        ("2026-01-03", "both a holiday and a make-up"),
    ],
)
def test_malformed_holiday_files_are_named(tmp_path: Path, makeup: str, message: str) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(HOLIDAYS.replace("{makeup}", makeup), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_calendar(path)
