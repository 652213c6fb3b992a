"""The API with the trust layer: tokens name the caller, agreements decide, seals are checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy import Engine, Row, select, update

from hub.api import Hooks, create_app
from hub.api.app import ROUTERS
from hub.api.deps import caller, disclosure
from hub.api.testing import AccessRecorder
from hub.db import create_engine_for
from hub.events.licenses import LicenseRevoked
from hub.identifiers import mask
from hub.settings import load_settings
from hub.trust.api import Trust, install_trust
from hub.trust.erasure import erase_person
from hub.trust.identities import Identities
from hub.trust.keystore import PersonKeys
from hub.trust.signing import LicenseSealer
from hub.trust.statuslist import bit_of, status_index, verify_proof
from projections.engine import Projector
from projections.tables import access_log, cases, licenses
from projections.testing import event_stream

pytestmark = pytest.mark.integration
OPERATIONAL = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc"}
PUBLIC_TRUST = {
    "/api/v1/status-lists/{purpose}",
    "/api/v1/status-lists/entries/{license_id}",
    "/api/v1/keys/{department}",
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trust")


@pytest.fixture(scope="module")
def engine(data_dir: Path) -> Iterator[Engine]:
    engine = create_engine_for(f"sqlite:///{data_dir / 'hub.db'}")
    events = list(event_stream(seed=11, cases=60))
    Projector(engine).apply(events)
    trust = Trust.from_settings(load_settings(data_dir=data_dir), engine)
    LicenseSealer(engine, trust.keys).handle(events, datetime.now(UTC))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def person(engine: Engine) -> Row[Any]:
    query = (
        select(cases.c.case_id, cases.c.applicant_id_number, cases.c.applicant_name)
        .join(licenses, licenses.c.holder_id_number == cases.c.applicant_id_number)
        .add_columns(licenses.c.license_id)
        .where(cases.c.applicant_id_type == "RESIDENT_ID", licenses.c.status == "valid")
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(query).one()


@pytest.fixture
def accesses() -> AccessRecorder:
    return AccessRecorder()


@pytest.fixture
def app(engine: Engine, data_dir: Path, accesses: AccessRecorder) -> FastAPI:
    settings = load_settings(data_dir=data_dir)
    base = create_app(settings, engine, Hooks(access_sink=accesses))
    return install_trust(base, Trust.from_settings(settings, engine))


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def token(engine: Engine, department: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {Identities(engine).create(department).secret}"}


def test_a_token_names_the_department_and_a_claimed_header_does_not(
    client: TestClient, engine: Engine, person: Row[Any], accesses: AccessRecorder
) -> None:
    url = f"/api/v1/cases/{person.case_id}"
    claimed = client.get(url, headers={"X-Onewindow-Department": "MR"})
    assert claimed.status_code == 403
    assert claimed.json()["detail"] == "no agreement lets department 'public' read 'cases'"
    headers = token(engine, "MR") | {"X-Onewindow-Purpose": "licensing"}
    shown = client.get(url, headers=headers)
    assert shown.json()["applicant"]["id_number"] == person.applicant_id_number
    assert [(event.department, event.purpose) for event in accesses] == [("MR", "licensing")]


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        ("Bearer owt_forged", "unknown bearer token"),
        ("Basic dXNlcjpwYXNz", "the Authorization header must be 'Bearer <token>'"),
    ],
)
def test_a_bad_credential_is_a_401_naming_why(
    client: TestClient, person: Row[Any], authorization: str, detail: str
) -> None:
    response = client.get(
        f"/api/v1/cases/{person.case_id}", headers={"Authorization": authorization}
    )
    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": detail}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(
    client: TestClient, engine: Engine, person: Row[Any]
) -> None:
    identities = Identities(engine)
    issued = identities.create("TAX")
    headers = {"Authorization": f"Bearer {issued.secret}", "X-Onewindow-Purpose": "licensing"}
    assert client.get(f"/api/v1/cases/{person.case_id}", headers=headers).status_code == 200
    identities.revoke(issued.record.token_id)
    refused = client.get(f"/api/v1/cases/{person.case_id}", headers=headers)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_fields_outside_the_agreement_are_masked(
    client: TestClient, engine: Engine, person: Row[Any]
) -> None:
    headers = token(engine, "BANK") | {"X-Onewindow-Purpose": "account opening"}
    holder = client.get(f"/api/v1/licenses/{person.license_id}", headers=headers).json()["holder"]
    assert holder == {
        "id_type": "RESIDENT_ID",
        "id_number": mask(person.applicant_id_number),
        "name": person.applicant_name,
    }
    wrong = headers | {"X-Onewindow-Purpose": "marketing"}
    refused = client.get(f"/api/v1/licenses/{person.license_id}", headers=wrong)
    assert refused.status_code == 403
    assert "'marketing'" in refused.json()["detail"]


def test_every_data_route_checks_the_token_and_the_agreement(
    app: FastAPI, client: TestClient, engine: Engine, person: Row[Any]
) -> None:
    every = [route for router in ROUTERS for route in router.routes]
    data = [r for r in every if isinstance(r, APIRoute) and r.path not in OPERATIONAL]
    assert len(data) >= 14
    served = set(app.openapi()["paths"]) - OPERATIONAL
    assert served == {route.path for route in data} | PUBLIC_TRUST | {"/api/v1/events"}
    assert all(_depends_on(route.dependant, disclosure) for route in data)
    assert all(_depends_on(route.dependant, caller) for route in data)
    assert app.dependency_overrides[caller] is not caller
    forged = {"Authorization": "Bearer owt_forged"}
    hc = token(engine, "HC") | {"X-Onewindow-Purpose": "licensing"}
    for route in data:
        url = _url(route, person)
        params = {"holder": person.applicant_id_number}
        assert client.get(url, headers=forged, params=params).status_code == 401, route.path
        answer = client.get(url, headers=hc, params=params)
        assert answer.status_code in {200, 403}, (route.path, answer.text)
        assert person.applicant_id_number not in answer.text, route.path


def test_who_used_my_data(client: TestClient, engine: Engine, person: Row[Any]) -> None:
    recorder = AccessRecorder()
    client.app.state.context.hooks.access_sink = recorder  # type: ignore[attr-defined]
    bank = token(engine, "BANK") | {
        "X-Onewindow-Purpose": "account opening",
        "X-Onewindow-Accessor": "bank-clerk-3",
    }
    client.get(f"/api/v1/licenses/{person.license_id}", headers=bank)
    Projector(engine, "access_log").apply(recorder)
    mr = token(engine, "MR") | {"X-Onewindow-Purpose": "licensing"}
    log = client.get(f"/api/v1/holders/{person.applicant_id_number}/access-log", headers=mr).json()
    entries = [(e["department"], e["accessor"], e["purpose"]) for e in log["items"]]
    assert ("BANK", "bank-clerk-3", "account opening") in entries
    with engine.connect() as conn:
        stored = conn.execute(select(access_log).where(access_log.c.accessor == "bank-clerk-3"))
        assert stored.first() is not None


def test_verification_checks_the_seal(client: TestClient, engine: Engine, person: Row[Any]) -> None:
    url = f"/api/v1/licenses/{person.license_id}/verification"
    answer = client.get(url).json()
    assert answer["signature"] == {
        "checked": True,
        "valid": True,
        "detail": "sealed by " + answer["issuer"],
        "holder_erased": False,
    }
    assert answer["valid_today"] is True
    with engine.begin() as conn:
        same = licenses.c.license_id == person.license_id
        original = conn.execute(select(licenses.c.license_name).where(same)).scalar_one()
        conn.execute(update(licenses).where(same).values(license_name=original + "!"))
    try:
        tampered = client.get(url).json()
    finally:
        with engine.begin() as conn:
            conn.execute(update(licenses).where(same).values(license_name=original))
    assert tampered["signature"]["valid"] is False
    assert tampered["signature"]["detail"] == "the signature does not match the license as stored"
    assert tampered["valid_today"] is False


def test_revoking_flips_the_bit_in_the_served_list(
    app: FastAPI, client: TestClient, engine: Engine, person: Row[Any]
) -> None:
    before = client.get("/api/v1/status-lists/revocation").json()
    with engine.connect() as conn:
        index = status_index(conn, person.license_id)
    assert index is not None
    assert bit_of(before, index) == 0
    revoked = LicenseRevoked(
        source="MR", license_id=person.license_id, authority="MR", reason="false materials"
    )
    Projector(engine, "license_store").apply([revoked])
    after = client.get("/api/v1/status-lists/revocation").json()
    assert bit_of(after, index) == 1
    assert after["id"].endswith("/api/v1/status-lists/revocation")
    assert verify_proof(after, app.state.trust.keys)
    assert client.get("/api/v1/status-lists/expiry").status_code == 400


def _depends_on(dependant: Any, target: object) -> bool:
    return any(sub.call is target or _depends_on(sub, target) for sub in dependant.dependencies)


def _url(route: APIRoute, person: Row[Any]) -> str:
    values = {"case_id": person.case_id, "license_id": person.license_id}
    return route.path.format(holder=person.applicant_id_number, **values)


def test_the_trust_setting_installs_it(engine: Engine, data_dir: Path, person: Row[Any]) -> None:
    settings = load_settings(data_dir=data_dir, api={"trust": True})
    client = TestClient(create_app(settings, engine, Hooks(access_sink=AccessRecorder())))
    refused = client.get(f"/api/v1/cases/{person.case_id}")
    assert refused.status_code == 403
    plain = TestClient(create_app(load_settings(data_dir=data_dir), engine))
    assert plain.get(f"/api/v1/cases/{person.case_id}").status_code == 200


def test_the_openapi_document_names_the_bearer_token(app: FastAPI) -> None:
    document = app.openapi()
    assert document["components"]["securitySchemes"]["department"]["scheme"] == "bearer"
    assert {"department": []} in document["security"]
    assert "/api/v1/events" in document["paths"]
    validate(document)


def test_a_verifier_finds_the_entries_and_the_keys(
    app: FastAPI, client: TestClient, person: Row[Any]
) -> None:
    entries = client.get(f"/api/v1/status-lists/entries/{person.license_id}").json()
    assert [entry["statusPurpose"] for entry in entries] == ["revocation", "suspension"]
    listed = client.get(entries[0]["statusListCredential"]).json()
    assert bit_of(listed, int(entries[0]["statusListIndex"])) in {0, 1}
    issuer = client.get(f"/api/v1/licenses/{person.license_id}/verification").json()["issuer"]
    key = client.get(f"/api/v1/keys/{issuer}").json()
    assert key["key_id"] == app.state.trust.keys.key_id(issuer)
    assert key["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert client.get("/api/v1/keys/..%2F..%2Fetc").status_code == 404
    assert client.get("/api/v1/keys/NOSUCH").status_code == 404
    assert client.get("/api/v1/status-lists/entries/NOPE").status_code == 404


def test_an_erased_holders_license_is_not_called_tampered(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'hub.db'}")
    events = list(event_stream(seed=11, cases=8))
    Projector(engine).apply(events)
    settings = load_settings(data_dir=tmp_path)
    trust = Trust.from_settings(settings, engine)
    LicenseSealer(engine, trust.keys).handle(events, datetime.now(UTC))
    held = select(licenses.c.license_id, licenses.c.holder_id_number).limit(1)
    with engine.connect() as conn:
        of_a_person = licenses.c.holder_id_type == "RESIDENT_ID"
        license_id, holder = conn.execute(held.where(of_a_person)).one()
    erase_person(engine, holder, PersonKeys(engine))
    client = TestClient(install_trust(create_app(settings, engine), trust))

    answer = client.get(f"/api/v1/licenses/{license_id}/verification").json()

    engine.dispose()
    assert answer["signature"]["holder_erased"] is True
    assert answer["signature"]["valid"] is True
    assert answer["signature"]["detail"].startswith("the holder was erased")
    assert "does not match" not in str(answer)
