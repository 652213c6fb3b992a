"""Unified issuance: a case completes once, issues its licenses together, opens the next stage."""

from __future__ import annotations

from datetime import date, timedelta

from test_processor_harness import (
    COMPANY,
    COMPANY_MATERIALS,
    FOOD_LICENSE,
    PERSON,
    Hub,
    materials,
    of,
)

from hub.clock import ManualClock
from hub.events import Event
from hub.events.applications import ApplicationRejected, ApplicationSubmitted, ProjectStage
from hub.events.base import IdentifierType, MaterialRef, TrustGrade
from hub.events.cases import CaseCompleted, CaseOutcome, CaseWithdrawn
from hub.events.licenses import LicenseChanged, LicenseIssued, LicenseRenewed
from hub.events.materials import MaterialReused
from hub.events.supervision import SupervisionRequested
from hub.events.tasks import TaskDispatched
from hub.identifiers import generate_license_id, parse_license_id
from projections.processors.issuance import issuer_code

PROJECT_MATERIALS = materials(
    "APPLICATION_FORM",
    "BUSINESS_LICENSE_COPY",
    "PROJECT_PROPOSAL",
    "SITE_PLAN",
    "LAND_TRANSFER_CONTRACT",
    "EIA_REPORT",
    "WATER_SOIL_PLAN",
)


def test_a_case_completes_once_every_task_is_approved_and_issues_its_license(
    hub: Hub, clock: ManualClock
) -> None:
    tasks = of(
        TaskDispatched,
        hub.submit("C-1", bundle_code="COMPANY_OPENING", materials=COMPANY_MATERIALS),
    )
    clock.advance(timedelta(days=2))
    assert hub.decide_all(tasks[:-1]) == []  # nothing issues while one task is open

    caused = hub.decide_all(tasks[-1:])
    (completed,) = of(CaseCompleted, caused)
    assert completed.outcome is CaseOutcome.APPROVED
    assert set(completed.approved_task_ids) == {t.task_id for t in tasks}
    assert completed.working_days == 2
    (business_license,) = of(LicenseIssued, caused)
    assert business_license.license_type == "BUSINESS_LICENSE"
    assert business_license.holder_id_number == COMPANY
    parsed = parse_license_id(business_license.license_id)
    assert (parsed.type_code, parsed.issuer_code, parsed.version) == (
        "BUSINESSLICENSE",
        issuer_code("MR"),
        1,
    )
    requests = of(SupervisionRequested, caused)
    assert {(r.department, r.commitment_based) for r in requests} == {("EB", False), ("TAX", False)}


def test_a_rejected_task_completes_the_case_partially_and_issues_nothing_for_it(hub: Hub) -> None:
    tasks = of(
        TaskDispatched,
        hub.submit("C-1", bundle_code="COMPANY_OPENING", materials=COMPANY_MATERIALS),
    )
    registration = [t for t in tasks if t.item_code == "MR-DJ-001"]
    hub.decide_all(registration, approve=False)
    caused = hub.decide_all([t for t in tasks if t.item_code != "MR-DJ-001"])

    (completed,) = of(CaseCompleted, caused)
    assert completed.outcome is CaseOutcome.PARTIALLY_APPROVED
    assert completed.rejected_task_ids == (registration[0].task_id,)
    assert of(LicenseIssued, caused) == []


def test_every_task_rejected_completes_the_case_as_rejected(hub: Hub) -> None:
    tasks = of(TaskDispatched, hub.submit("C-1", bundle_code="FOOD_BUSINESS_MULTI_CERT"))
    assert tasks == []  # nothing handed in: the window turned it away
    tasks = of(
        TaskDispatched,
        hub.submit(
            "C-2",
            item_codes=("HRSS-DJ-001",),
            materials=materials("BUSINESS_LICENSE_COPY", "ID_CARD_COPY"),
        ),
    )
    (completed,) = of(CaseCompleted, hub.decide_all(tasks, approve=False))
    assert completed.outcome is CaseOutcome.REJECTED


def test_a_staged_project_opens_its_next_stage_reusing_the_license_stage_one_issued(
    hub: Hub,
) -> None:
    first = hub.submit(
        "P-1", bundle_code="CONSTRUCTION_PROJECT", project_code="P-1", materials=PROJECT_MATERIALS
    )
    stage_one = of(TaskDispatched, first)
    assert [t.item_code for t in stage_one] == ["DRC-BA-001", "NR-XK-001"]

    caused = hub.decide_all(stage_one)

    (opened,) = of(ApplicationSubmitted, caused)
    assert (opened.case_id, opened.stage, opened.window) == (
        "P-1/LAND_USE",
        ProjectStage.LAND_USE,
        "NR",
    )
    stage_two = of(TaskDispatched, caused)
    assert [t.item_code for t in stage_two] == ["NR-XK-002", "EE-XK-001", "WATER-XK-001"]
    assert all(t.case_id == "P-1/LAND_USE" for t in stage_two)
    site_opinion = next(
        lic for lic in of(LicenseIssued, caused) if lic.license_type == "SITE_SELECTION_OPINION"
    )
    reused = [
        r for r in of(MaterialReused, caused) if r.material_code == "SITE_SELECTION_OPINION_COPY"
    ]
    assert {r.department for r in reused} == {"NR", "EE", "WATER"}
    assert all(r.case_id == "P-1/LAND_USE" for r in reused)
    assert site_opinion.case_id == "P-1"


