"""Bad messages go to the dead-letter topic with their bytes and reason; consumers go on."""

from __future__ import annotations

import struct
import uuid
from collections.abc import Iterator

import pytest

from hub import deadletter
from hub.consuming import EventConsumer, RawMessage, Received, decode_or_deadletter, read_topic
from hub.deadletter import DeadLetterRouter, dead_letter_context, dead_letter_headers
from hub.envelope import headers_for
from hub.events.cases import CaseRated
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer, Serializer
from hub.topics import Topic

pytestmark = pytest.mark.integration

REGISTRY = EmbeddedRegistry()
SERIALIZER = Serializer(REGISTRY)


@pytest.fixture
def publisher(kafka_bootstrap: str) -> Iterator[Publisher]:
    with Publisher(kafka_bootstrap, SERIALIZER) as running:
        yield running


def dead_letters_from(bootstrap: str, topic: str, count: int) -> list[RawMessage]:
    found = []
    for message in read_topic(bootstrap, Topic.DEADLETTER, idle_timeout=5):
        if message.header(deadletter.ORIGINAL_TOPIC) == topic:
            found.append(message)
            if len(found) == count:
                break
    return sorted(found, key=lambda m: int(m.header(deadletter.ORIGINAL_OFFSET) or -1))


def out_of_range_rating() -> tuple[CaseRated, bytes]:
    """A record Avro accepts but the model refuses: a rating of 9 on a 1-5 scale."""
    valid = CaseRated(source="window", case_id="C-9", score=5)
    return valid, SERIALIZER.encode("CaseRated", {**valid.to_record(), "score": 9})


BAD_VALUES = [
    (b"\xde\xad\xbe\xef garbage", "SerializationError", "magic byte 222"),
    (b"\x07" + struct.pack(">I", 1) + b"\x02", "SerializationError", "magic byte 7"),
    (b"\x00" + struct.pack(">I", 987654) + b"\x02", "UnknownSchemaError", "no schema with id"),
    (b"\x00\x00", "SerializationError", "too short"),
]


def test_bad_messages_are_dead_lettered_with_reason_and_bytes_and_the_next_one_is_handled(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher
) -> None:
    original_headers = [("ce_id", b"bad-1"), ("trace", b"t-42")]
    for value, _, _ in BAD_VALUES:
        publisher.publish_raw(kafka_topic, "K-bad", value, original_headers).result(10)
    invalid, invalid_bytes = out_of_range_rating()
    publisher.publish_raw(kafka_topic, "C-9", invalid_bytes, headers_for(invalid)).result(10)
    good = CaseRated(source="window", case_id="C-good", score=3)
    publisher.publish_raw(kafka_topic, "C-good", publisher.encode(good), headers_for(good))
    handled: list[Received] = []
    with EventConsumer(
        kafka_bootstrap,
        f"g-{uuid.uuid4().hex}",
        [kafka_topic],
        handled.append,
        deserializer=Deserializer(REGISTRY),
        publisher=publisher,
    ) as consumer:
        for _ in range(40):
            if handled:
                break
            consumer.poll_batch(0.5)
        assert consumer.stats.dead_letters == 5
    assert [r.event for r in handled] == [good]

    letters = dead_letters_from(kafka_bootstrap, kafka_topic, 5)
    assert len(letters) == 5
    pairs = zip(BAD_VALUES, letters[:4], strict=True)
    for offset, ((value, error_class, reason), letter) in enumerate(pairs):
        context = dead_letter_context(letter.headers)
        assert context is not None
        assert (letter.key, letter.value) == (b"K-bad", value)
        assert (context.original_topic, context.original_partition) == (kafka_topic, 0)
        assert (context.original_offset, context.error_class) == (offset, error_class)
        assert reason in context.reason
        assert letter.headers[:2] == tuple(original_headers)
    model_letter = dead_letter_context(letters[4].headers)
    assert model_letter is not None
    assert (letters[4].value, model_letter.error_class) == (invalid_bytes, "ValidationError")
    assert "score" in model_letter.reason
    assert letters[4].header("ce_id") == invalid.event_id


def test_an_agent_with_raw_bytes_gets_the_event_or_none_after_dead_lettering(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher
) -> None:
    router = DeadLetterRouter(publisher, consumer="faust-agent")
    decode = Deserializer(REGISTRY)
    good = CaseRated(source="window", case_id="C-faust", score=2)
    headers = dict(headers_for(good))
    received = decode_or_deadletter(
        publisher.encode(good), b"C-faust", headers, kafka_topic, 0, 0,
        deserializer=decode, router=router,
    )  # fmt: skip
    assert received is not None
    assert (received.event, received.event_id) == (good, good.event_id)
    refused = decode_or_deadletter(
        b"not avro", "C-faust", headers, kafka_topic, 0, 1, deserializer=decode, router=router
    )
    assert refused is None
    [letter] = dead_letters_from(kafka_bootstrap, kafka_topic, 1)
    context = dead_letter_context(letter.headers)
    assert context is not None
    assert (letter.value, context.consumer) == (b"not avro", "faust-agent")
    assert context.original_offset == 1


def test_a_dead_letter_read_again_and_refused_carries_only_the_newest_context() -> None:
    first = RawMessage("onewindow.credit", 2, 40, b"k", b"\x01", (("ce_id", b"e-1"),))
    once = dead_letter_headers(first, ValueError("first"), consumer="credit")
    replayed = RawMessage(Topic.DEADLETTER, 1, 9, b"k", b"\x01", tuple(once))
    twice = dead_letter_headers(replayed, KeyError("second"), consumer="auditor")
    context = dead_letter_context(twice)
    assert context is not None
    assert (context.original_topic, context.original_offset) == (Topic.DEADLETTER, 9)
    assert (context.error_class, context.consumer) == ("KeyError", "auditor")
    assert [name for name, _ in twice].count(deadletter.ERROR_CLASS) == 1
    assert twice[0] == ("ce_id", b"e-1")
    assert dead_letter_context([("ce_id", b"e-1")]) is None
