"""The read models a data officer queries, built from the company-opening workflow and a
license's life cycle, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hub.events.applications import (
    ApplicationRejected,
    ApplicationSubmitted,
    Channel,
    RejectionReason,
)
from hub.events.base import Event, IdentifierType, ItemCategory, MaterialRef, TrustGrade
from hub.events.cases import CaseCompleted, CaseOutcome, CaseRated
from hub.events.deadlines import ClockKind, DeadlineOverdue, DeadlineWarned
from hub.events.licenses import LicenseChanged, LicenseIssued, LicenseRevoked, LicenseSuspended
from hub.events.tasks import (
    SupplementProvided,
    SupplementRequested,
    TaskAccepted,
    TaskApproved,
    TaskDispatched,
    TaskHandledOnBehalf,
)
from hub.identifiers.license import generate_license_id, next_version
from hub.queries.cases import find_case
from projections.engine import Projector
from projections.tables import cases, license_history, licenses, processed_events, tasks

pytestmark = pytest.mark.integration

COMPANY = "91350200776049653A"
MR_CODE = "691201087BX41FJJ8F"  # a valid credit code standing for the MR bureau
CASE = "C-2026-0001"
MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
ITEMS = {"MR": "MR-DJ-001", "PS": "PS-BA-001", "TAX": "TAX-DJ-001", "BANK": "BANK-GG-001"}
ITEMS["HRSS"] = "HRSS-DJ-001"
REUSED = {"PS": ("ID_CARD_COPY",), "BANK": ("ID_CARD_COPY", "POWER_OF_ATTORNEY")}
BUSINESS_LICENSE = generate_license_id("BUSINESSLICENSE", MR_CODE, "2026000001")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def projector(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Projector]:
    """A projector on a fresh SQLite file or PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'read.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    projector = Projector(url)
    yield projector
    projector.close()


def at(hours: float) -> datetime:
    return MONDAY + timedelta(hours=hours)


def _material(code: str) -> MaterialRef:
    return MaterialRef(code=code, name=code, content_hash="ab" * 32, trust_grade=TrustGrade.B)


def _task(department: str) -> dict[str, str]:
    return {"case_id": CASE, "task_id": f"{CASE}-{department}"}


def company_opening() -> list[Event]:
    """One submission at the MR window fanned out to five departments, then closed."""
    events: list[Event] = [
        ApplicationSubmitted(
            source="window",
            occurred_at=at(0),
            case_id=CASE,
            applicant_id_type=IdentifierType.USCC,
            applicant_id_number=COMPANY,
            applicant_name="莱州鑫源贸易有限公司",
            item_codes=tuple(ITEMS.values()),
            bundle_code="COMPANY_OPENING",
            materials=(_material("APPLICATION_FORM"), _material("ARTICLES_OF_ASSOCIATION")),
            channel=Channel.COUNTER,
            window="MR",
        )
    ]
    for department, item in ITEMS.items():
        events.append(
            TaskDispatched(
                source="dispatcher",
                occurred_at=at(0.1),
                **_task(department),
                department=department,
                item_code=item,
                category=ItemCategory.ENCOURAGED,
                commitment_based=False,
                statutory_days=5,
                promised_days=3,
                statutory_due_date=date(2026, 3, 9),
                promised_due_date=date(2026, 3, 5),
                reused_material_codes=REUSED.get(department, ()),
            )
        )
    events += [
        TaskAccepted(source=d, occurred_at=at(1), **_task(d), department=d, officer=f"{d}-1")
        for d in ITEMS
    ]
    events += [
        SupplementRequested(
            source="TAX",
            occurred_at=at(2),
            **_task("TAX"),
            department="TAX",
            material_codes=("LEASE_CONTRACT",),
            reason="租赁合同页码不全",
        ),
        TaskHandledOnBehalf(
            source="center",
            occurred_at=at(3),
            **_task("BANK"),
            department="BANK",
            actor="帮办员-07",
            actor_organisation="莱州市政务服务中心",
            action="代为开户预约",
        ),
        SupplementProvided(
            source="window",
            occurred_at=at(50),  # Wednesday: the clock stood still on Tuesday and Wednesday
            **_task("TAX"),
            materials=(_material("LEASE_CONTRACT"),),
        ),
    ]
    events += [
        TaskApproved(
            source=d,
            occurred_at=at(52),
            **_task(d),
            department=d,
            officer=f"{d}-1",
            commitment_based=False,
            working_days_used=1,
        )
        for d in ITEMS
    ]
    return [
        *events,
        LicenseIssued(
            source="MR",
            occurred_at=at(53),
            license_id=BUSINESS_LICENSE,
            license_type="BUSINESS_LICENSE",
            license_name="营业执照",
            holder_id_type=IdentifierType.USCC,
            holder_id_number=COMPANY,
            holder_name="莱州鑫源贸易有限公司",
            issuer="MR",
            valid_from=date(2026, 3, 4),
            face_fields={"名称": "莱州鑫源贸易有限公司", "住所": "莱州市文化东路1号"},
            version=1,
            case_id=CASE,
        ),
        CaseCompleted(
            source="issuer",
            occurred_at=at(54),
            case_id=CASE,
            outcome=CaseOutcome.APPROVED,
            approved_task_ids=tuple(f"{CASE}-{d}" for d in ITEMS),
            working_days=2,
        ),
        CaseRated(source="window", occurred_at=at(60), case_id=CASE, score=5, comment="一次办好"),
    ]


