"""No read path bypasses disclosure: masked by default, granted in full, every view recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Row, select

from hub.api import Caller, Grant, Granted, Hooks, create_app
from hub.api.app import ROUTERS
from hub.api.deps import disclosure, resource_of
from hub.api.testing import AccessRecorder, fill
from hub.db import create_engine_for
from hub.identifiers import mask
from hub.settings import load_settings
from hub.trust.agreements import PERSONAL_FIELDS, PUBLIC, Resource, load_agreements
from projections.tables import access_log, cases, licenses

pytestmark = pytest.mark.integration
#: Routes that show no data about anyone: operations and the API's own description.
OPERATIONAL = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path_factory.mktemp('disclosure') / 'read.db'}"
    fill(url, 80, seed=11)
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def person(engine: Engine) -> Row[Any]:
    """A citizen with a case, a license and accesses on record."""
    query = (
        select(cases.c.case_id, cases.c.applicant_id_number, cases.c.applicant_name)
        .join(licenses, licenses.c.holder_id_number == cases.c.applicant_id_number)
        .join(access_log, access_log.c.subject_id_number == cases.c.applicant_id_number)
        .add_columns(licenses.c.license_id)
        .where(cases.c.applicant_id_type == "RESIDENT_ID")
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(query).one()


def app_with(engine: Engine, accesses: AccessRecorder, granted: str | None = None) -> FastAPI:
    def grants(caller: Caller, _resource: str) -> Grant:
        everything = ("id_number", "name", "face_fields")
        return Granted(everything if caller.department == granted is not None else ())

    return create_app(load_settings(), engine, Hooks(access_sink=accesses, grants=grants))


def url_of(route: APIRoute, person: Row[Any]) -> str:
    values = {"case_id": person.case_id, "license_id": person.license_id}
    values["holder"] = person.applicant_id_number
    return route.path.format(**values)


def depends_on(dependant: Dependant, target: object) -> bool:
    return any(sub.call is target or depends_on(sub, target) for sub in dependant.dependencies)


def data_routes() -> list[APIRoute]:
    every = [route for router in ROUTERS for route in router.routes]
    return [
        route for route in every if isinstance(route, APIRoute) and route.path not in OPERATIONAL
    ]


def test_the_walked_routes_are_all_the_app_serves(engine: Engine) -> None:
    served = set(app_with(engine, AccessRecorder()).openapi()["paths"])
    walked = {route.path for route in data_routes()}
    assert walked == served - OPERATIONAL


def test_every_data_route_goes_through_disclosure() -> None:
    routes = data_routes()
    assert len(routes) >= 14
    assert [route.path for route in routes if not depends_on(route.dependant, disclosure)] == []


def test_no_route_shows_a_persons_identity_number_and_each_view_is_recorded(
    engine: Engine, person: Row[Any]
) -> None:
    accesses = AccessRecorder()
    client = TestClient(app_with(engine, accesses))
    params = {
        "holder": person.applicant_id_number,
        "q": person.applicant_id_number,
        "items": "NR-DJ-001,MR-DJ-001",
    }
    showing = 0
    for route in data_routes():
        accesses.clear()
        response = client.get(url_of(route, person), params=params)
        assert response.status_code == 200, (route.path, response.text)
        assert person.applicant_id_number not in response.text, route.path
        assert person.applicant_name not in response.text, route.path
        if mask(person.applicant_id_number) in response.text:
            showing += 1
            subjects = {event.subject_id_number for event in accesses}
            assert person.applicant_id_number in subjects, route.path
    assert showing >= 9


def test_a_granted_department_sees_the_full_number_and_is_named_in_the_record(
    engine: Engine, person: Row[Any]
) -> None:
    accesses = AccessRecorder()
    client = TestClient(app_with(engine, accesses, granted="NR"))
    headers = {
        "X-Onewindow-Department": "NR",
        "X-Onewindow-Accessor": "NR-officer-7",
        "X-Onewindow-Purpose": "mortgage review",
    }
    body = client.get(f"/api/v1/cases/{person.case_id}", headers=headers).json()
    assert body["applicant"]["id_number"] == person.applicant_id_number
    (event,) = accesses
    assert (event.department, event.accessor, event.purpose) == (
        "NR",
        "NR-officer-7",
        "mortgage review",
    )
    assert event.case_id == person.case_id
    assert event.resource == f"/api/v1/cases/{person.case_id}"
    other = client.get(f"/api/v1/cases/{person.case_id}", headers={"X-Onewindow-Department": "TAX"})
    assert other.json()["applicant"]["id_number"] == mask(person.applicant_id_number)


def test_a_persons_license_face_fields_are_withheld_unless_granted(
    engine: Engine, person: Row[Any]
) -> None:
    url = f"/api/v1/licenses/{person.license_id}"
    masked = TestClient(app_with(engine, AccessRecorder())).get(url).json()
    assert masked["face_fields"]
    assert set(masked["face_fields"].values()) == {"(withheld)"}
    granted = TestClient(app_with(engine, AccessRecorder(), granted="NR"))
    full = granted.get(url, headers={"X-Onewindow-Department": "NR"}).json()
    assert person.applicant_name in full["face_fields"].values()


def test_each_route_names_a_resource_the_agreements_know() -> None:
    known = set(get_args(Resource))
    assert {resource_of(route.path) for route in data_routes()} == known


def test_the_data_sharing_agreements_plug_into_the_hook(engine: Engine, person: Row[Any]) -> None:
    book = load_agreements()

    def grants(caller: Caller, resource: str) -> Grant:
        department = caller.department or PUBLIC
        return book.decide(department, resource, PERSONAL_FIELDS, caller.purpose)

    client = TestClient(create_app(load_settings(), engine, Hooks(grants=grants)))
    case_url = f"/api/v1/cases/{person.case_id}"
    refused = client.get(case_url)
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "access_refused",
        "detail": "no agreement lets department 'public' read 'cases'",
    }
    tax = {"X-Onewindow-Department": "TAX", "X-Onewindow-Purpose": "tax registration"}
    applicant = client.get(case_url, headers=tax).json()["applicant"]
    assert applicant["id_number"] == person.applicant_id_number
    bank = {"X-Onewindow-Department": "BANK", "X-Onewindow-Purpose": "account opening"}
    holder = client.get(f"/api/v1/licenses/{person.license_id}", headers=bank).json()["holder"]
    assert holder["id_number"] == mask(person.applicant_id_number)
    assert holder["name"] == person.applicant_name
    verification = client.get(f"/api/v1/licenses/{person.license_id}/verification")
    assert verification.status_code == 200
