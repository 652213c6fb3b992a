"""Electronic supervision of time limits: warnings and overdue reports as the clock moves."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from test_processor_harness import FOOD_LICENSE, Hub, material, of

from hub.clock import ManualClock
from hub.errors import SettingsError
from hub.events.deadlines import ClockKind, DeadlineOverdue, DeadlineWarned
from hub.events.tasks import SupplementProvided, SupplementRequested, TaskDispatched
from hub.workdays import load_calendar
from projections.processors import DeadlineSupervisor


def _at(clock: ManualClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC))


def _food_task(hub: Hub) -> TaskDispatched:
    # FD-XK-001: 10 promised and 20 statutory working days from Monday 16 November.
    (task,) = of(
        TaskDispatched, hub.submit("D-1", item_codes=("FD-XK-001",), materials=FOOD_LICENSE)
    )
    assert (task.promised_due_date, task.statutory_due_date) == (
        date(2026, 11, 30),
        date(2026, 12, 14),
    )
    return task


def test_a_task_is_warned_at_80_percent_and_reported_overdue_past_its_limits(
    hub: Hub, clock: ManualClock
) -> None:
    task = _food_task(hub)
    _at(clock, date(2026, 11, 25))  # 7 of 10 working days used
    assert hub.tick() == []

    _at(clock, date(2026, 11, 26))  # 8 used
    (warned,) = hub.tick()
    assert isinstance(warned, DeadlineWarned)
    assert (warned.task_id, warned.clock, warned.working_days_left) == (
        task.task_id,
        ClockKind.PROMISED,
        2,
    )
    assert warned.due_date == date(2026, 11, 30)
    assert hub.tick() == []  # once

    _at(clock, date(2026, 12, 1))  # 11 used
    (overdue,) = hub.tick()
    assert isinstance(overdue, DeadlineOverdue)
    assert (overdue.clock, overdue.working_days_overdue) == (ClockKind.PROMISED, 1)

    _at(clock, date(2026, 12, 15))  # 21 used: the statutory limit warns and passes unseen
    (statutory,) = hub.tick()
    assert isinstance(statutory, DeadlineOverdue)
    assert (statutory.clock, statutory.due_date) == (ClockKind.STATUTORY, date(2026, 12, 14))


def test_waiting_for_a_supplement_stops_the_clock(hub: Hub, clock: ManualClock) -> None:
    task = _food_task(hub)
    _at(clock, date(2026, 11, 17))
    hub.feed(
        SupplementRequested(
            source="FD",
            occurred_at=clock.now(),
            case_id=task.case_id,
            task_id=task.task_id,
            department="FD",
            material_codes=("SITE_PLAN",),
            reason="unreadable",
        )
    )
    _at(clock, date(2026, 12, 31))
    assert hub.tick() == []  # paused for six weeks: nothing is due

    _at(clock, date(2026, 11, 20))
    hub.feed(
        SupplementProvided(
            source="window",
            occurred_at=clock.now(),
            case_id=task.case_id,
            task_id=task.task_id,
            materials=(material("SITE_PLAN"),),
        )
    )
    _at(clock, date(2026, 11, 26))  # 8 days since dispatch, 3 of them paused
    assert hub.tick() == []
    _at(clock, date(2026, 12, 1))
    (warned,) = hub.tick()
    assert isinstance(warned, DeadlineWarned)
    assert (warned.working_days_left, warned.due_date) == (2, date(2026, 12, 3))


def test_a_decided_task_is_off_the_clock(hub: Hub, clock: ManualClock) -> None:
    task = _food_task(hub)
    hub.decide_all([task])
    _at(clock, date(2026, 12, 31))
    assert of(DeadlineOverdue, hub.tick()) == []


def test_the_warning_share_is_configurable_within_bounds(hub: Hub) -> None:
    with pytest.raises(SettingsError, match="warn_share"):
        DeadlineSupervisor(hub.engine, load_calendar(), warn_share=1.5)
