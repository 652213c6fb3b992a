"""Hostile HTTP input: the ingress refuses it by name, and no generated request makes a 500.

The ingress is fed an oversized body, deeply nested JSON, wrong content types, forged
tokens, events of another department and replayed event ids; then schemathesis sends
requests generated from the OpenAPI document to every operation of the trusted API
(data routes, status lists, ingress), bounded in examples so it fits in CI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from hub.api import Hooks, create_app
from hub.api.ingress import MAX_BODY, MAX_DEPTH
from hub.api.testing import AccessRecorder
from hub.db import create_engine_for
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Serializer
from hub.settings import load_settings
from hub.trust.api import Trust, install_trust
from hub.trust.identities import Identities
from projections.engine import Projector
from projections.testing import event_stream

pytestmark = pytest.mark.integration
REGISTRY = EmbeddedRegistry()
PERSON = "11010519491231002X"
EXAMPLES = 25


@pytest.fixture(scope="module")
def publisher(kafka_bootstrap: str) -> Iterator[Publisher]:
    with Publisher(kafka_bootstrap, Serializer(REGISTRY)) as running:
        yield running


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = create_engine_for(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'hub.db'}")
    Projector(engine).apply(list(event_stream(seed=5, cases=20)))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def app(engine: Engine, publisher: Publisher, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = load_settings(data_dir=Path(tmp_path_factory.mktemp("keys")))
    hooks = Hooks(access_sink=AccessRecorder(), publish=publisher.publish_async)
    return install_trust(create_app(settings, engine, hooks), Trust.from_settings(settings, engine))


@pytest.fixture(scope="module")
def mr(engine: Engine) -> dict[str, str]:
    return {"Authorization": f"Bearer {Identities(engine).create('MR').secret}"}


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def material(**changes: Any) -> dict[str, Any]:
    data = {
        "source": "MR",
        "holder_id_type": "RESIDENT_ID",
        "holder_id_number": PERSON,
        "material": {
            "code": "ID_CARD_COPY",
            "name": "身份证复印件",
            "content_hash": "ab" * 32,
            "trust_grade": "B",
        },
    }
    return {"type": "MaterialRegistered", "data": data | changes}


def test_an_event_is_published_and_its_id_answered(
    client: TestClient, mr: dict[str, str], kafka_bootstrap: str
) -> None:
    response = client.post("/api/v1/events", json=material(event_id="e-1"), headers=mr)
    assert response.status_code == 202, response.text
    assert response.json() == {
        "event_id": "e-1",
        "event_type": "MaterialRegistered",
        "duplicate": False,
        "topic": "onewindow.materials",
    }


def test_a_replayed_event_id_is_a_duplicate_not_published_twice(
    client: TestClient, mr: dict[str, str], publisher: Publisher
) -> None:
    first = client.post("/api/v1/events", json=material(event_id="e-replay"), headers=mr)
    again = client.post("/api/v1/events", json=material(event_id="e-replay"), headers=mr)
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json()["duplicate"] is True


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"holder_id_number": "11010519491231003X"}, "holder_id_number"),
        ({"holder_id_type": "PASSPORT"}, "holder_id_type"),
        ({"material": {"code": "X"}}, "material.name"),
        ({"source": None}, "source"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field(
    client: TestClient, mr: dict[str, str], changes: dict[str, Any], named: str
) -> None:
    response = client.post("/api/v1/events", json=material(**changes), headers=mr)
    assert response.status_code == 400
    assert named in response.json()["detail"]


def test_an_unknown_type_and_a_foreign_source_are_refused(
    client: TestClient, mr: dict[str, str]
) -> None:
    unknown = client.post("/api/v1/events", json={"type": "Nope", "data": {}}, headers=mr)
    assert unknown.status_code == 400
    assert "'Nope'" in unknown.json()["detail"]
    foreign = client.post("/api/v1/events", json=material(source="TAX"), headers=mr)
    assert foreign.status_code == 403
    assert foreign.json()["detail"] == "source 'TAX' is not the caller's department 'MR'"


def test_no_token_or_a_forged_one_is_a_401(client: TestClient) -> None:
    assert client.post("/api/v1/events", json=material()).status_code == 401
    forged = {"Authorization": "Bearer owt_forged"}
    assert client.post("/api/v1/events", json=material(), headers=forged).status_code == 401


def test_an_oversized_body_is_a_413(client: TestClient, mr: dict[str, str]) -> None:
    padding = "x" * (MAX_BODY + 1)
    response = client.post("/api/v1/events", json=material(note=padding), headers=mr)
    assert response.status_code == 413
    assert str(MAX_BODY) in response.json()["detail"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deeply_nested_json_is_refused_before_parsing(
    client: TestClient, mr: dict[str, str], depth: int
) -> None:
    nested = '{"type": "MaterialRegistered", "data": ' + "[" * depth + "]" * depth + "}"
    headers = mr | {"Content-Type": "application/json"}
    response = client.post("/api/v1/events", content=nested[:MAX_BODY], headers=headers)
    assert response.status_code in {400, 413}
    if len(nested) <= MAX_BODY:
        assert f"deeper than {MAX_DEPTH}" in response.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "status"),
    [("text/plain", 415), ("application/x-www-form-urlencoded", 415), (None, 415)],
)
def test_wrong_content_types_are_a_415(
    client: TestClient, mr: dict[str, str], content_type: str | None, status: int
) -> None:
    headers = mr | ({"Content-Type": content_type} if content_type else {})
    response = client.post("/api/v1/events", content=json.dumps(material()), headers=headers)
    assert response.status_code == status
    assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"type": 1}', b"\xff\xfe", b'"x"'])
def test_malformed_bodies_are_a_400(client: TestClient, mr: dict[str, str], body: bytes) -> None:
    headers = mr | {"Content-Type": "application/json"}
    assert client.post("/api/v1/events", content=body, headers=headers).status_code == 400


def test_no_generated_request_makes_a_server_error(
    app: FastAPI, mr: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = mr | {"X-Onewindow-Purpose": "licensing"}
    operations = [result.ok() for result in schema.get_all_operations()]
    tried = sum(_fuzz(operation, headers) for operation in operations)
    assert len(operations) >= 17
    assert tried >= 15 * len(operations)
    with capsys.disabled():
        print(f"\nschemathesis: {tried} requests to {len(operations)} operations, no 5xx")


def _fuzz(operation: Any, headers: dict[str, str]) -> int:
    """Send generated requests to one operation; returns how many were sent."""
    sent = 0

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        response = case.call(headers=headers)
        assert response.status_code < 500, (operation.label, case.path, response.text[:300])

    run()
    return sent