def _rows(projector: Projector, query: Any) -> list[dict[str, Any]]:
    with projector.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def test_company_opening_gives_one_completed_case_with_five_approved_tasks(
    projector: Projector,
) -> None:
    events = company_opening()
    result = projector.apply(events)

    assert (result.applied, result.skipped, result.ignored) == (len(events), 0, 0)
    [case] = _rows(projector, cases.select().where(cases.c.applicant_id_number == COMPANY))
    assert case["status"] == "completed"
    assert (case["tasks_total"], case["tasks_approved"], case["tasks_rejected"]) == (5, 5, 0)
    assert case["license_ids"] == [BUSINESS_LICENSE]
    assert case["submissions_saved"] == 3
    assert (case["rating_score"], case["rating_comment"]) == (5, "一次办好")
    assert case["item_codes"] == list(ITEMS.values())


def test_company_opening_tasks_show_pause_and_help_desk(projector: Projector) -> None:
    projector.apply(company_opening())

    by_department = {
        row["department"]: row
        for row in _rows(projector, tasks.select().where(tasks.c.case_id == CASE))
    }
    assert {row["status"] for row in by_department.values()} == {"approved"}
    tax = by_department["TAX"]
    assert (tax["paused_working_days"], tax["paused_since"], tax["pause_reason"]) == (2, None, None)
    bank = by_department["BANK"]
    assert (bank["on_behalf_actor"], bank["on_behalf_organisation"]) == (
        "帮办员-07",
        "莱州市政务服务中心",
    )
    assert bank["reused_material_codes"] == ["ID_CARD_COPY", "POWER_OF_ATTORNEY"]
    assert by_department["MR"]["dispatched_on"] == date(2026, 3, 2)


def test_business_license_is_found_by_its_holder(projector: Projector) -> None:
    projector.apply(company_opening())

    held = _rows(projector, licenses.select().where(licenses.c.holder_id_number == COMPANY))
    assert [(row["license_id"], row["status"], row["version"]) for row in held] == [
        (BUSINESS_LICENSE, "valid", 1)
    ]
    assert held[0]["face_fields"]["住所"] == "莱州市文化东路1号"


def _life_cycle() -> list[Event]:
    issued = company_opening()[-3]
    assert isinstance(issued, LicenseIssued)
    changed_id = next_version(BUSINESS_LICENSE)
    values = issued.model_dump(exclude={"event_id", "occurred_at", "license_id", "face_fields"})
    values.update(version=2, predecessor_id=BUSINESS_LICENSE, source="MR")
    return [
        issued,
        LicenseChanged(
            **values,
            occurred_at=at(24 * 30),
            license_id=changed_id,
            face_fields={"名称": "莱州鑫源贸易有限公司", "住所": "莱州市府前东街9号"},
            changed_fields=("住所",),
        ),
        LicenseSuspended(
            source="MR",
            occurred_at=at(24 * 60),
            license_id=changed_id,
            authority="MR",
            reason="核查不合格",
            until=date(2026, 6, 1),
        ),
        LicenseRevoked(
            source="MR",
            occurred_at=at(24 * 70),
            license_id=changed_id,
            authority="MR",
            reason="承诺不实",
        ),
    ]


