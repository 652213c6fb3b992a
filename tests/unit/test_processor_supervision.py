"""Post-approval supervision and the license life cycle in time: inspections and expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from test_processor_harness import COMPANY, Hub, materials, of, promise

from hub.clock import ManualClock
from hub.events import Event
from hub.events.applications import ApplicationRejected
from hub.events.credit import CreditCause, CreditEffect, CreditRecorded
from hub.events.licenses import LicenseExpired, LicenseIssued, LicenseRevoked, LicenseSuspended
from hub.events.supervision import InspectionRecorded, InspectionResult, SupervisionRequested
from hub.events.tasks import TaskDispatched

FOOD = (
    "APPLICATION_FORM",
    "BUSINESS_LICENSE_COPY",
    "ID_CARD_COPY",
    "LEASE_CONTRACT",
    "SITE_PLAN",
    "EQUIPMENT_LAYOUT",
    "HEALTH_CERTIFICATE_COPY",
)


def _food_license(hub: Hub, on_commitment: bool) -> SupervisionRequested:
    handed = FOOD if on_commitment else (*FOOD, "FOOD_SAFETY_RULES")
    promised = (promise("FOOD_SAFETY_RULES", date(2026, 12, 31)),) if on_commitment else ()
    submitted = hub.submit(
        "S-1", item_codes=("FD-XK-001",), materials=materials(*handed), commitments=promised
    )
    (request,) = of(SupervisionRequested, hub.decide_all(of(TaskDispatched, submitted)))
    assert (request.department, request.commitment_based) == ("EB", on_commitment)
    assert request.due_date == date(2026, 11, 30)  # 10 working days to start the check
    return request


def _inspect(
    hub: Hub, request: SupervisionRequested, result: InspectionResult, **extra: object
) -> list[Event]:
    return hub.feed(
        InspectionRecorded(
            source="EB",
            license_id=request.license_id,
            supervision_id=request.supervision_id,
            department=request.department,
            inspector="inspector-7",
            result=result,
            findings="kitchen not as declared",
            **extra,
        )
    )


def test_a_failed_inspection_of_a_commitment_revokes_and_blacklists(hub: Hub) -> None:
    request = _food_license(hub, on_commitment=True)
    caused = _inspect(hub, request, InspectionResult.FAILED)

    (revoked,) = of(LicenseRevoked, caused)
    assert (revoked.license_id, revoked.authority) == (request.license_id, "EB")
    (credit,) = of(CreditRecorded, caused)
    assert (credit.subject_id_number, credit.effect, credit.cause) == (
        COMPANY,
        CreditEffect.BLACKLIST,
        CreditCause.FALSE_MATERIAL,
    )
    assert credit.license_id == request.license_id


def test_a_failed_ordinary_inspection_revokes_with_a_warning(hub: Hub) -> None:
    caused = _inspect(hub, _food_license(hub, on_commitment=False), InspectionResult.FAILED)
    (credit,) = of(CreditRecorded, caused)
    assert (credit.effect, credit.cause) == (CreditEffect.WARNING, CreditCause.INSPECTION_FAILED)
    assert len(of(LicenseRevoked, caused)) == 1


def test_a_rectification_suspends_until_its_date_and_a_pass_changes_nothing(hub: Hub) -> None:
    request = _food_license(hub, on_commitment=False)
    assert _inspect(hub, request, InspectionResult.PASSED) == []
    caused = _inspect(
        hub, request, InspectionResult.RECTIFICATION_REQUIRED, rectify_by=date(2027, 1, 15)
    )
    (suspended,) = caused
    assert isinstance(suspended, LicenseSuspended)
    assert suspended.until == date(2027, 1, 15)


def test_a_license_expires_once_after_its_last_valid_day_and_is_no_longer_reused(
    hub: Hub, clock: ManualClock
) -> None:
    submitted = hub.submit(
        "S-1", item_codes=("FD-XK-001",), materials=materials(*FOOD, "FOOD_SAFETY_RULES")
    )
    (issued,) = of(LicenseIssued, hub.decide_all(of(TaskDispatched, submitted)))
    assert issued.valid_until == date(2031, 11, 16)
    clock.set(datetime(2031, 11, 16, 12, tzinfo=UTC))
    assert of(LicenseExpired, hub.tick()) == []

    clock.advance(timedelta(days=1))
    (expired,) = of(LicenseExpired, hub.tick())
    assert (expired.license_id, expired.valid_until) == (issued.license_id, date(2031, 11, 16))
    assert hub.tick() == []

    renewal = hub.submit("S-2", item_codes=("FD-XK-002",), materials=materials("APPLICATION_FORM"))
    (rejected,) = of(ApplicationRejected, renewal)
    assert "FOOD_BUSINESS_LICENSE_COPY" in rejected.detail


def test_a_suspended_license_is_reused_again_after_its_last_suspended_day(
    hub: Hub, clock: ManualClock
) -> None:
    request = _food_license(hub, on_commitment=False)
    rectify = InspectionResult.RECTIFICATION_REQUIRED
    _inspect(hub, request, rectify, rectify_by=date(2026, 12, 4))
    change = {"item_codes": ("FD-XK-003",), "materials": materials("APPLICATION_FORM")}

    suspended = hub.submit("S-2", **change)
    clock.set(datetime(2026, 12, 5, 1, tzinfo=UTC))
    lifted = hub.submit("S-3", **change)

    assert "FOOD_BUSINESS_LICENSE_COPY" in of(ApplicationRejected, suspended)[0].detail
    assert of(ApplicationRejected, lifted) == []
