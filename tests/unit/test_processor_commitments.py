"""Acceptance with a gap on commitment (容缺受理): fulfilment, or breach, credit and sanction."""

from __future__ import annotations

from datetime import date, timedelta

from test_processor_harness import COMPANY, Hub, material, materials, of, promise

from hub.clock import ManualClock
from hub.events import Event
from hub.events.applications import ApplicationRejected
from hub.events.base import MaterialRef
from hub.events.commitments import CommitmentBreached, CommitmentFulfilled
from hub.events.credit import CreditCause, CreditEffect, CreditRecorded
from hub.events.licenses import LicenseIssued, LicenseRevoked, LicenseSuspended
from hub.events.supervision import SupervisionRequested
from hub.events.tasks import SupplementProvided, TaskDispatched

FRIDAY = date(2026, 11, 20)
FOOD_WITHOUT_RULES = materials(
    "APPLICATION_FORM",
    "BUSINESS_LICENSE_COPY",
    "ID_CARD_COPY",
    "LEASE_CONTRACT",
    "SITE_PLAN",
    "EQUIPMENT_LAYOUT",
    "HEALTH_CERTIFICATE_COPY",
)
RULES = "FOOD_SAFETY_RULES"
HYGIENE_WITHOUT_REPORT = materials("BUSINESS_LICENSE_COPY", "SITE_PLAN", "HEALTH_CERTIFICATE_COPY")

Handed = tuple[MaterialRef, ...]


def _on_commitment(hub: Hub, case_id: str, item: str, handed: Handed, gap: str) -> TaskDispatched:
    caused = hub.submit(
        case_id, item_codes=(item,), materials=handed, commitments=(promise(gap, FRIDAY),)
    )
    (task,) = of(TaskDispatched, caused)
    assert task.commitment_based
    return task


def _licensed_on_commitment(
    hub: Hub, item: str = "FD-XK-001", handed: Handed = FOOD_WITHOUT_RULES, gap: str = RULES
) -> tuple[TaskDispatched, LicenseIssued, list[Event]]:
    task = _on_commitment(hub, "K-1", item, handed, gap)
    caused = hub.decide_all([task])
    (issued,) = of(LicenseIssued, caused)
    return task, issued, caused


def test_a_supplement_in_time_fulfils_the_commitment_and_nothing_follows(
    hub: Hub, clock: ManualClock
) -> None:
    task, _, _ = _licensed_on_commitment(hub)
    clock.advance(timedelta(days=2))
    rules = material("FOOD_SAFETY_RULES")
    caused = hub.feed(
        SupplementProvided(
            source="FD",
            occurred_at=clock.now(),
            case_id=task.case_id,
            task_id=task.task_id,
            materials=(rules,),
        )
    )
    (fulfilled,) = of(CommitmentFulfilled, caused)
    assert (fulfilled.commitment_id, fulfilled.content_hash) == (
        "K-1:FOOD_SAFETY_RULES",
        rules.content_hash,
    )

    clock.advance(timedelta(days=7))
    assert of(CommitmentBreached, hub.tick()) == []


def test_a_breach_records_negative_credit_and_revokes_the_license_granted_on_it(
    hub: Hub, clock: ManualClock
) -> None:
    _, issued, caused = _licensed_on_commitment(hub)
    (request,) = of(SupervisionRequested, caused)
    assert (request.license_id, request.commitment_based) == (issued.license_id, True)
    clock.advance(timedelta(days=4))  # Friday, the due day: still in time
    assert hub.tick() == []

    clock.advance(timedelta(days=1))
    fired = hub.tick()

    (breach,) = of(CommitmentBreached, fired)
    assert (breach.commitment_id, breach.due_date) == ("K-1:FOOD_SAFETY_RULES", FRIDAY)
    (credit,) = of(CreditRecorded, fired)
    assert (credit.subject_id_number, credit.effect, credit.cause) == (
        COMPANY,
        CreditEffect.WARNING,
        CreditCause.COMMITMENT_BREACH,
    )
    (revoked,) = of(LicenseRevoked, fired)
    assert (revoked.license_id, revoked.authority) == (issued.license_id, "FD")
    assert hub.tick() == []  # once per commitment


def test_a_breach_suspends_where_the_item_says_suspend(hub: Hub, clock: ManualClock) -> None:
    _, issued, _ = _licensed_on_commitment(
        hub, "HEALTH-XK-001", HYGIENE_WITHOUT_REPORT, "HYGIENE_INSPECTION_REPORT"
    )
    clock.advance(timedelta(days=5))
    (suspended,) = of(LicenseSuspended, hub.tick())
    assert suspended.license_id == issued.license_id


def test_a_license_issued_after_the_breach_is_revoked_when_it_arrives(
    hub: Hub, clock: ManualClock
) -> None:
    task = _on_commitment(hub, "K-2", "FD-XK-001", FOOD_WITHOUT_RULES, "FOOD_SAFETY_RULES")
    clock.advance(timedelta(days=5))
    assert of(CommitmentBreached, hub.tick())
    caused = hub.decide_all([task])
    (issued,) = of(LicenseIssued, caused)
    (revoked,) = of(LicenseRevoked, caused)
    assert revoked.license_id == issued.license_id


def test_after_a_breach_a_cautious_item_no_longer_accepts_a_gap(
    hub: Hub, clock: ManualClock
) -> None:
    _licensed_on_commitment(hub)
    clock.advance(timedelta(days=5))
    hub.tick()

    caused = hub.submit(
        "K-3",
        item_codes=("HEALTH-XK-001",),
        materials=HYGIENE_WITHOUT_REPORT,
        commitments=(promise("HYGIENE_INSPECTION_REPORT", FRIDAY + timedelta(days=10)),),
    )
    (rejected,) = of(ApplicationRejected, caused)
    assert "negative credit record" in rejected.detail
