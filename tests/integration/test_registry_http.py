"""The Confluent client against a real HTTP registry: the embedded one behind its REST API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hub.bench.serde import sample_record
from hub.compatibility import Mode
from hub.errors import IncompatibleSchemaError, SchemaError, UnknownSchemaError
from hub.events.applications import ApplicationSubmitted
from hub.registry import ConfluentRegistry, EmbeddedRegistry, subject_for
from hub.registry.rest import serve
from hub.serde import Deserializer, Serializer
from schemas import SCHEMA_DIR

pytestmark = pytest.mark.integration

SUBJECT = subject_for("ApplicationSubmitted")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var") / "schema-registry.json"


@pytest.fixture(scope="module")
def embedded(store: Path) -> EmbeddedRegistry:
    return EmbeddedRegistry(store)


@pytest.fixture(scope="module")
def client(embedded: EmbeddedRegistry) -> Iterator[ConfluentRegistry]:
    with serve(embedded) as server:
        registry = ConfluentRegistry(server.url, auth=("hub", "secret"))
        yield registry
        registry.close()


def test_the_client_sees_what_the_registry_holds(
    client: ConfluentRegistry, embedded: EmbeddedRegistry
) -> None:
    assert client.versions(SUBJECT) == [1, 2, 3]
    v3 = embedded.entry(SUBJECT, 3)
    assert client.schema_at(SUBJECT, 3) == v3.schema
    assert client.schema_by_id(v3.schema_id) == v3.schema
    assert client.compatibility(SUBJECT) is Mode.BACKWARD_TRANSITIVE


def test_registering_over_http_is_idempotent(
    client: ConfluentRegistry, embedded: EmbeddedRegistry
) -> None:
    text = (SCHEMA_DIR / "ApplicationSubmitted" / "v2.avsc").read_text()
    assert client.register(SUBJECT, text) == embedded.entry(SUBJECT, 2).schema_id


def test_an_incompatible_schema_is_refused_over_http(client: ConfluentRegistry) -> None:
    schema = json.loads((SCHEMA_DIR / "ApplicationSubmitted" / "v3.avsc").read_text())
    schema["fields"].append({"name": "fee", "type": "long"})
    with pytest.raises(IncompatibleSchemaError, match=r"HTTP 409: .*ApplicationSubmitted\.fee"):
        client.register(SUBJECT, json.dumps(schema))
    with pytest.raises(SchemaError, match="HTTP 422"):
        client.register(SUBJECT, "{not a schema")


def test_unknown_ids_and_subjects_are_unknown(client: ConfluentRegistry) -> None:
    with pytest.raises(UnknownSchemaError, match="no schema with id 4242"):
        client.schema_by_id(4242)
    with pytest.raises(UnknownSchemaError, match="HTTP 404"):
        client.versions("gov.onewindow.events.Nothing")


def test_serde_round_trips_through_the_http_registry(client: ConfluentRegistry) -> None:
    event = ApplicationSubmitted.from_record(sample_record())
    data = Serializer(client).encode_event(event)
    assert Deserializer(client).decode(data).to_event() == event


def test_the_rest_api_answers_with_the_registry_content_type(client: ConfluentRegistry) -> None:
    response = httpx.get(f"{client.url}/subjects")
    assert response.headers["content-type"] == "application/vnd.schemaregistry.v1+json"
    assert SUBJECT in response.json()
    assert httpx.get(f"{client.url}/nowhere").status_code == 404


def test_ids_are_the_same_after_a_restart(embedded: EmbeddedRegistry, store: Path) -> None:
    restarted = EmbeddedRegistry(store)
    assert [restarted.entry(SUBJECT, v) for v in (1, 2, 3)] == [
        embedded.entry(SUBJECT, v) for v in (1, 2, 3)
    ]
