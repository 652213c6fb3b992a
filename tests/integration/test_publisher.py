"""The publisher on the embedded broker over TCP: what lands on the topic, and what cannot."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from hub.consuming import read_message
from hub.envelope import parse_headers
from hub.errors import PublishError, SerializationError
from hub.events.cases import CaseCompleted, CaseRated
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer, Serializer
from hub.topics import Topic

pytestmark = pytest.mark.integration

REGISTRY = EmbeddedRegistry()


@pytest.fixture
def publisher(kafka_bootstrap: str) -> Iterator[Publisher]:
    with Publisher(kafka_bootstrap, Serializer(REGISTRY)) as running:
        yield running


def rating(case_id: str = "C-2026-000001", score: int = 4) -> CaseRated:
    when = datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    return CaseRated(source="window.tax", case_id=case_id, score=score, occurred_at=when)


def test_an_event_lands_keyed_encoded_and_enveloped(
    kafka_bootstrap: str, publisher: Publisher
) -> None:
    event = rating()
    delivery = publisher.publish_sync(event, timeout=10)
    assert delivery.topic == Topic.APPLICATIONS
    assert delivery.event_id == event.event_id
    message = read_message(kafka_bootstrap, delivery.topic, delivery.partition, delivery.offset)
    assert message.key == b"C-2026-000001"
    assert message.value is not None
    assert Deserializer(REGISTRY).decode(message.value).to_event() == event
    envelope = parse_headers(message.headers)
    assert (envelope.id, envelope.event_name, envelope.source) == (
        event.event_id,
        "CaseRated",
        "window.tax",
    )
    assert (envelope.subject, envelope.time) == ("C-2026-000001", event.occurred_at)


def test_events_of_one_key_keep_their_order(publisher: Publisher) -> None:
    futures = [publisher.publish(rating("C-ORDER", score=1 + n % 5)) for n in range(20)]
    deliveries = [future.result(10) for future in futures]
    assert len({d.partition for d in deliveries}) == 1
    offsets = [d.offset for d in deliveries]
    assert offsets == list(range(offsets[0], offsets[0] + 20))


def test_asyncio_code_awaits_the_confirmation(publisher: Publisher) -> None:
    event = rating("C-ASYNC")
    delivery = asyncio.run(publisher.publish_async(event))
    assert (delivery.topic, delivery.event_id) == (Topic.APPLICATIONS, event.event_id)


def test_an_event_that_breaks_its_schema_is_refused_before_sending(publisher: Publisher) -> None:
    # The model takes any int; Avro's "int" is 32 bits, and a long would break every reader.
    completed = CaseCompleted(
        source="window.tax",
        case_id="C-LONG",
        outcome="APPROVED",
        approved_task_ids=("T-1",),
        working_days=2**40,
    )
    with pytest.raises(SerializationError, match=r"field CaseCompleted\.working_days is 1099"):
        publisher.publish(completed)
    assert publisher.flush(1) == 0


def test_raw_bytes_are_relayed_as_they_are(kafka_bootstrap: str, publisher: Publisher) -> None:
    headers = [("ce_id", b"raw-1"), ("origin", b"outbox")]
    delivery = publisher.publish_raw(Topic.DEADLETTER, "k-1", b"\x01\x02", headers).result(10)
    assert delivery.event_id == "raw-1"
    message = read_message(kafka_bootstrap, delivery.topic, delivery.partition, delivery.offset)
    assert (message.key, message.value, message.headers) == (b"k-1", b"\x01\x02", tuple(headers))


def test_a_broker_that_never_answers_fails_the_future_with_the_reason() -> None:
    # Port 9 (discard) has no Kafka broker; a short delivery timeout makes the failure quick.
    with Publisher("127.0.0.1:9", Serializer(REGISTRY), **{"delivery.timeout.ms": 1500}) as pub:
        future = pub.publish(rating("C-LOST"))
        with pytest.raises(PublishError, match=r"did not accept event .*timed out"):
            future.result(10)


def test_a_closed_publisher_refuses_new_events(kafka_bootstrap: str) -> None:
    publisher = Publisher(kafka_bootstrap, Serializer(REGISTRY))
    publisher.close()
    with pytest.raises(PublishError, match="publisher is closed"):
        publisher.publish(rating())
