"""Confluent-framed Avro: round trips, old versions upcast on read, bad bytes named."""

from __future__ import annotations

import io
import json
import struct
from typing import Any

import fastavro
import pytest

from hub.bench.serde import sample_record
from hub.errors import SerializationError, UnknownSchemaError
from hub.events.applications import ApplicationSubmitted
from hub.events.base import IdentifierType
from hub.registry import EmbeddedRegistry, subject_for
from hub.serde import Deserializer, Serializer
from schemas import SCHEMA_DIR

EVENT = "ApplicationSubmitted"


@pytest.fixture(scope="module")
def registry() -> EmbeddedRegistry:
    return EmbeddedRegistry()


@pytest.fixture(scope="module")
def serializer(registry: EmbeddedRegistry) -> Serializer:
    return Serializer(registry)


@pytest.fixture(scope="module")
def deserializer(registry: EmbeddedRegistry) -> Deserializer:
    return Deserializer(registry)


def test_the_frame_is_magic_byte_then_big_endian_schema_id(
    serializer: Serializer, registry: EmbeddedRegistry
) -> None:
    data = serializer.encode(EVENT, sample_record())
    current = (SCHEMA_DIR / EVENT / "v3.avsc").read_text()
    assert data[0] == 0
    assert struct.unpack(">I", data[1:5])[0] == registry.register(subject_for(EVENT), current)


def test_an_event_round_trips_to_an_equal_model(
    serializer: Serializer, deserializer: Deserializer
) -> None:
    event = ApplicationSubmitted.from_record(sample_record())
    decoded = deserializer.decode(serializer.encode_event(event))
    assert (decoded.event_name, decoded.version, decoded.writer_version) == (EVENT, 3, 3)
    assert decoded.to_event() == event


def test_a_v1_message_is_upcast_to_the_current_version(
    registry: EmbeddedRegistry, deserializer: Deserializer
) -> None:
    v1_text = (SCHEMA_DIR / EVENT / "v1.avsc").read_text()
    v1_id = registry.register(subject_for(EVENT), v1_text)
    record = {**sample_record(), "applicant_id": "11010519491231002X", "applicant_kind": "PERSON"}
    for name in ("applicant_id_type", "applicant_id_number", "channel"):
        record.pop(name)
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(json.loads(v1_text)), record)
    decoded = deserializer.decode(struct.pack(">BI", 0, v1_id) + body.getvalue())
    assert (decoded.version, decoded.writer_version, decoded.schema_id) == (3, 1, v1_id)
    event = decoded.to_event()
    assert isinstance(event, ApplicationSubmitted)
    assert event.applicant_id_type is IdentifierType.RESIDENT_ID
    assert event.applicant_id_number == "11010519491231002X"


def test_strict_encode_names_the_bad_field(serializer: Serializer) -> None:
    record = sample_record()
    record["materials"][2]["trust_grade"] = "E"
    with pytest.raises(SerializationError, match=r"MaterialRef\.trust_grade is 'E'"):
        serializer.encode(EVENT, record)


def test_a_missing_required_field_is_named(serializer: Serializer) -> None:
    record = sample_record()
    del record["case_id"]
    with pytest.raises(SerializationError, match=r"ApplicationSubmitted\.case_id is None"):
        serializer.encode(EVENT, record)


def test_the_fast_path_still_refuses_what_avro_cannot_write(serializer: Serializer) -> None:
    record = {**sample_record(), "channel": "CARRIER_PIGEON"}
    with pytest.raises(SerializationError, match="ApplicationSubmitted record does not fit"):
        serializer.encode(EVENT, record, validate=False)


def test_an_unknown_event_type_is_refused(serializer: Serializer) -> None:
    with pytest.raises(UnknownSchemaError, match="'Teleported'"):
        serializer.encode("Teleported", {})


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda data: b"\x00\x00", "too short"),
        (lambda data: b"\x01" + data[1:], "magic byte 1"),
        (lambda data: data[:40], "ApplicationSubmitted body is not its Avro"),
        (lambda data: data + b"\x00\x00", "2 bytes left after the Avro record"),
    ],
)
def test_bad_bytes_are_refused_with_the_problem_named(
    serializer: Serializer, deserializer: Deserializer, mangle: Any, message: str
) -> None:
    data = serializer.encode(EVENT, sample_record())
    with pytest.raises(SerializationError, match=message):
        deserializer.decode(mangle(data))


def test_an_unknown_schema_id_is_named(deserializer: Deserializer) -> None:
    with pytest.raises(UnknownSchemaError, match="no schema with id 999999"):
        deserializer.decode(struct.pack(">BI", 0, 999_999) + b"\x00")


def test_garbage_after_a_valid_frame_is_refused(deserializer: Deserializer) -> None:
    with pytest.raises(SerializationError):
        deserializer.decode(b"\x00\x00\x00\x00\x01" + bytes(range(200, 256)) * 3)


def test_a_newer_producers_version_is_read_as_our_current_one(
    registry: EmbeddedRegistry, deserializer: Deserializer
) -> None:
    v4 = json.loads((SCHEMA_DIR / EVENT / "v3.avsc").read_text())
    v4["version"] = 4
    v4["fields"].append({"name": "fee_cents", "type": "long", "default": 0})
    v4_id = registry.register(subject_for(EVENT), json.dumps(v4))
    record = sample_record()
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(v4), {**record, "fee_cents": 9})
    decoded = deserializer.decode(struct.pack(">BI", 0, v4_id) + body.getvalue())
    assert (decoded.version, decoded.writer_version) == (3, 4)
    assert "fee_cents" not in decoded.record
    assert decoded.to_event() == ApplicationSubmitted.from_record(record)
