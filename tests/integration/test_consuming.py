"""The shared consumer loop on the embedded broker: order, duplicates, at least once."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hub.consuming import EventConsumer, Handler, Received
from hub.envelope import headers_for
from hub.events.cases import CaseRated
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer, Serializer
from hub.testing.kafka import quick_rejoin_config

pytestmark = pytest.mark.integration

REGISTRY = EmbeddedRegistry()


@pytest.fixture
def publisher(kafka_bootstrap: str) -> Iterator[Publisher]:
    with Publisher(kafka_bootstrap, Serializer(REGISTRY)) as running:
        yield running


def put(publisher: Publisher, topic: str, event: CaseRated) -> None:
    """Publish ``event`` to a test topic instead of its own, as the real publisher encodes it."""
    value = publisher.encode(event)
    publisher.publish_raw(topic, event.key(), value, headers_for(event)).result(10)


def consumer_of(
    bootstrap: str, topic: str, group: str, publisher: Publisher, handler: Handler
) -> EventConsumer:
    overrides: dict[str, Any] = quick_rejoin_config(bootstrap)
    return EventConsumer(
        bootstrap,
        group,
        [topic],
        handler,
        deserializer=Deserializer(REGISTRY),
        publisher=publisher,
        **overrides,
    )


def drain(consumer: EventConsumer, until: Callable[[], bool], rounds: int = 40) -> None:
    for _ in range(rounds):
        if until():
            return
        consumer.poll_batch(0.5)
    raise AssertionError(f"gave up waiting; stats {consumer.stats}")


def ratings(count: int, case_id: str = "C-1") -> list[CaseRated]:
    return [CaseRated(source="window", case_id=case_id, score=1 + n % 5) for n in range(count)]


def test_events_reach_the_handler_in_order_and_are_committed(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher
) -> None:
    events = ratings(5)
    for event in events:
        put(publisher, kafka_topic, event)
    group, handled = f"g-{uuid.uuid4().hex}", list[Received]()
    with consumer_of(kafka_bootstrap, kafka_topic, group, publisher, handled.append) as consumer:
        drain(consumer, lambda: len(handled) == 5)
    assert [r.event for r in handled] == events
    assert handled[0].message.key == b"C-1"
    assert handled[0].message.header("ce_type") == "gov.onewindow.events.CaseRated"
    put(publisher, kafka_topic, later := ratings(1)[0])
    again: list[Received] = []
    with consumer_of(kafka_bootstrap, kafka_topic, group, publisher, again.append) as consumer:
        drain(consumer, lambda: len(again) >= 1)
    assert [r.event for r in again] == [later]


def test_the_same_event_published_twice_is_handled_once(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher
) -> None:
    first, second = ratings(2)
    for event in (first, first, second, first):
        put(publisher, kafka_topic, event)
    handled: list[Received] = []
    group = f"g-{uuid.uuid4().hex}"
    with consumer_of(kafka_bootstrap, kafka_topic, group, publisher, handled.append) as consumer:
        drain(consumer, lambda: consumer.stats.handled + consumer.stats.duplicates == 4)
        assert consumer.stats.duplicates == 2
    assert [r.event_id for r in handled] == [first.event_id, second.event_id]


def test_without_a_ce_id_header_duplicates_are_found_by_the_recorded_event_id(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher
) -> None:
    [event] = ratings(1)
    value = publisher.encode(event)
    for _ in range(2):
        publisher.publish_raw(kafka_topic, event.key(), value).result(10)
    handled: list[Received] = []
    group = f"g-{uuid.uuid4().hex}"
    with consumer_of(kafka_bootstrap, kafka_topic, group, publisher, handled.append) as consumer:
        drain(consumer, lambda: consumer.stats.duplicates == 1)
    assert [r.event_id for r in handled] == [event.event_id]


def test_a_failing_handler_commits_nothing_and_the_event_comes_again(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher
) -> None:
    [event] = ratings(1)
    put(publisher, kafka_topic, event)
    group = f"g-{uuid.uuid4().hex}"

    def fail(received: Received) -> None:
        raise RuntimeError("the database is down")

    with (
        consumer_of(kafka_bootstrap, kafka_topic, group, publisher, fail) as consumer,
        pytest.raises(RuntimeError, match="database is down"),
    ):
        drain(consumer, lambda: False)
    handled: list[Received] = []
    with consumer_of(kafka_bootstrap, kafka_topic, group, publisher, handled.append) as consumer:
        drain(consumer, lambda: len(handled) == 1)
    assert handled[0].event == event


def test_after_a_handler_error_the_same_consumer_sees_the_event_again(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher
) -> None:
    events = ratings(3)
    for event in events:
        put(publisher, kafka_topic, event)
    handled: list[Received] = []
    failures: list[Received] = []

    def fail_once_on_the_second(received: Received) -> None:
        if received.event == events[1] and not failures:
            failures.append(received)
            raise RuntimeError("transient")
        handled.append(received)

    group = f"g-{uuid.uuid4().hex}"
    with consumer_of(
        kafka_bootstrap, kafka_topic, group, publisher, fail_once_on_the_second
    ) as consumer:
        with pytest.raises(RuntimeError, match="transient"):
            drain(consumer, lambda: False)
        drain(consumer, lambda: len(handled) == 3)
    assert [r.event for r in handled] == events
