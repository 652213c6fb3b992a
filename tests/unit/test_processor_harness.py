"""A small hub for the processor tests, and the tests of the journal every processor shares.

:class:`Hub` runs the real processors on a SQLite file with the shipped catalogue and
calendar and a :class:`~hub.clock.ManualClock`, fed through the library's
:class:`~projections.processors.testing.LoopbackLog`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy

from hub.catalogue import load_catalogue
from hub.clock import ManualClock
from hub.db import create_engine_for
from hub.errors import ValidationError
from hub.events import Event
from hub.events.applications import ApplicationSubmitted, Channel, CommitmentTerms
from hub.events.base import IdentifierType, MaterialRef, TrustGrade
from hub.events.deadlines import DeadlineWarned
from hub.events.tasks import TaskApproved, TaskDispatched, TaskRejected
from hub.workdays import load_calendar
from projections.processors import build_processors
from projections.processors.journal import RESEND_AFTER
from projections.processors.testing import LoopbackLog

COMPANY = "91350200776049653A"
PERSON = "11010519491231002X"
#: Monday 16 November 2026, 09:00 in China: a plain working week, no holiday near.
MONDAY = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
E = TypeVar("E", bound=Event)


def material(code: str, grade: TrustGrade = TrustGrade.B) -> MaterialRef:
    """A material with a content hash of its own."""
    digest = hashlib.sha256(f"{code}:{grade}".encode()).hexdigest()
    return MaterialRef(code=code, name=code.lower(), content_hash=digest, trust_grade=grade)


def materials(*codes: str, grade: TrustGrade = TrustGrade.B) -> tuple[MaterialRef, ...]:
    """Several materials of one grade."""
    return tuple(material(code, grade) for code in codes)


def promise(code: str, due: date) -> CommitmentTerms:
    """A signed commitment to supply ``code`` by ``due``."""
    return CommitmentTerms(material_code=code, due_date=due, statement=f"I will supply {code}")


class Hub(LoopbackLog):
    """The processors on one database, with the window's and departments' moves."""

    def __init__(self, path: Path, clock: ManualClock) -> None:
        self.engine = create_engine_for(f"sqlite:///{path / 'hub.db'}")
        super().__init__(build_processors(self.engine, load_catalogue(), load_calendar()), clock)

    def submit(self, case_id: str, **fields: Any) -> list[Event]:
        """Submit an application now and return everything it caused."""
        defaults: dict[str, Any] = {
            "source": "window",
            "occurred_at": self.clock.now(),
            "case_id": case_id,
            "applicant_id_type": IdentifierType.USCC,
            "applicant_id_number": COMPANY,
            "applicant_name": "Xiamen Example Trading Co., Ltd.",
            "item_codes": (),
            "channel": Channel.COUNTER,
        }
        return self.feed(ApplicationSubmitted(**(defaults | fields)))

    def decide_all(self, tasks: Iterable[TaskDispatched], approve: bool = True) -> list[Event]:
        """Every department decides its task now."""
        return self.feed(*(self.decision(task, approve) for task in tasks))

    def decision(self, task: TaskDispatched, approve: bool = True) -> Event:
        """A department's decision on ``task``, now."""
        common = {
            "source": task.department,
            "occurred_at": self.clock.now(),
            "case_id": task.case_id,
            "task_id": task.task_id,
            "department": task.department,
            "officer": "officer-1",
            "working_days_used": 1,
        }
        if approve:
            return TaskApproved(**common, commitment_based=task.commitment_based)
        return TaskRejected(**common, reason="conditions not met")

    def state_rows(self) -> dict[str, int]:
        """Row count of every processor state table."""
        tables = sqlalchemy.inspect(self.engine).get_table_names()
        with self.engine.connect() as conn:
            return {
                name: conn.execute(sqlalchemy.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in tables
                if name.startswith("proc_")
            }


def of(kind: type[E], events: Iterable[Event]) -> list[E]:
    """The events of one kind."""
    return [event for event in events if isinstance(event, kind)]


COMPANY_MATERIALS = materials(
    "APPLICATION_FORM",
    "ID_CARD_COPY",
    "ARTICLES_OF_ASSOCIATION",
    "LEASE_CONTRACT",
    "POWER_OF_ATTORNEY",
    "SEAL_SPECIMEN",
)
# What a food business license (FD-XK-001) requires.
FOOD_LICENSE = materials(
    "APPLICATION_FORM",
    "BUSINESS_LICENSE_COPY",
    "ID_CARD_COPY",
    "LEASE_CONTRACT",
    "SITE_PLAN",
    "EQUIPMENT_LAYOUT",
    "FOOD_SAFETY_RULES",
    "HEALTH_CERTIFICATE_COPY",
)


def test_a_redelivered_batch_returns_the_same_events_and_changes_no_state(hub: Hub) -> None:
    submitted = ApplicationSubmitted(
        source="window",
        occurred_at=MONDAY,
        case_id="C-IDEM",
        applicant_id_type=IdentifierType.USCC,
        applicant_id_number=COMPANY,
        applicant_name="Example Co.",
        item_codes=(),
        bundle_code="COMPANY_OPENING",
        materials=COMPANY_MATERIALS,
        channel=Channel.COUNTER,
    )
    casework = hub.processor("casework")
    first = casework.handle([submitted], MONDAY)
    rows = hub.state_rows()
    again = casework.handle([submitted, submitted], MONDAY + timedelta(hours=5))

    assert [e.event_id for e in again] == [e.event_id for e in first] * 2
    assert again[: len(first)] == first
    assert hub.state_rows() == rows


def test_a_timer_event_is_sent_again_until_it_comes_back_on_the_log(
    hub: Hub, clock: ManualClock, tmp_path: Path
) -> None:
    handed = materials("BUSINESS_LICENSE_COPY", "ID_CARD_COPY", "SEAL_SPECIMEN")
    assert of(TaskDispatched, hub.submit("C-T", item_codes=("PS-BA-001",), materials=handed))
    deadlines = hub.processor("deadlines")
    clock.advance(timedelta(days=1))
    warned = deadlines.tick(clock.now())
    assert of(DeadlineWarned, warned)
    assert deadlines.tick(clock.now()) == []  # sent a moment ago: not yet again

    # A worker restarted a minute later, the publish having failed, sends them again.
    clock.advance(RESEND_AFTER)
    restarted = Hub(tmp_path, clock).processor("deadlines")
    assert [e.event_id for e in restarted.tick(clock.now())] == [e.event_id for e in warned]
    restarted.handle(warned, clock.now())  # they came back on the log

    clock.advance(RESEND_AFTER)
    assert restarted.tick(clock.now()) == []


def test_a_manual_clock_moves_only_when_told_and_only_in_utc() -> None:
    clock = ManualClock(datetime(2026, 11, 16, 9, tzinfo=timezone(timedelta(hours=8))))
    assert clock.now() == MONDAY
    assert clock.advance(timedelta(hours=23)).today() == date(2026, 11, 17)
    with pytest.raises(ValidationError, match="positive step"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValidationError, match="no time zone"):
        clock.set(datetime(2026, 11, 16, 9))
