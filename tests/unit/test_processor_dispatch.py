"""Dispatch: one submission, one task per department, reuse of what is on file, refusals."""

from __future__ import annotations

from datetime import date

import pytest
from test_processor_harness import (
    COMPANY,
    COMPANY_MATERIALS,
    FOOD_LICENSE,
    PERSON,
    Hub,
    material,
    materials,
    of,
    promise,
)

from hub.events.applications import ApplicationRejected, RejectionReason
from hub.events.base import IdentifierType, TrustGrade
from hub.events.commitments import CommitmentMade
from hub.events.credit import CreditCause, CreditEffect, CreditRecorded
from hub.events.licenses import LicenseIssued
from hub.events.materials import MaterialRegistered, MaterialReused
from hub.events.tasks import TaskDispatched
from hub.identifiers import validate_license_id

FOOD_MATERIALS = FOOD_LICENSE + materials(
    "HYGIENE_INSPECTION_REPORT",
    "SIGNBOARD_DESIGN",
    "FIRE_SAFETY_SELF_ASSESSMENT",
    "FIRE_TEST_REPORT",
    "DRAINAGE_PLAN",
    "EIA_REGISTRATION_FORM",
)


def test_opening_a_company_dispatches_every_department_in_parallel_with_due_dates(
    hub: Hub,
) -> None:
    caused = hub.submit("C-1", bundle_code="COMPANY_OPENING", materials=COMPANY_MATERIALS)

    tasks = of(TaskDispatched, caused)
    assert {t.department for t in tasks} == {"MR", "PS", "TAX", "BANK", "HRSS"}
    assert len(tasks) == 6
    registration = next(t for t in tasks if t.item_code == "MR-DJ-001")
    # Submitted Monday 16 November: 3 promised working days end Thursday, 15 statutory
    # working days end Monday 7 December.
    assert registration.promised_due_date == date(2026, 11, 19)
    assert registration.statutory_due_date == date(2026, 12, 7)
    assert {m.material.code for m in of(MaterialRegistered, caused)} == {
        m.code for m in COMPANY_MATERIALS
    }
    assert of(ApplicationRejected, caused) == []


def test_a_returning_applicant_is_asked_for_neither_its_license_nor_its_id_card(hub: Hub) -> None:
    first = hub.submit("C-1", bundle_code="COMPANY_OPENING", materials=COMPANY_MATERIALS)
    hub.decide_all(of(TaskDispatched, first))

    again = hub.submit(
        "C-2",
        bundle_code="COMPANY_OPENING",
        materials=materials(
            "APPLICATION_FORM",
            "ARTICLES_OF_ASSOCIATION",
            "LEASE_CONTRACT",
            "POWER_OF_ATTORNEY",
            "SEAL_SPECIMEN",
        ),
    )

    assert of(ApplicationRejected, again) == []
    reused = of(MaterialReused, again)
    assert {r.material_code for r in reused} == {"BUSINESS_LICENSE_COPY", "ID_CARD_COPY"}
    bank = next(r for r in reused if r.department == "BANK" and r.material_code.startswith("BUS"))
    assert bank.trust_grade is TrustGrade.A  # the license on file, issued by the authority
    seal = next(t for t in of(TaskDispatched, again) if t.item_code == "PS-BA-001")
    assert set(seal.reused_material_codes) == {"BUSINESS_LICENSE_COPY", "ID_CARD_COPY"}
    assert len(reused) == 10  # one saved submission per item asking for either


def test_the_food_bundle_is_one_application_for_six_departments(hub: Hub) -> None:
    caused = hub.submit("F-1", bundle_code="FOOD_BUSINESS_MULTI_CERT", materials=FOOD_MATERIALS)

    tasks = of(TaskDispatched, caused)
    assert [t.item_code for t in tasks] == [
        "FD-XK-001",
        "HEALTH-XK-001",
        "FIRE-XK-001",
        "EB-XK-001",
        "HC-XK-001",
        "EE-BA-001",
    ]
    assert not any(t.commitment_based for t in tasks)

    licenses = of(LicenseIssued, hub.decide_all(tasks))
    assert len(licenses) == 5  # the record filing EE-BA-001 issues none
    assert {lic.holder_id_number for lic in licenses} == {COMPANY}
    assert all(validate_license_id(lic.license_id).valid for lic in licenses)


def test_a_missing_non_essential_material_is_accepted_on_a_signed_commitment(hub: Hub) -> None:
    without_rules = tuple(m for m in FOOD_MATERIALS if m.code != "FOOD_SAFETY_RULES")
    caused = hub.submit(
        "F-2",
        item_codes=("FD-XK-001",),
        materials=without_rules,
        commitments=(promise("FOOD_SAFETY_RULES", date(2026, 11, 30)),),
    )

    (made,) = of(CommitmentMade, caused)
    assert (made.material_code, made.due_date) == ("FOOD_SAFETY_RULES", date(2026, 11, 30))
    (task,) = of(TaskDispatched, caused)
    assert task.commitment_based


