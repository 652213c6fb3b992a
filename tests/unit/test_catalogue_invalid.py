"""A malformed catalogue fails loudly, and the error names the entry and the field."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from hub.catalogue import build_catalogue, read_catalogue
from hub.errors import CatalogueError

MINIMAL = """
catalogue_version = "test.1"
effective_date = 2026-01-01

[[category]]
category = "CONTROLLED"
name = "controlled"
gap_tolerance = "NONE"
commitment_allowed = false

[[category]]
category = "CAUTIOUS"
name = "cautious"
gap_tolerance = "NON_ESSENTIAL_WITH_GOOD_CREDIT"
commitment_allowed = true

[[category]]
category = "ENCOURAGED"
name = "encouraged"
gap_tolerance = "NON_ESSENTIAL"
commitment_allowed = true

[[department]]
code = "MR"
name = "市场监督管理局"
name_en = "Market Regulation"

[[department]]
code = "EB"
name = "综合执法局"
name_en = "Enforcement Bureau"

[[license_type]]
code = "BUSINESS_LICENSE"
name = "营业执照"
name_en = "Business license"

[[material]]
code = "ID_CARD_COPY"
name = "身份证复印件"
name_en = "ID card copy"

[[item]]
code = "MR-DJ-001"
name = "企业设立登记"
name_en = "Establishment registration"
department = "MR"
category = "ENCOURAGED"
statutory_days = 15
promised_days = 3
license_type = "BUSINESS_LICENSE"
commitment_allowed = true
breach_action = "REVOKE"
supervision = { department = "EB", mandatory = true, within_days = 10 }
stage = "LAND_USE"
stage_lead = true
requirements = [{ material = "ID_CARD_COPY", essential = true, min_grade = "B" }]

[[bundle]]
code = "ONE"
name = "一"
name_en = "One"
window = "MR"
items = ["MR-DJ-001"]
"""


@pytest.fixture
def raw() -> dict[str, Any]:
    return tomllib.loads(MINIMAL)


def item(raw: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = raw["item"][0]
    return found


def second_item(raw: dict[str, Any], **changes: Any) -> dict[str, Any]:
    other = copy.deepcopy(item(raw))
    other.update(code="MR-DJ-002", **changes)
    raw["item"].append(other)
    return other


def test_the_minimal_catalogue_is_valid(raw: dict[str, Any]) -> None:
    assert build_catalogue(raw).item("MR-DJ-001").department.code == "MR"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"department": "XX"}, r"item 'MR-DJ-001': field department: .*unknown department 'XX'"),
        ({"promised_days": 16}, r"item 'MR-DJ-001': .*promised_days 16 exceeds statutory_days"),
        ({"license_type": "NOPE"}, r"field license_type: .*unknown license type 'NOPE'"),
        ({"code": "MR-ZZ-001"}, r"item 'MR-ZZ-001': field code"),
        ({"code": "EB-DJ-001"}, r"code prefix does not match department 'MR'"),
        ({"category": "RELAXED"}, r"field category"),
        ({"breach_action": None}, r"commitment_allowed needs a breach_action"),
        ({"supervision": None}, r"commitment_allowed needs mandatory supervision"),
        ({"stage": "DEMOLITION"}, r"field stage"),
        ({"requirements": []}, r"field requirements"),
    ],
)
def test_bad_item_fields_are_named(
    raw: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    item(raw).update(change)
    for key in [k for k, v in change.items() if v is None]:
        del item(raw)[key]
    with pytest.raises(CatalogueError, match=message):
        build_catalogue(raw)


@pytest.mark.parametrize(
    ("requirement", "message"),
    [
        ({"material": "LEASE", "essential": True, "min_grade": "B"}, "unknown material 'LEASE'"),
        ({"material": "ID_CARD_COPY", "essential": True, "min_grade": "E"}, "min_grade"),
        ({"material": "ID_CARD_COPY", "min_grade": "B"}, "essential"),
    ],
)
def test_bad_requirements_are_named(
    raw: dict[str, Any], requirement: dict[str, Any], message: str
) -> None:
    item(raw)["requirements"] = [requirement]
    with pytest.raises(
        CatalogueError, match=rf"item 'MR-DJ-001': field requirements\.0\..*{message}"
    ):
        build_catalogue(raw)


def test_duplicate_item_code(raw: dict[str, Any]) -> None:
    raw["item"].append(copy.deepcopy(item(raw)))
    with pytest.raises(CatalogueError, match="item 'MR-DJ-001': duplicate code"):
        build_catalogue(raw)


def test_bundle_referring_to_an_unknown_item(raw: dict[str, Any]) -> None:
    raw["bundle"][0]["items"].append("MR-DJ-404")
    with pytest.raises(CatalogueError, match=r"bundle 'ONE': field items\.1: .*'MR-DJ-404'"):
        build_catalogue(raw)


def test_stage_without_lead_department(raw: dict[str, Any]) -> None:
    del item(raw)["stage_lead"]
    with pytest.raises(CatalogueError, match="stage LAND_USE needs exactly one lead"):
        build_catalogue(raw)


def test_stage_with_two_leads(raw: dict[str, Any]) -> None:
    second_item(raw)
    raw["bundle"][0]["items"].append("MR-DJ-002")
    with pytest.raises(CatalogueError, match=r"found \['MR-DJ-001', 'MR-DJ-002'\]"):
        build_catalogue(raw)


def test_bundle_mixing_staged_and_unstaged_items(raw: dict[str, Any]) -> None:
    second_item(raw, stage=None, stage_lead=False)
    del raw["item"][1]["stage"]
    raw["bundle"][0]["items"].append("MR-DJ-002")
    with pytest.raises(CatalogueError, match="mixes staged and unstaged"):
        build_catalogue(raw)


def test_commitment_on_a_controlled_item(raw: dict[str, Any]) -> None:
    item(raw)["category"] = "CONTROLLED"
    with pytest.raises(CatalogueError, match="category CONTROLLED does not allow"):
        build_catalogue(raw)


def test_missing_category_rule(raw: dict[str, Any]) -> None:
    raw["category"].pop()
    with pytest.raises(CatalogueError, match="ENCOURAGED"):
        build_catalogue(raw)


def test_missing_version(raw: dict[str, Any]) -> None:
    del raw["catalogue_version"]
    with pytest.raises(CatalogueError, match="catalogue_version"):
        build_catalogue(raw)


def test_unknown_field_is_rejected(raw: dict[str, Any]) -> None:
    item(raw)["promissed_days"] = 2
    with pytest.raises(CatalogueError, match="promissed_days"):
        build_catalogue(raw)


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "catalogue.toml"
    broken.write_text(MINIMAL.replace('department = "MR"', 'department = "TAX"'), encoding="utf-8")
    with pytest.raises(CatalogueError, match=rf"{broken}: item 'MR-DJ-001'.*'TAX'"):
        read_catalogue(broken)
    broken.write_text("catalogue_version = ", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid TOML"):
        read_catalogue(broken)
    with pytest.raises(CatalogueError, match="cannot read"):
        read_catalogue(tmp_path / "absent.toml")
