"""The HTTP API over a real SQLite read model filled by the projector from generated events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy import Engine, func, select

from hub.api import Hooks, create_app
from hub.api.app import ROUTERS
from hub.api.testing import AccessRecorder, fill
from hub.db import create_engine_for
from hub.identifiers import generate_license_id
from hub.settings import load_settings
from projections.tables import access_log, cases, licenses, tasks

pytestmark = pytest.mark.integration
CASES = 150


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'read.db'}"
    fill(url, CASES)
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


@pytest.fixture
def accesses() -> AccessRecorder:
    return AccessRecorder()


@pytest.fixture
def app(engine: Engine, accesses: AccessRecorder) -> Iterator[FastAPI]:
    app = create_app(load_settings(), engine, Hooks(access_sink=accesses))
    yield app
    app.state.context.statistics.close()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def scalar(engine: Engine, query: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_a_case_comes_with_its_tasks_and_department_timeline(
    client: TestClient, engine: Engine
) -> None:
    case_id = scalar(engine, select(cases.c.case_id).where(cases.c.tasks_total >= 3).limit(1))
    body = client.get(f"/api/v1/cases/{case_id}").json()
    with engine.connect() as conn:
        departments = set(
            conn.scalars(select(tasks.c.department).where(tasks.c.case_id == case_id))
        )
    assert body["case_id"] == case_id
    assert {task["department"] for task in body["tasks"]} == departments
    assert len(body["tasks"]) == body["tasks_total"]
    assert departments <= {entry["department"] for entry in body["timeline"]}
    days = [entry["day"] for entry in body["timeline"]]
    assert days == sorted(days)
    assert body["timeline"][0]["event"] == "submitted"


def test_unknown_and_malformed_ids_are_404_and_400_naming_the_problem(client: TestClient) -> None:
    missing = client.get("/api/v1/cases/C-9999999")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "detail": "no case 'C-9999999'"}
    bad = client.get("/api/v1/cases/C 1;drop")
    assert bad.status_code == 400
    assert "case id 'C 1;drop'" in bad.json()["detail"]
    bad_license = client.get("/api/v1/licenses/NOT.A.LICENSE")
    assert bad_license.status_code == 400
    assert "license id" in bad_license.json()["detail"]
    bad_holder = client.get("/api/v1/licenses", params={"holder": "12345"})
    assert bad_holder.status_code == 400
    assert "holder '12345'" in bad_holder.json()["detail"]
    no_holder = client.get("/api/v1/licenses")
    assert no_holder.status_code == 400
    assert no_holder.json()["problems"][0]["location"] == ["query", "holder"]


def walk(client: TestClient, url: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: dict[str, str] = {}
    while True:
        page = client.get(url, params={**params, "limit": limit, **cursor}).json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        cursor = {"cursor": page["next_cursor"]}


def test_pages_walk_every_case_once_in_order(client: TestClient, engine: Engine) -> None:
    seen = [case["case_id"] for case in walk(client, "/api/v1/cases", 17)]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))
    assert len(seen) == scalar(engine, select(func.count()).select_from(cases))


def test_page_limits_and_cursors_are_checked(client: TestClient) -> None:
    too_many = client.get("/api/v1/tasks", params={"limit": 501})
    assert too_many.status_code == 400
    assert "limit" in too_many.json()["detail"]
    forged = client.get("/api/v1/cases", params={"cursor": "not-ours"})
    assert forged.status_code == 400
    assert forged.json()["detail"] == "cursor 'not-ours' was not issued by this list"


def test_overdue_cases_of_a_department_are_those_whose_task_there_is_late(
    client: TestClient, engine: Engine
) -> None:
    shown = {c["case_id"] for c in walk(client, "/api/v1/cases", 50, overdue=True, department="MR")}
    overdue_in_mr = select(tasks.c.case_id).where(
        tasks.c.overdue.is_(True), tasks.c.department == "MR"
    )
    with engine.connect() as conn:
        expected = set(conn.scalars(overdue_in_mr))
    assert shown
    assert shown == expected
    on_time = walk(client, "/api/v1/cases", 500, overdue=False, department="MR")
    assert not shown & {case["case_id"] for case in on_time}


def test_tasks_filter_by_department_status_and_clock(client: TestClient, engine: Engine) -> None:
    warned = walk(client, "/api/v1/tasks", 100, department="TAX", warned=True)
    assert warned
    assert all(t["department"] == "TAX" and t["warned"] for t in warned)
    count = select(func.count()).where(tasks.c.department == "TAX", tasks.c.warned.is_(True))
    assert len(warned) == scalar(engine, count)
    rejected = client.get("/api/v1/tasks", params={"status": "rejected"}).json()["items"]
    assert rejected
    assert {t["status"] for t in rejected} == {"rejected"}
    assert client.get("/api/v1/tasks", params={"status": "lost"}).status_code == 400


def test_licenses_by_holder_history_and_verification(client: TestClient, engine: Engine) -> None:
    with engine.connect() as conn:
        revoked = conn.execute(select(licenses).where(licenses.c.status == "revoked")).first()
    assert revoked is not None
    holder = revoked.holder_id_number
    held = walk(client, "/api/v1/licenses", 10, holder=holder, id_type=revoked.holder_id_type)
    assert revoked.license_id in {item["license_id"] for item in held}
    history = client.get(f"/api/v1/licenses/{revoked.license_id}/history").json()
    assert history[-1]["status_after"] == "revoked"
    check = client.get(f"/api/v1/licenses/{revoked.license_id}/verification").json()
    assert check["found"]
    assert not check["valid_today"]
    assert "revoked" in check["problem"]
    assert check["signature"]["checked"] is False


def test_verification_of_unknown_and_malformed_numbers(client: TestClient) -> None:
    unknown = generate_license_id("BUSINESSLICENSE", "691201087BX41FJJ8F", "99999999")
    answer = client.get(f"/api/v1/licenses/{unknown}/verification").json()
    assert answer["well_formed"]
    assert not answer["found"]
    assert not answer["valid_today"]
    malformed = client.get("/api/v1/licenses/BUSINESSLICENSE.1/verification").json()
    assert not malformed["well_formed"]
    assert "segments" in malformed["problem"]
    assert client.get(f"/api/v1/licenses/{unknown}").status_code == 404


def test_statistics_agree_with_the_tasks(client: TestClient, engine: Engine) -> None:
    departments = client.get("/api/v1/statistics/departments").json()
    by_code = {group["code"]: group for group in departments}
    with engine.connect() as conn:
        per_department = select(tasks.c.department, func.count()).group_by(tasks.c.department)
        counts: dict[str, int] = dict(conn.execute(per_department).all())
    assert {code: group["tasks"] for code, group in by_code.items()} == counts
    assert all(0 <= group["on_time_share"] <= 1 for group in departments if group["decided"])
    assert sum(group["licenses_issued"] for group in departments) == scalar(
        engine, select(func.count()).select_from(licenses)
    )
    items = client.get("/api/v1/statistics/items").json()
    assert sum(item["tasks"] for item in items) == sum(counts.values())


def test_the_access_log_of_a_holder_newest_first(client: TestClient, engine: Engine) -> None:
    subject = scalar(engine, select(access_log.c.subject_id_number).limit(1))
    entries = walk(client, f"/api/v1/holders/{subject}/access-log", 3)
    times = [entry["accessed_at"] for entry in entries]
    assert times == sorted(times, reverse=True)
    count = select(func.count()).where(access_log.c.subject_id_number == subject)
    assert len(entries) == scalar(engine, count)


def test_openapi_is_valid_and_describes_every_route(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    validate(document)
    routes = {route.path for router in ROUTERS for route in router.routes}
    assert set(document["paths"]) == routes
    assert {"/healthz", "/readyz", "/metrics", "/", "/cases/{case_id}"} <= routes
    for path, operations in document["paths"].items():
        assert all(operation.get("description") for operation in operations.values()), path


def test_a_replaced_version_is_not_valid_and_names_its_successor(
    client: TestClient, engine: Engine
) -> None:
    with engine.connect() as conn:
        replaced = select(licenses).where(
            licenses.c.superseded_by.is_not(None), licenses.c.status == "valid"
        )
        old = conn.execute(replaced.limit(1)).one()
    answer = client.get(f"/api/v1/licenses/{old.license_id}/verification").json()
    assert not answer["valid_today"]
    assert answer["superseded_by"] == old.superseded_by
    assert answer["problem"] == f"this version was replaced by {old.superseded_by}"