def _rejection(hub: Hub, case_id: str = "R-1", **fields: object) -> ApplicationRejected:
    caused = hub.submit(case_id, **fields)
    (rejected,) = of(ApplicationRejected, caused)
    assert of(TaskDispatched, caused) == []
    return rejected


def test_an_unknown_item_code_is_rejected_naming_it(hub: Hub) -> None:
    rejected = _rejection(hub, item_codes=("MR-DJ-999",))
    assert rejected.reason is RejectionReason.UNKNOWN_ITEM
    assert "MR-DJ-999" in rejected.detail


def test_an_identifier_of_the_wrong_type_is_rejected_naming_the_field(hub: Hub) -> None:
    rejected = _rejection(
        hub,
        item_codes=("PS-BA-001",),
        applicant_id_type=IdentifierType.RESIDENT_ID,
        applicant_id_number=COMPANY,
    )
    assert rejected.reason is RejectionReason.INVALID_IDENTIFIER
    assert "applicant_id_number" in rejected.detail


def test_a_missing_essential_material_is_rejected_naming_item_and_material(hub: Hub) -> None:
    rejected = _rejection(
        hub,
        item_codes=("PS-BA-001",),
        materials=materials("BUSINESS_LICENSE_COPY", "SEAL_SPECIMEN"),
    )
    assert rejected.reason is RejectionReason.MISSING_ESSENTIAL_MATERIAL
    assert "PS-BA-001" in rejected.detail
    assert "ID_CARD_COPY" in rejected.detail


def test_a_material_below_the_required_grade_counts_as_missing(hub: Hub) -> None:
    rejected = _rejection(
        hub,
        item_codes=("HRSS-DJ-001",),
        materials=(material("BUSINESS_LICENSE_COPY"), material("ID_CARD_COPY", TrustGrade.C)),
    )
    assert rejected.reason is RejectionReason.MISSING_ESSENTIAL_MATERIAL
    assert "ID_CARD_COPY (grade B)" in rejected.detail


def test_a_gap_without_a_signed_commitment_is_rejected(hub: Hub) -> None:
    rejected = _rejection(
        hub, item_codes=("PS-BA-001",), materials=materials("BUSINESS_LICENSE_COPY", "ID_CARD_COPY")
    )
    assert rejected.reason is RejectionReason.INVALID_FORM
    assert "SEAL_SPECIMEN" in rejected.detail


def test_a_commitment_due_on_the_day_of_submission_is_rejected(hub: Hub) -> None:
    rejected = _rejection(
        hub,
        item_codes=("PS-BA-001",),
        materials=materials("BUSINESS_LICENSE_COPY", "ID_CARD_COPY"),
        commitments=(promise("SEAL_SPECIMEN", date(2026, 11, 16)),),
    )
    assert rejected.reason is RejectionReason.INVALID_FORM
    assert "2026-11-16" in rejected.detail


def test_a_controlled_item_accepts_no_gap_even_with_a_commitment(hub: Hub) -> None:
    rejected = _rejection(
        hub,
        item_codes=("HC-QR-002",),
        materials=materials("FIRE_TEST_REPORT", "COMPLETION_REPORT"),
        commitments=(promise("DESIGN_DRAWINGS", date(2026, 12, 1)),),
    )
    assert rejected.reason is RejectionReason.INVALID_FORM
    assert "CONTROLLED" in rejected.detail


@pytest.mark.parametrize(
    ("effect", "accepted"), [(CreditEffect.GREEN_LIGHT, True), (CreditEffect.BLACKLIST, False)]
)
def test_a_cautious_item_accepts_a_gap_only_with_good_credit(
    hub: Hub, effect: CreditEffect, accepted: bool
) -> None:
    hub.feed(
        CreditRecorded(
            source="credit-office",
            subject_id_type=IdentifierType.RESIDENT_ID,
            subject_id_number=PERSON,
            subject_name="Zhang San",
            effect=effect,
            cause=CreditCause.GOOD_STANDING if accepted else CreditCause.FALSE_MATERIAL,
            reason="record",
        )
    )
    caused = hub.submit(
        "H-1",
        applicant_id_type=IdentifierType.RESIDENT_ID,
        applicant_id_number=PERSON,
        item_codes=("HEALTH-XK-001",),
        materials=materials("BUSINESS_LICENSE_COPY", "SITE_PLAN", "HEALTH_CERTIFICATE_COPY"),
        commitments=(promise("HYGIENE_INSPECTION_REPORT", date(2026, 11, 27)),),
    )
    assert bool(of(TaskDispatched, caused)) is accepted
    assert bool(of(ApplicationRejected, caused)) is not accepted


def test_a_second_submission_under_a_case_id_in_use_is_rejected(hub: Hub) -> None:
    hub.submit("C-1", bundle_code="COMPANY_OPENING", materials=COMPANY_MATERIALS)
    rejected = _rejection(hub, case_id="C-1", item_codes=("HRSS-DJ-001",))
    assert rejected.reason is RejectionReason.INVALID_FORM
    assert "'C-1' was submitted already" in rejected.detail
