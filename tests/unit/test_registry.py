"""The embedded registry (ids, persistence, compatibility) and Confluent error translation."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.compatibility import Mode
from hub.errors import (
    IncompatibleSchemaError,
    SchemaError,
    SettingsError,
    UnknownSchemaError,
)
from hub.registry import ConfluentRegistry, EmbeddedRegistry, registry_from_settings
from hub.settings import load_settings

SUBJECT = "gov.onewindow.events.Parcel"


def parcel(version: int, *extra: dict[str, Any]) -> dict[str, Any]:
    fields = [{"name": "event_id", "type": "string"}, {"name": "weight", "type": "int"}]
    return {
        "type": "record",
        "name": "Parcel",
        "namespace": "gov.onewindow.events",
        "version": version,
        "fields": [*fields, *extra],
    }


def write_tree(root: Path, schemas: dict[str, dict[str, Any]]) -> Path:
    for relpath, schema in schemas.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(json.dumps(schema))
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    note = {"name": "note", "type": ["null", "string"], "default": None}
    return write_tree(
        tmp_path / "schemas", {"Parcel/v1.avsc": parcel(1), "Parcel/v2.avsc": parcel(2, note)}
    )


def test_every_file_is_registered_in_version_order(tree: Path) -> None:
    registry = EmbeddedRegistry(schema_dir=tree)
    assert registry.versions(SUBJECT) == [1, 2]
    assert json.loads(registry.schema_at(SUBJECT, 2))["version"] == 2
    assert registry.compatibility(SUBJECT) is Mode.BACKWARD_TRANSITIVE


def test_registering_is_idempotent_and_ids_are_global(tree: Path) -> None:
    registry = EmbeddedRegistry(schema_dir=tree)
    text = (tree / "Parcel/v1.avsc").read_text()
    first = registry.register(SUBJECT, text)
    assert registry.register(SUBJECT, json.dumps(json.loads(text), indent=4)) == first
    assert registry.register("gov.onewindow.events.Copy", text) == first
    assert json.loads(registry.schema_by_id(first)) == json.loads(text)


def test_ids_survive_a_restart_and_new_schemas_get_new_ones(tree: Path, tmp_path: Path) -> None:
    store = tmp_path / "var" / "schema-registry.json"
    before = EmbeddedRegistry(store, schema_dir=tree)
    ids = [before.entry(SUBJECT, v).schema_id for v in (1, 2)]
    extra = {"name": "fragile", "type": "boolean", "default": False}
    write_tree(tree, {"Parcel/v3.avsc": parcel(3, extra)})
    after = EmbeddedRegistry(store, schema_dir=tree)
    assert [after.entry(SUBJECT, v).schema_id for v in (1, 2)] == ids
    assert after.entry(SUBJECT, 3).schema_id == max(ids) + 1


def test_threads_creating_one_fresh_store_at_once_agree_on_its_ids(tmp_path: Path) -> None:
    store, threads = tmp_path / "var" / "schema-registry.json", 8
    start = threading.Barrier(threads)

    def create(_: int) -> dict[str, int]:
        start.wait()
        registry = EmbeddedRegistry(store)
        return {subject: registry.entry(subject, 1).schema_id for subject in registry.subjects()}

    with ThreadPoolExecutor(threads) as pool:
        seen = list(pool.map(create, range(threads)))
    assert all(ids == seen[0] for ids in seen)
    reopened = EmbeddedRegistry(store, schema_dir=None)
    assert {s: reopened.entry(s, 1).schema_id for s in reopened.subjects()} == seen[0]
    assert [p.name for p in store.parent.iterdir()] == [store.name]


def test_an_incompatible_version_is_refused_naming_the_field(tree: Path) -> None:
    registry = EmbeddedRegistry(schema_dir=tree)
    breaking = parcel(3, {"name": "sender", "type": "string"})
    with pytest.raises(IncompatibleSchemaError, match=r"Parcel\.sender: READER_FIELD_MISSING"):
        registry.register(SUBJECT, json.dumps(breaking))
    assert registry.versions(SUBJECT) == [1, 2]


def test_mode_none_accepts_anything(tree: Path) -> None:
    registry = EmbeddedRegistry(schema_dir=tree, mode=Mode.NONE)
    registry.register(SUBJECT, json.dumps(parcel(3, {"name": "sender", "type": "string"})))
    assert registry.versions(SUBJECT) == [1, 2, 3]


def test_unknown_ids_subjects_and_versions_are_named(tree: Path) -> None:
    registry = EmbeddedRegistry(schema_dir=tree)
    with pytest.raises(UnknownSchemaError, match="no schema with id 77"):
        registry.schema_by_id(77)
    with pytest.raises(UnknownSchemaError, match="no subject nothing"):
        registry.versions("nothing")
    with pytest.raises(UnknownSchemaError, match="has no version 9"):
        registry.schema_at(SUBJECT, 9)


def test_a_bad_schema_and_a_bad_store_are_refused(tree: Path, tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="not a valid Avro schema"):
        EmbeddedRegistry(schema_dir=tree).register(SUBJECT, '{"type": "recrod"}')
    store = tmp_path / "broken.json"
    store.write_text("{not json")
    with pytest.raises(SchemaError, match=r"broken\.json is unreadable"):
        EmbeddedRegistry(store, schema_dir=tree)
    write_tree(tree, {"Parcel/v3.avsc": parcel(4)})
    with pytest.raises(SchemaError, match="VERSION_MISMATCH"):
        EmbeddedRegistry(schema_dir=tree)


def test_the_settings_pick_the_registry(tmp_path: Path) -> None:
    embedded = registry_from_settings(load_settings(data_dir=tmp_path))
    assert isinstance(embedded, EmbeddedRegistry)
    assert (tmp_path / "schema-registry.json").exists()
    remote = registry_from_settings(
        load_settings(schema_registry={"url": "http://sr:8081/", "username": "u", "password": "p"})
    )
    assert isinstance(remote, ConfluentRegistry)
    assert remote.url == "http://sr:8081"


def answering(status: int, body: Any) -> ConfluentRegistry:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json=body))
    return ConfluentRegistry("http://sr:8081", transport=transport)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (409, IncompatibleSchemaError),
        (404, UnknownSchemaError),
        (422, SchemaError),
        (500, SchemaError),
        (401, SettingsError),
    ],
)
def test_registry_errors_become_hub_errors(status: int, error: type[Exception]) -> None:
    registry = answering(status, {"error_code": status, "message": "the registry says no"})
    with pytest.raises(error, match=f"HTTP {status}: the registry says no"):
        registry.register(SUBJECT, json.dumps(parcel(1)))


def test_an_unreachable_registry_is_named() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    registry = ConfluentRegistry("http://sr:8081", transport=httpx.MockTransport(refuse))
    with pytest.raises(SchemaError, match="schema registry http://sr:8081 unreachable"):
        registry.schema_by_id(1)


def test_an_unknown_compatibility_level_is_named() -> None:
    with pytest.raises(SchemaError, match="unknown compatibility 'SIDEWAYS'"):
        answering(200, {"compatibilityLevel": "SIDEWAYS"}).compatibility(SUBJECT)
