"""``GET /api/v1/holders/{id}/reuse`` over a read model the projector filled from events.

A company holds a valid business license, an identity card copy checked at a window
(grade B) and a seal specimen it made itself (grade D), and a food license that has been
suspended; another company has only an uploaded copy of its identity card (grade C); a
person holds a license that has expired.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hub.api import Hooks, create_app
from hub.api.testing import AccessRecorder
from hub.db import create_engine_for
from hub.events import Event
from hub.events.base import IdentifierType, MaterialRef, TrustGrade
from hub.events.licenses import LicenseIssued, LicenseSuspended
from hub.events.materials import MaterialRegistered, MaterialReused
from hub.identifiers import generate_license_id
from hub.settings import load_settings
from projections.engine import Projector
from projections.processors.issuance import issuer_code

pytestmark = pytest.mark.integration

COMPANY = "91350200776049653A"
NEWCOMER = "91110000802100433B"
PERSON = "11010519491231002X"
TODAY = date(2026, 6, 1)
AT = datetime(2026, 3, 2, 2, tzinfo=UTC)
BUSINESS = generate_license_id("BUSINESSLICENSE", issuer_code("MR"), "2026AAAAAAAA")
FOOD = generate_license_id("FOODBUSINESSLICENSE", issuer_code("FD"), "2026BBBBBBBB")
HOTEL = generate_license_id("SPECIALTRADELICENSE", issuer_code("PS"), "2026CCCCCCCC")


def _license(license_id: str, kind: str, holder: str, **extra: Any) -> LicenseIssued:
    id_type = IdentifierType.RESIDENT_ID if holder == PERSON else IdentifierType.USCC
    fields: dict[str, Any] = {
        "source": "onewindow/casework",
        "occurred_at": AT,
        "license_id": license_id,
        "license_type": kind,
        "license_name": kind,
        "holder_id_type": id_type,
        "holder_id_number": holder,
        "holder_name": "鑫源0号贸易有限公司",
        "valid_from": date(2026, 3, 2),
        "version": 1,
    }
    return LicenseIssued(**(fields | extra))


def _material(holder: str, code: str, grade: TrustGrade) -> MaterialRegistered:
    return MaterialRegistered(
        source="onewindow/casework",
        occurred_at=AT,
        holder_id_type=IdentifierType.USCC,
        holder_id_number=holder,
        material=MaterialRef(code=code, name=code, content_hash="ab" * 32, trust_grade=grade),
    )


EVENTS: list[Event] = [
    _license(BUSINESS, "BUSINESS_LICENSE", COMPANY, issuer="MR"),
    _license(FOOD, "FOOD_BUSINESS_LICENSE", COMPANY, issuer="FD"),
    LicenseSuspended(
        source="sim/EB", occurred_at=AT, license_id=FOOD, authority="EB", reason="整改"
    ),
    _material(COMPANY, "ID_CARD_COPY", TrustGrade.B),
    _material(COMPANY, "SEAL_SPECIMEN", TrustGrade.D),
    MaterialReused(  # a reuse of what a license stood for leaves a row without a grade
        source="onewindow/casework",
        occurred_at=AT,
        holder_id_type=IdentifierType.USCC,
        holder_id_number=NEWCOMER,
        material_code="BUSINESS_LICENSE_COPY",
        content_hash="cd" * 32,
        trust_grade=TrustGrade.A,
        case_id="C-1",
        department="TAX",
    ),
    _material(NEWCOMER, "ID_CARD_COPY", TrustGrade.C),
    _license(HOTEL, "SPECIAL_TRADE_LICENSE", PERSON, issuer="PS", valid_until=date(2026, 5, 1)),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('reuse')) / 'read.db'}"
    projector = Projector(url)
    try:
        projector.apply(EVENTS)
    finally:
        projector.close()
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


@pytest.fixture
def accesses() -> AccessRecorder:
    return AccessRecorder()


@pytest.fixture
def client(engine: Engine, accesses: AccessRecorder) -> Iterator[TestClient]:
    app = create_app(load_settings(), engine, Hooks(access_sink=accesses, today=lambda: TODAY))
    yield TestClient(app)
    app.state.context.statistics.close()


def reuse(client: TestClient, holder: str, items: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/holders/{holder}/reuse", params={"items": items})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_holder_with_everything_on_file_is_told_nothing_is_needed(
    client: TestClient, accesses: AccessRecorder
) -> None:
    body = reuse(client, COMPANY, "PS-BA-001")
    assert body["still_needed"] == []
    held = {entry["material_code"]: entry for entry in body["held"]}
    assert held["BUSINESS_LICENSE_COPY"] == {
        "material_code": "BUSINESS_LICENSE_COPY",
        "material_name": "营业执照副本复印件",
        "kind": "license",
        "license_id": BUSINESS,
        "content_hash": None,
        "trust_grade": "A",
        "source_department": "MR",
        "items": ["PS-BA-001"],
    }
    assert (held["ID_CARD_COPY"]["kind"], held["ID_CARD_COPY"]["trust_grade"]) == ("material", "B")
    assert held["SEAL_SPECIMEN"]["trust_grade"] == "D"
    assert [(a.subject_id_number, a.resource) for a in accesses] == [
        (COMPANY, f"/api/v1/holders/{COMPANY}/reuse")
    ]


def test_a_suspended_license_and_a_missing_form_are_still_needed(client: TestClient) -> None:
    body = reuse(client, COMPANY, "FD-XK-002")
    needed = {entry["material_code"]: entry for entry in body["still_needed"]}
    assert set(needed) == {"APPLICATION_FORM", "FOOD_BUSINESS_LICENSE_COPY"}
    assert needed["FOOD_BUSINESS_LICENSE_COPY"]["min_grade"] == "A"
    assert [entry["material_code"] for entry in body["held"]] == ["BUSINESS_LICENSE_COPY"]


def test_a_copy_below_the_grade_an_item_asks_for_is_still_needed(client: TestClient) -> None:
    body = reuse(client, NEWCOMER, "PS-BA-001,TAX-DJ-001")
    needed = {entry["material_code"]: entry for entry in body["still_needed"]}
    assert needed["ID_CARD_COPY"] == {
        "material_code": "ID_CARD_COPY",
        "material_name": "身份证复印件",
        "essential": True,
        "min_grade": "B",
        "items": ["PS-BA-001", "TAX-DJ-001"],
    }
    assert body["held"] == []


def test_an_expired_license_is_not_held_and_a_person_is_masked(client: TestClient) -> None:
    body = reuse(client, PERSON, "PS-XK-001")
    assert body["holder"]["id_number"] != PERSON
    assert "SPECIAL_TRADE_LICENSE" not in {entry["material_code"] for entry in body["held"]}
    assert body["day"] == TODAY.isoformat()


@pytest.mark.parametrize(
    ("holder", "items", "named"),
    [
        ("91350200776049653B", "PS-BA-001", "91350200776049653B"),
        (COMPANY, "PS-BA-001,XX-XK-999", "unknown item code 'XX-XK-999'"),
        (COMPANY, " , ", "items: name at least one item code"),
    ],
)
def test_bad_input_is_a_400_naming_the_problem(
    client: TestClient, accesses: AccessRecorder, holder: str, items: str, named: str
) -> None:
    answer = client.get(f"/api/v1/holders/{holder}/reuse", params={"items": items})
    assert answer.status_code == 400
    assert named in answer.json()["detail"]
    assert list(accesses) == [], "nothing was disclosed, so nothing is recorded"


def test_the_items_parameter_is_required(client: TestClient) -> None:
    answer = client.get(f"/api/v1/holders/{COMPANY}/reuse")
    assert answer.status_code == 400
    assert "items" in answer.json()["detail"]