def test_a_stage_that_needs_a_material_not_on_file_is_turned_away_naming_it(hub: Hub) -> None:
    handed = tuple(m for m in PROJECT_MATERIALS if m.code != "LAND_TRANSFER_CONTRACT")
    first = hub.submit("P-2", bundle_code="CONSTRUCTION_PROJECT", materials=handed)
    caused = hub.decide_all(of(TaskDispatched, first))
    (rejected,) = of(ApplicationRejected, caused)
    assert rejected.case_id == "P-2/LAND_USE"
    assert "LAND_TRANSFER_CONTRACT" in rejected.detail


def _decided(
    hub: Hub, case_id: str, item: str, address: str, handed: tuple[MaterialRef, ...]
) -> list[Event]:
    tasks = of(
        TaskDispatched,
        hub.submit(case_id, item_codes=(item,), materials=handed, form_fields={"address": address}),
    )
    return hub.decide_all(tasks)


def test_renewal_and_change_produce_next_versions_linked_to_their_predecessor(hub: Hub) -> None:
    form = materials("APPLICATION_FORM")
    (issued,) = of(LicenseIssued, _decided(hub, "F-1", "FD-XK-001", "1 Harbour Road", FOOD_LICENSE))
    (renewed,) = of(LicenseRenewed, _decided(hub, "F-2", "FD-XK-002", "1 Harbour Road", form))
    (changed,) = of(LicenseChanged, _decided(hub, "F-3", "FD-XK-003", "8 Hill Street", form))

    assert (renewed.predecessor_id, renewed.version) == (issued.license_id, 2)
    assert (changed.predecessor_id, changed.version) == (renewed.license_id, 3)
    assert changed.changed_fields == ("address",)
    lineage = parse_license_id(issued.license_id).lineage
    assert parse_license_id(changed.license_id).lineage == lineage
    assert renewed.valid_until is not None


def test_property_transfer_with_mortgage_is_one_case_reusing_the_title_on_file(hub: Hub) -> None:
    title = LicenseIssued(
        source="NR",
        license_id=generate_license_id("PROPERTYCERTIFICATE", issuer_code("NR"), "2019000042"),
        license_type="PROPERTY_CERTIFICATE",
        license_name="不动产权证书",
        holder_id_type=IdentifierType.RESIDENT_ID,
        holder_id_number=PERSON,
        holder_name="Zhang San",
        issuer="NR",
        valid_from=date(2019, 5, 6),
        version=1,
    )
    hub.feed(title)
    handed = (
        *materials("SALE_CONTRACT", "ID_CARD_COPY", "INCOME_PROOF", "MARRIAGE_CERTIFICATE_COPY"),
        *materials("MORTGAGE_CONTRACT", "LOAN_CONTRACT"),
        *materials("TAX_PAYMENT_PROOF", grade=TrustGrade.A),
    )
    submitted = hub.submit(
        "M-1",
        applicant_id_type=IdentifierType.RESIDENT_ID,
        applicant_id_number=PERSON,
        bundle_code="PROPERTY_MORTGAGE",
        materials=handed,
    )

    tasks = of(TaskDispatched, submitted)
    assert {t.department for t in tasks} == {"HC", "TAX", "BANK", "NR"}
    reused = [r for r in of(MaterialReused, submitted) if r.material_code.startswith("PROPERTY")]
    assert len(reused) == 3  # the contract filing and both registrations
    caused = hub.decide_all(tasks)
    (completed,) = of(CaseCompleted, caused)
    assert completed.outcome is CaseOutcome.APPROVED
    mortgage = [e for e in of(LicenseIssued, caused) if e.license_type == "MORTGAGE_CERTIFICATE"]
    assert [m.holder_id_number for m in mortgage] == [PERSON]


def test_a_withdrawn_case_never_completes(hub: Hub) -> None:
    tasks = of(
        TaskDispatched,
        hub.submit("C-W", bundle_code="COMPANY_OPENING", materials=COMPANY_MATERIALS),
    )
    hub.feed(CaseWithdrawn(source="window", case_id="C-W", reason="changed plans"))
    assert of(CaseCompleted, hub.decide_all(tasks)) == []
