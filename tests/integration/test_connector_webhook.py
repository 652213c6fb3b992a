"""The webhook sink against a real local HTTP server: signed, retried, dead-lettered."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Collection, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Sink
from connectors.config import load_config
from connectors.running import SinkRunner
from connectors.testing import SinkContract, registry
from connectors.testing.support import dead_letters, drain
from connectors.webhook import SIGNATURE_HEADER, WebhookConfig, WebhookSink, verify
from hub.deadletter import dead_letter_context
from hub.envelope import headers_for
from hub.events import Event
from hub.events.cases import CaseRated
from hub.publisher import Publisher
from hub.serde import Deserializer, Serializer
from hub.testing.kafka import quick_rejoin_config

pytestmark = pytest.mark.integration

SECRET = "tax-bureau-webhook-secret"
FAST_RETRY = {"max_attempts": 4, "initial_backoff": 0.01, "max_backoff": 0.05}


class Receiver(ThreadingHTTPServer):
    """A department endpoint: checks each signature, fails the first ``failures`` requests."""

    def __init__(self, failures: int = 0, status: int = 503, retry_after: str | None = None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.failures, self.status, self.retry_after = failures, status, retry_after
        self.received: list[dict[str, Any]] = []
        self.headers_seen: list[dict[str, str]] = []
        self.bad_signatures = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/events"

    def ids(self) -> list[str]:
        with self.lock:
            return [document["id"] for document in self.received]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            if not verify(body, self.headers.get(SIGNATURE_HEADER), SECRET):
                self.server.bad_signatures += 1
                return self._answer(401)
            if self.server.failures > 0:
                self.server.failures -= 1
                return self._answer(self.server.status, self.server.retry_after)
            self.server.received.append(json.loads(body))
            self.server.headers_seen.append(dict(self.headers))
        return self._answer(200)

    def _answer(self, status: int, retry_after: str | None = None) -> None:
        self.send_response(status)
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test asserts on what arrived instead."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def ratings(count: int) -> list[Event]:
    run = uuid.uuid4().hex[:8]
    return [CaseRated(source="window", case_id=f"C-{run}-{n}", score=5) for n in range(count)]


class TestWebhookContract(SinkContract):
    @pytest.fixture(autouse=True)
    def _endpoint(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def make_connector(self, workdir: Path) -> tuple[Sink[Any], dict[str, Any]]:
        config = {"topics": ["onewindow.applications"], "url": self.receiver.url}
        return WebhookSink(), config | {"secret": SECRET, "retry": FAST_RETRY}

    def make_events(self, count: int) -> list[Event]:
        return ratings(count)

    def read_output(self, workdir: Path) -> Collection[str]:
        return self.receiver.ids()

    def holds(self, workdir: Path, events: Sequence[Event]) -> bool:
        """Until a signed notice listing them arrived, the department holds its copies."""
        with self.receiver.lock:
            told = [d["data"] for d in self.receiver.received if d["type"].endswith("PersonErased")]
        wanted = {event.event_id for event in events}
        return not any(wanted <= set(notice["event_ids"]) for notice in told)


@pytest.fixture
def publisher(kafka_bootstrap: str) -> Iterator[Publisher]:
    with Publisher(kafka_bootstrap, Serializer(registry())) as running:
        yield running


def run_sink(
    bootstrap: str, topic: str, publisher: Publisher, url: str, events: list[Event]
) -> tuple[SinkRunner, list[float]]:
    """Publish ``events`` to ``topic`` and run a webhook sink on it until each was handled."""
    for event in events:
        publisher.publish_raw(topic, event.key(), publisher.encode(event), headers_for(event))
    publisher.flush()
    raw = {"topics": [topic], "url": url, "secret": SECRET, "retry": FAST_RETRY}
    config = load_config(WebhookConfig, raw)
    waits: list[float] = []
    runner = SinkRunner(
        WebhookSink(),
        config,
        bootstrap,
        Deserializer(registry()),
        publisher,
        f"webhook-{uuid.uuid4().hex[:8]}",
        sleep=waits.append,
        consumer_overrides=quick_rejoin_config(bootstrap),
    )
    with runner:
        runner.start()
        drain(runner, lambda: runner.stats.delivered + runner.stats.dead_lettered >= len(events))
    return runner, waits


def test_each_request_is_a_signed_cloudevent_keyed_by_the_event_id(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher, receiver: Receiver
) -> None:
    [event] = ratings(1)
    run_sink(kafka_bootstrap, kafka_topic, publisher, receiver.url, [event])
    [document], [headers] = receiver.received, receiver.headers_seen
    assert receiver.bad_signatures == 0
    assert document["id"] == headers["ce-id"] == headers["Idempotency-Key"] == event.event_id
    assert document["type"] == "gov.onewindow.events.CaseRated"
    assert document["subject"] == event.key()
    assert document["data"]["score"] == 5
    assert headers["Content-Type"].startswith("application/cloudevents+json")


def test_busy_answers_are_retried_waiting_as_long_as_retry_after_asks(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher, receiver: Receiver
) -> None:
    receiver.failures, receiver.status, receiver.retry_after = 2, 429, "1"
    events = ratings(2)
    _, waits = run_sink(kafka_bootstrap, kafka_topic, publisher, receiver.url, events)
    assert sorted(receiver.ids()) == sorted(event.event_id for event in events)
    assert waits.count(1.0) == 2


def test_server_errors_back_off_exponentially_then_succeed(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher, receiver: Receiver
) -> None:
    receiver.failures, receiver.status = 3, 500
    [event] = ratings(1)
    _, waits = run_sink(kafka_bootstrap, kafka_topic, publisher, receiver.url, [event])
    assert receiver.ids() == [event.event_id]
    assert waits == [0.01, 0.02, 0.04]


def test_an_unreachable_department_ends_in_the_dead_letters_with_the_reason(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher, receiver: Receiver
) -> None:
    unreachable = receiver.url
    receiver.shutdown()
    receiver.server_close()
    events = ratings(2)
    runner, _ = run_sink(kafka_bootstrap, kafka_topic, publisher, unreachable, events)
    letters = dead_letters(kafka_bootstrap, [event.key() for event in events])
    assert len(letters) == 2
    context = dead_letter_context(letters[0].headers)
    assert context is not None
    assert context.consumer == runner.group_id
    assert "failed 4 times" in context.reason
    assert "ConnectError" in context.reason


def test_a_refusal_is_dead_lettered_at_once(
    kafka_bootstrap: str, kafka_topic: str, publisher: Publisher, receiver: Receiver
) -> None:
    receiver.failures, receiver.status = 1, 400
    [event] = ratings(1)
    _, waits = run_sink(kafka_bootstrap, kafka_topic, publisher, receiver.url, [event])
    [letter] = dead_letters(kafka_bootstrap, [event.key()])
    context = dead_letter_context(letter.headers)
    assert context is not None
    assert "answered 400" in context.reason
    assert waits == []
    assert receiver.ids() == []
