"""The processors on PostgreSQL: a whole company opening, then the whole log replayed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy

from hub.catalogue import load_catalogue
from hub.clock import ManualClock
from hub.db import create_engine_for
from hub.events import Event
from hub.events.applications import ApplicationSubmitted, Channel
from hub.events.base import IdentifierType, MaterialRef, TrustGrade
from hub.events.cases import CaseCompleted, CaseOutcome
from hub.events.deadlines import DeadlineOverdue
from hub.events.licenses import LicenseIssued
from hub.events.tasks import TaskApproved, TaskDispatched
from hub.workdays import load_calendar
from projections.processors import build_processors
from projections.processors.testing import LoopbackLog

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

MONDAY = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
CODES = (
    "APPLICATION_FORM",
    "ID_CARD_COPY",
    "ARTICLES_OF_ASSOCIATION",
    "LEASE_CONTRACT",
    "POWER_OF_ATTORNEY",
    "SEAL_SPECIMEN",
)


def _submission() -> ApplicationSubmitted:
    handed = tuple(
        MaterialRef(
            code=code,
            name=code.lower(),
            content_hash=hashlib.sha256(code.encode()).hexdigest(),
            trust_grade=TrustGrade.B,
        )
        for code in CODES
    )
    return ApplicationSubmitted(
        source="window",
        occurred_at=MONDAY,
        case_id="PG-1",
        applicant_id_type=IdentifierType.USCC,
        applicant_id_number="91350200776049653A",
        applicant_name="Example Co.",
        item_codes=(),
        bundle_code="COMPANY_OPENING",
        materials=handed,
        channel=Channel.ONLINE,
    )


def _approval(task: TaskDispatched, at: datetime) -> TaskApproved:
    return TaskApproved(
        source=task.department,
        occurred_at=at,
        case_id=task.case_id,
        task_id=task.task_id,
        department=task.department,
        officer="officer-1",
        commitment_based=False,
        working_days_used=4,
    )


def _state(engine: sqlalchemy.Engine) -> dict[str, int]:
    names = [n for n in sqlalchemy.inspect(engine).get_table_names() if n.startswith("proc_")]
    with engine.connect() as conn:
        return {
            n: conn.execute(sqlalchemy.text(f'SELECT count(*) FROM "{n}"')).scalar_one()
            for n in names
        }


@pytest.fixture
def engine(postgres_url: str) -> Iterator[sqlalchemy.Engine]:
    """An engine on a fresh PostgreSQL database, disposed of afterwards."""
    created = create_engine_for(postgres_url)
    yield created
    created.dispose()


def test_a_company_opening_completes_on_postgresql_and_a_replay_changes_nothing(
    engine: sqlalchemy.Engine,
) -> None:
    clock = ManualClock(MONDAY)
    log = LoopbackLog(build_processors(engine, load_catalogue(), load_calendar()), clock)
    tasks = [e for e in log.feed(_submission()) if isinstance(e, TaskDispatched)]
    clock.advance(timedelta(days=4))  # Friday: the one-day items are past their promise
    overdue = [e for e in log.tick() if isinstance(e, DeadlineOverdue)]
    caused = log.feed(*(_approval(task, clock.now()) for task in tasks))

    assert len(tasks) == 6
    assert {o.task_id for o in overdue} == {t.task_id for t in tasks if t.promised_days < 4}
    (completed,) = [e for e in caused if isinstance(e, CaseCompleted)]
    assert (completed.outcome, completed.working_days) == (CaseOutcome.APPROVED, 4)
    assert [e.license_type for e in caused if isinstance(e, LicenseIssued)] == ["BUSINESS_LICENSE"]

    state = _state(engine)
    delivered = {e.event_id for e in log.delivered}
    for processor in log.processors:
        mine: list[Event] = [e for e in log.delivered if e.topic in processor.topics]
        replayed = processor.handle(mine, clock.now() + timedelta(days=30))
        assert {e.event_id for e in replayed} <= delivered
    assert _state(engine) == state
