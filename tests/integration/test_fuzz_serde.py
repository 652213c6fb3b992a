"""Hostile bytes at the Avro decoder: only SerializationError or UnknownSchemaError come out.

Random bytes, random bytes behind a valid frame header, and valid messages with bytes
flipped, cut, inserted or appended. Anything else escaping the decoder would crash a
consumer instead of sending the message to the dead-letter topic with a reason.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.errors import SerializationError, UnknownSchemaError, ValidationError
from hub.registry import EmbeddedRegistry
from hub.serde import HEADER, Deserializer, Serializer
from projections.testing import event_stream

pytestmark = pytest.mark.integration
EXPECTED = (SerializationError, UnknownSchemaError)
REGISTRY = EmbeddedRegistry()
READER = Deserializer(REGISTRY)
VALID = [Serializer(REGISTRY).encode_event(event) for event in event_stream(seed=3, cases=12)]
SCHEMA_IDS = sorted({HEADER.unpack_from(message)[1] for message in VALID})
BUDGET = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decode_or_refuse(data: bytes) -> None:
    """Decode ``data`` and build its event; a refusal must be one of ours."""
    try:
        decoded = READER.decode(data)
    except EXPECTED:
        return
    try:
        decoded.to_event()
    except ValidationError:
        return  # Avro, but breaking the event's own rules: refused with the field named


@BUDGET
@given(st.binary(max_size=512))
def test_random_bytes(data: bytes) -> None:
    decode_or_refuse(data)


@BUDGET
@given(st.sampled_from(SCHEMA_IDS) | st.integers(0, 2**32 - 1), st.binary(max_size=512))
def test_random_bodies_behind_a_known_schema(schema_id: int, body: bytes) -> None:
    decode_or_refuse(HEADER.pack(0, schema_id) + body)


@BUDGET
@given(st.sampled_from(VALID), st.data())
def test_mutated_valid_messages(message: bytes, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(message) - 1))
    kind = data.draw(st.sampled_from(["flip", "cut", "insert", "append"]))
    noise = data.draw(st.binary(min_size=1, max_size=16))
    mutated = {
        "flip": message[:position]
        + bytes([message[position] ^ noise[0]])
        + message[position + 1 :],
        "cut": message[:position],
        "insert": message[:position] + noise + message[position:],
        "append": message + noise,
    }[kind]
    decode_or_refuse(mutated)


def test_the_valid_messages_decode() -> None:
    assert all(READER.decode(message).to_event() for message in VALID)
    assert len(VALID) > 50
