"""The compiled Avro writers write exactly fastavro's bytes, for every event of the hub."""

from __future__ import annotations

import io
from typing import Any

import fastavro
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_events_examples import EXAMPLES, example

from hub.avro import compile_writer, zigzag
from hub.errors import SchemaError
from hub.events import EVENT_MODELS, Event, load_schema
from projections.testing import event_stream

NAMES = sorted(EVENT_MODELS)
STREAM = list(event_stream(seed=11, cases=20))


def fastavro_bytes(schema: Any, datum: Any) -> bytes:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, schema, datum)
    return out.getvalue()


def compiled_bytes(schema: Any, datum: Any, *, attributes: bool = False) -> bytes:
    out = bytearray()
    compile_writer(schema, attributes=attributes)(datum, out)
    return bytes(out)


def assert_same_bytes(event: Event) -> None:
    schema = fastavro.parse_schema(load_schema(event.event_name))
    expected = fastavro_bytes(schema, event.to_record())
    assert compiled_bytes(schema, event.to_record()) == expected
    assert compiled_bytes(schema, event, attributes=True) == expected


@pytest.mark.parametrize("name", NAMES)
def test_every_populated_event_is_written_as_fastavro_writes_it(name: str) -> None:
    assert_same_bytes(example(name))


@pytest.mark.parametrize("name", NAMES)
def test_every_event_without_its_optional_fields_is_written_as_fastavro_writes_it(
    name: str,
) -> None:
    model = EVENT_MODELS[name]
    required = {k: v for k, v in EXAMPLES[name].items() if model.model_fields[k].is_required()}
    assert_same_bytes(model(source="haining.window", **required))


@pytest.mark.parametrize("event", STREAM[::7], ids=lambda event: event.event_name)
def test_simulated_events_are_written_as_fastavro_writes_them(event: Event) -> None:
    assert_same_bytes(event)


@given(st.integers(-(2**63), 2**63 - 1))
def test_a_long_is_zigzag_varint_coded(value: int) -> None:
    assert zigzag(value) == fastavro_bytes("long", value)


def test_a_long_beyond_64_bits_is_refused() -> None:
    with pytest.raises(OverflowError, match="does not fit an Avro long"):
        zigzag(2**63)


@given(st.text(max_size=3000))
def test_strings_of_any_length_are_written_as_fastavro_writes_them(text: str) -> None:
    assert compiled_bytes("string", text) == fastavro_bytes("string", text)


def test_a_record_lacking_a_field_with_a_default_gets_the_default() -> None:
    schema = fastavro.parse_schema(load_schema("ApplicationSubmitted"))
    record = example("ApplicationSubmitted").to_record()
    del record["channel"], record["window"]
    assert compiled_bytes(schema, record) == fastavro_bytes(schema, record)


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ("double", "type 'double' is not supported"),
        (["null", "string", "long"], "null and one type"),
    ],
)
def test_a_schema_beyond_the_hubs_contracts_is_refused_when_compiled(
    schema: Any, problem: str
) -> None:
    with pytest.raises(SchemaError, match=problem):
        compile_writer(schema)


def test_a_field_no_model_could_mirror_is_refused_when_read_as_attributes() -> None:
    schema = {"type": "record", "name": "Trip", "fields": [{"name": "from", "type": "string"}]}
    assert compiled_bytes(schema, {"from": "Haining"}) == fastavro_bytes(
        schema, {"from": "Haining"}
    )
    with pytest.raises(SchemaError, match="'from' cannot be read as an attribute"):
        compile_writer(schema, attributes=True)
