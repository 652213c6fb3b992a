"""Outbox rows to messages, and which rows a batch may mark sent: no broker involved."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import pytest
from sqlalchemy import Engine, select
from test_events_examples import example

from hub.db import create_engine_for
from hub.envelope import Headers, parse_headers
from hub.errors import HubError, PublishError, SettingsError, ValidationError
from hub.events import EVENT_MODELS
from hub.events.cases import CaseRated
from hub.outbox import (
    AGGREGATE_TOPICS,
    Relay,
    create_outbox,
    outbox,
    outbox_row,
    write_outbox,
)
from hub.outbox.messages import OutboxRow, event_of, message_for
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer, Serializer
from hub.topics import Topic

REGISTRY = EmbeddedRegistry()


def _row(event: Any, **changes: str) -> OutboxRow:
    return OutboxRow(seq=1, **(outbox_row(event) | changes))


# Erasure notices are the hub's own (hub.trust.deliveries), not a department's to send.
HUB_ONLY = {Topic.ERASURES}
DEPARTMENT_EVENTS = sorted(n for n, model in EVENT_MODELS.items() if model.topic not in HUB_ONLY)


@pytest.mark.parametrize("name", DEPARTMENT_EVENTS)
def test_every_event_type_survives_the_outbox_payload(name: str) -> None:
    event = example(name)
    message = message_for(_row(event), Serializer(REGISTRY))
    assert (message.topic, message.key, message.reason) == (event.topic, event.key(), None)
    assert parse_headers(message.headers).id == event.event_id
    assert Deserializer(REGISTRY).decode(message.value).to_event() == event


def test_aggregate_types_route_like_debeziums_topic_replacement() -> None:
    assert all(f"onewindow.{kind}" == topic for kind, topic in AGGREGATE_TOPICS.items())
    topics = {model.topic for model in EVENT_MODELS.values()}
    assert topics - HUB_ONLY <= set(AGGREGATE_TOPICS.values())


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"type": "CaseRatedTwice"}, "no event model named 'CaseRatedTwice'"),
        ({"payload": "{not json"}, "payload is not a valid CaseRated: payload: Invalid JSON"),
        ({"payload": '{"source": "w", "score": 3}'}, "case_id: Field required"),
        ({"aggregatetype": "cases"}, "aggregatetype 'cases' routes to no topic"),
        ({"aggregatetype": "licenses"}, "aggregatetype topic is 'onewindow.licenses'"),
        ({"aggregateid": "C-2"}, "aggregateid is 'C-2' but the payload says 'C-1'"),
        ({"id": "another"}, "id is 'another'"),
    ],
)
def test_a_row_that_is_not_its_event_names_the_problem(
    changes: dict[str, str], reason: str
) -> None:
    row = _row(CaseRated(source="window", case_id="C-1", score=3), **changes)
    with pytest.raises(HubError, match=reason):
        event_of(row)
    letter = message_for(row, Serializer(REGISTRY))
    assert (letter.topic, letter.key, letter.value) == (
        Topic.DEADLETTER,
        row.aggregateid,
        row.payload.encode(),
    )
    assert letter.reason is not None
    assert reason in letter.reason


def test_a_valid_payload_with_out_of_range_value_is_a_validation_error() -> None:
    row = _row(CaseRated(source="window", case_id="C-1", score=3))
    broken = OutboxRow(**{**row.__dict__, "payload": row.payload.replace('"score":3', '"score":0')})
    with pytest.raises(ValidationError, match="score: Input should be greater than or equal to 1"):
        event_of(broken)


class FlakySender:
    """Confirms every CaseRated record except the listed (case id, score) pairs."""

    def __init__(self, refused: set[tuple[str, int]]) -> None:
        self.refused = refused
        self.sent: list[str] = []

    def publish_raw(self, topic: str, key: str, value: bytes, headers: Headers) -> Future[Any]:
        record = Deserializer(REGISTRY).decode(value).record
        self.sent.append(f"{key}#{record['score']}")
        future: Future[Any] = Future()
        if (key, record["score"]) in self.refused:
            future.set_exception(PublishError("refused"))
        else:
            future.set_result(None)
        return future

    def flush(self, timeout: float) -> int:
        return 0


@pytest.fixture
def engine() -> Engine:
    engine = create_engine_for("sqlite://")
    create_outbox(engine)
    with engine.begin() as conn:
        write_outbox(
            conn,
            *(
                CaseRated(source="window", case_id=case_id, score=score)
                for score in (1, 2, 3)
                for case_id in ("A", "B")
            ),
        )
    return engine


def _marked_sent(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.c.payload).where(outbox.c.sent_at.is_not(None)))
        ratings = [CaseRated.model_validate_json(payload) for (payload,) in rows]
    return sorted(f"{rating.case_id}#{rating.score}" for rating in ratings)


def test_an_unconfirmed_row_holds_back_the_rest_of_its_aggregate_only(engine: Engine) -> None:
    sender = FlakySender(refused={("A", 2)})
    relay = Relay(engine, sender, Serializer(REGISTRY), batch_size=10)

    stats = relay.relay_batch()

    assert (stats.sent, stats.unconfirmed) == (4, 2)
    assert _marked_sent(engine) == ["A#1", "B#1", "B#2", "B#3"]
    sender.refused.clear()
    sender.sent.clear()
    assert relay.relay_batch().sent == 2
    assert sender.sent == ["A#2", "A#3"]
    assert relay.relay_batch().batches == 0


def test_drain_stops_with_a_publish_error_when_the_broker_does_not_confirm(
    engine: Engine,
) -> None:
    relay = Relay(engine, FlakySender(refused={("B", 1)}), Serializer(REGISTRY))
    with pytest.raises(PublishError, match="3 outbox rows were not confirmed"):
        relay.drain()


def test_batch_size_must_be_positive(engine: Engine) -> None:
    with pytest.raises(SettingsError, match="at least 1"):
        Relay(engine, FlakySender(set()), Serializer(REGISTRY), batch_size=0)