def test_license_life_cycle_keeps_every_version_and_step(projector: Projector) -> None:
    events = _life_cycle()
    for event in events:  # one batch per event, as a slow producer would deliver them
        projector.apply([event])

    changed_id = next_version(BUSINESS_LICENSE)
    held = {
        row["license_id"]: row
        for row in _rows(projector, licenses.select().where(licenses.c.holder_id_number == COMPANY))
    }
    assert held[BUSINESS_LICENSE]["superseded_by"] == changed_id
    assert held[BUSINESS_LICENSE]["status"] == "valid"
    current = held[changed_id]
    assert (current["status"], current["version"], current["predecessor_id"]) == (
        "revoked",
        2,
        BUSINESS_LICENSE,
    )
    assert current["status_reason"] == "承诺不实"
    steps = _rows(
        projector,
        select(license_history).order_by(license_history.c.occurred_at),
    )
    assert [(s["license_id"], s["event_name"], s["status_after"]) for s in steps] == [
        (BUSINESS_LICENSE, "LicenseIssued", "valid"),
        (changed_id, "LicenseChanged", "valid"),
        (changed_id, "LicenseSuspended", "suspended"),
        (changed_id, "LicenseRevoked", "revoked"),
    ]
    assert steps[1]["snapshot"]["face_fields"]["住所"] == "莱州市府前东街9号"
    assert steps[2]["snapshot"]["suspended_until"] == "2026-06-01"


def test_redelivered_license_event_changes_nothing(projector: Projector) -> None:
    events = _life_cycle()
    projector.apply(events)

    again = projector.apply([events[2]])

    assert (again.applied, again.skipped, again.rows) == (0, 1, 0)
    assert len(_rows(projector, select(license_history))) == 4
    assert len(_rows(projector, select(processed_events))) == 4 + 2  # changed+issued: case too


def test_a_rejected_case_shows_why_in_its_timeline(projector: Projector) -> None:
    why = "commitments: item MR-DJ-001 needs POWER_OF_ATTORNEY (grade D): missing"
    rejection = ApplicationRejected(
        source="window",
        occurred_at=at(0),
        case_id="C-2026-0002",
        applicant_id_type=IdentifierType.USCC,
        applicant_id_number=COMPANY,
        reason=RejectionReason.MISSING_ESSENTIAL_MATERIAL,
        detail=why,
    )
    projector.apply([rejection])

    with projector.engine.connect() as conn:
        case = find_case(conn, "C-2026-0002")
    assert case is not None
    assert case.status == "rejected"
    assert [(step.event, step.detail) for step in case.timeline] == [
        ("submitted", None),
        ("rejected", f"MISSING_ESSENTIAL_MATERIAL: {why}"),
    ]


def test_timeline_orders_the_steps_of_one_day_as_they_happen(projector: Projector) -> None:
    projector.apply(company_opening())

    with projector.engine.connect() as conn:
        case = find_case(conn, CASE)
    assert case is not None
    steps = [step.event for step in case.timeline]
    assert steps.index("submitted") < steps.index("dispatched") < steps.index("accepted")
    assert steps[-1] == "completed"
    assert [step.day for step in case.timeline] == sorted(step.day for step in case.timeline)


def test_timeline_shows_the_warning_and_overdue_steps_of_a_late_task(
    projector: Projector,
) -> None:
    opening = company_opening()
    undecided = [e for e in opening if not isinstance(e, TaskApproved | CaseCompleted)]
    clock = {"clock": ClockKind.PROMISED, "due_date": date(2026, 3, 5)}
    late = _task("TAX") | {"department": "TAX"} | clock
    projector.apply(undecided)
    with projector.engine.connect() as conn:
        before = find_case(conn, CASE)
    projector.apply(
        [
            DeadlineWarned(source="clock", occurred_at=at(40), **late, working_days_left=1),
            DeadlineOverdue(source="clock", occurred_at=at(80), **late, working_days_overdue=2),
        ]
    )

    with projector.engine.connect() as conn:
        case = find_case(conn, CASE)
    assert before is not None
    assert case is not None
    assert not {"warning", "overdue"} & {step.event for step in before.timeline}
    alerts = [(s.event, s.department, s.detail) for s in case.timeline if s.department == "TAX"]
    assert alerts[-2:] == [
        ("warning", "TAX", "promised limit 2026-03-05: 1 working days left"),
        ("overdue", "TAX", "promised limit 2026-03-05: 2 working days overdue"),
    ]
