"""The shipped catalogue: it loads, carries every workflow of domain.md, answers lookups."""

from __future__ import annotations

from itertools import islice

import pytest

from hub.catalogue import (
    BreachAction,
    Catalogue,
    ItemCategory,
    ProjectStage,
    TrustGrade,
    load_catalogue,
)
from hub.errors import UnknownItemError, ValidationError
from projections.testing import event_stream


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def departments(catalogue: Catalogue, bundle: str) -> set[str]:
    return {item.department.code for item in catalogue.expand([], bundle)}


def test_shipped_catalogue_is_versioned_and_sized_for_the_workflows(catalogue: Catalogue) -> None:
    assert catalogue.version
    assert catalogue.effective_date.year >= 2026
    assert 25 <= len(catalogue.items) <= 60
    assert load_catalogue() is catalogue  # cached: loaded once per process


def test_generated_workflows_reach_twenty_departments() -> None:
    """The pipeline bench's stream: 20 departments, as windows or doing the tasks."""
    named = {
        getattr(event, name, None)
        for event in islice(event_stream(seed=2026, cases=2500), 10_000)
        for name in ("department", "window")
    }
    assert named - {None} == set(load_catalogue().departments)


def test_company_opening_reaches_the_five_departments(catalogue: Catalogue) -> None:
    assert catalogue.bundle("COMPANY_OPENING").window.code == "MR"
    assert departments(catalogue, "COMPANY_OPENING") == {"MR", "PS", "TAX", "BANK", "HRSS"}
    licenses = {
        i.license_type.code for i in catalogue.expand([], "COMPANY_OPENING") if i.license_type
    }
    assert licenses == {"BUSINESS_LICENSE"}  # seal, tax, bank and insurance end in records


def test_food_multi_certificate_bundle_is_one_joint_application(catalogue: Catalogue) -> None:
    assert catalogue.bundle("FOOD_BUSINESS_MULTI_CERT").window.code == "FD"
    assert {"FD", "HEALTH", "FIRE", "EB", "HC", "EE"} == departments(
        catalogue, "FOOD_BUSINESS_MULTI_CERT"
    )


def test_construction_project_runs_five_stages_each_with_a_lead(catalogue: Catalogue) -> None:
    stages = catalogue.stages("CONSTRUCTION_PROJECT")
    assert [s.name for s in stages] == list(ProjectStage)
    assert [s.lead.code for s in stages] == ["DRC", "NR", "NR", "HC", "HC"]
    land_use = {i.department.code for i in stages[1].items}
    assert {"NR", "EE"} <= land_use  # technical review in parallel with land acquisition
    assert len(departments(catalogue, "CONSTRUCTION_PROJECT")) >= 6


def test_property_registration_with_mortgage_is_joint(catalogue: Catalogue) -> None:
    assert departments(catalogue, "PROPERTY_MORTGAGE") == {"NR", "TAX", "HC", "BANK"}
    assert catalogue.stages("PROPERTY_MORTGAGE") == ()


def test_materials_are_shared_across_departments(catalogue: Catalogue) -> None:
    users = {
        i.department.code
        for i in catalogue.items.values()
        if i.requirement("BUSINESS_LICENSE_COPY")
    }
    assert len(users) >= 8
    business_copy = catalogue.materials["BUSINESS_LICENSE_COPY"]
    assert business_copy.license_type is not None
    assert business_copy.license_type.code == "BUSINESS_LICENSE"
    assert catalogue.materials["ID_CARD_COPY"].license_type is None


def test_every_item_keeps_its_promise_within_the_statutory_limit(catalogue: Catalogue) -> None:
    for item in catalogue.items.values():
        assert 0 < item.promised_days <= item.statutory_days, item.code


def test_commitment_items_name_their_supervisor_and_breach(catalogue: Catalogue) -> None:
    committed = [i for i in catalogue.items.values() if i.commitment_allowed]
    assert len(committed) >= 5
    assert any(i.supervision and i.supervision.department.code == "EB" for i in committed)
    assert {i.breach_action for i in committed} == {BreachAction.SUSPEND, BreachAction.REVOKE}
    assert all(i.category is not ItemCategory.CONTROLLED for i in committed)


def test_expand_deduplicates_in_stable_order(catalogue: Catalogue) -> None:
    codes = [i.code for i in catalogue.expand(["FD-XK-002", "MR-DJ-001"], "COMPANY_OPENING")]
    assert codes[0] == "MR-DJ-001"
    assert codes[-1] == "FD-XK-002"
    assert len(codes) == len(set(codes)) == 7


def test_unknown_codes_are_named(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownItemError, match="'XX-XK-999'"):
        catalogue.item("XX-XK-999")
    with pytest.raises(UnknownItemError, match="'OPEN_A_BAKERY'"):
        catalogue.expand([], "OPEN_A_BAKERY")


@pytest.mark.parametrize(
    ("item", "missing", "good_credit", "accepted"),
    [
        ("NR-DJ-001", [], False, True),
        ("HC-QR-002", ["DESIGN_DRAWINGS"], True, False),  # controlled: nothing missing
        ("FD-XK-001", ["FOOD_SAFETY_RULES"], True, True),  # cautious, good credit
        ("FD-XK-001", ["FOOD_SAFETY_RULES"], False, False),  # cautious, poor credit
        ("EB-XK-001", ["SIGNBOARD_DESIGN"], False, True),  # encouraged
        ("EB-XK-001", ["LEASE_CONTRACT"], True, False),  # essential is never missing
    ],
)
def test_gap_tolerance_follows_the_category(
    catalogue: Catalogue, item: str, missing: list[str], good_credit: bool, accepted: bool
) -> None:
    found = catalogue.item(item)
    assert catalogue.tolerates_missing(found, missing, good_credit) is accepted


def test_a_material_the_item_does_not_ask_for_is_an_error(catalogue: Catalogue) -> None:
    with pytest.raises(ValidationError, match="SALE_CONTRACT"):
        catalogue.tolerates_missing(catalogue.item("EB-XK-001"), ["SALE_CONTRACT"], True)


def test_trust_grade_requirements(catalogue: Catalogue) -> None:
    bank = catalogue.item("BANK-GG-001").requirement("BUSINESS_LICENSE_COPY")
    assert bank is not None
    assert bank.accepts(TrustGrade.A)
    assert not bank.accepts(TrustGrade.B)
    lease = catalogue.item("MR-DJ-001").requirement("LEASE_CONTRACT")
    assert lease is not None
    assert lease.accepts(TrustGrade.B)
    assert not lease.accepts(TrustGrade.D)
