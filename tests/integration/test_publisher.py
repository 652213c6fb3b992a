"""The publisher on the embedded broker over TCP: what lands on the topic, and what cannot."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.bench.publish import run as run_bench
from hub.consuming import read_message
from hub.envelope import parse_headers
from hub.errors import PublishError, SerializationError
from hub.events.cases import CaseRated
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


def test_a_publisher_without_serializer_refuses_events_before_queueing(
    kafka_bootstrap: str,
) -> None:
    with Publisher(kafka_bootstrap) as relay:
        with pytest.raises(SerializationError, match="relays raw bytes only"):
            relay.publish(rating())
        with pytest.raises(SerializationError, match="relays raw bytes only"):
            relay.publish_many([rating()])
        assert relay.flush(1) == 0


def test_a_batch_is_confirmed_as_a_whole_in_order_per_key(
    kafka_bootstrap: str, publisher: Publisher
) -> None:
    events = [rating(f"C-BATCH-{n % 3}", score=1 + n % 5) for n in range(30)]
    batch = publisher.publish_many(events)
    assert batch.wait(10) == 30
    assert (batch.done(), batch.confirmed, batch.refused) == (True, 30, {})
    assert publisher.publish_many([]).wait(0) == 0
    # The last event of a key is the newest message of its partition: order kept per key.
    last = events[-1]
    delivery = publisher.publish_sync(rating(last.case_id), timeout=10)
    message = read_message(kafka_bootstrap, delivery.topic, delivery.partition, delivery.offset - 1)
    assert message.value is not None
    assert Deserializer(REGISTRY).decode(message.value).to_event() == last


def test_a_full_local_queue_is_waited_out_not_failed(kafka_bootstrap: str) -> None:
    # More events than the queue holds, and than a batch queues between serving reports.
    tiny_queue = {"queue.buffering.max.messages": 50}
    with Publisher(kafka_bootstrap, Serializer(REGISTRY), **tiny_queue) as small:
        batch = small.publish_many([rating(f"C-QUEUE-{n}") for n in range(1200)])
        assert batch.wait(20) == 1200


def test_a_refused_batch_names_every_event_that_was_not_accepted() -> None:
    events = [rating(f"C-LOST-{n}") for n in range(3)]
    with Publisher("127.0.0.1:9", Serializer(REGISTRY), **{"delivery.timeout.ms": 1500}) as pub:
        batch = pub.publish_many(events)
        with pytest.raises(PublishError, match="3 of 3 events were not accepted: ") as refused:
            batch.wait(10)
    assert all(event.event_id in str(refused.value) for event in events)
    assert "timed out" in str(refused.value)
    assert (batch.confirmed, set(batch.refused)) == (0, {event.event_id for event in events})


def test_an_unanswered_batch_says_how_many_are_missing() -> None:
    with Publisher("127.0.0.1:9", Serializer(REGISTRY), **{"delivery.timeout.ms": 1500}) as pub:
        batch = pub.publish_many([rating("C-SLOW-1"), rating("C-SLOW-2")])
        with pytest.raises(PublishError, match=r"2 of 2 events not confirmed within 0\.1s"):
            batch.wait(0.1)
        with pytest.raises(PublishError, match="were not accepted"):
            batch.wait(10)


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


def test_closing_ends_the_callback_thread_and_releases_the_producer(kafka_bootstrap: str) -> None:
    before = _rdkafka_threads()
    publisher = Publisher(kafka_bootstrap, Serializer(REGISTRY))
    publisher.publish_sync(rating("C-CLOSE"), timeout=10)
    assert _rdkafka_threads() > before
    publisher.close()
    assert not any(
        thread.name == "onewindow-publisher-callbacks" for thread in threading.enumerate()
    )
    # librdkafka's own threads (rdk:main, rdk:broker…) end only when the producer is destroyed.
    assert _rdkafka_threads() == before
    assert publisher.flush() == 0


def test_closing_with_unconfirmed_messages_fails_them_and_releases_the_producer() -> None:
    before = _rdkafka_threads()
    publisher = Publisher("127.0.0.1:9", Serializer(REGISTRY))
    future = publisher.publish(rating("C-UNSENT"))
    with pytest.raises(PublishError, match=r"1 messages were not confirmed within 0\.2s"):
        publisher.close(0.2)
    with pytest.raises(PublishError, match=r"did not accept event .*[Pp]urged"):
        future.result(1)
    assert _rdkafka_threads() == before


def _rdkafka_threads() -> int:
    tasks = Path("/proc/self/task").iterdir()
    return sum((task / "comm").read_text().startswith("rdk:") for task in tasks)


def test_a_short_publish_bench_reports_consistent_figures() -> None:
    report = run_bench(records=600, rounds=2, rate=200, seconds=0.5)
    assert report.ratio == report.publish_per_s / report.raw_encode_per_s
    assert min(report.median_ratio, report.thread_cpu_ratio) > 0
    assert report.received == report.sent == 100
    assert report.passed is (report.ratio >= 0.85)
    assert report.as_dict()["passed"] is report.passed
    assert "raw fastavro encoding" in report.lines()[0]
