"""The outbox end to end: department transactions, the relay, the embedded broker.

Every test runs on a SQLite file and on PostgreSQL. Aggregate ids are unique per test, so
the session's shared topics can be read from the beginning and filtered by key.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from sqlalchemy import Column, Engine, MetaData, String, Table, func, select

from hub.broker.clients import consumer_config
from hub.cli.main import cli
from hub.db import create_engine_for, insert_ignore
from hub.deadletter import dead_letter_context
from hub.envelope import parse_headers
from hub.events import Event
from hub.events.cases import CaseRated
from hub.events.licenses import LicenseSuspended
from hub.outbox import Relay, create_outbox, outbox, write_outbox
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer, Serializer
from hub.topics import Topic

pytestmark = pytest.mark.integration

business = MetaData()
cases = Table("cases", business, Column("case_id", String, primary_key=True))


@pytest.fixture
def database(database_url: str) -> str:
    """The URL of a department database with the outbox and a business table."""
    engine = create_engine_for(database_url)
    create_outbox(engine)
    business.create_all(engine)
    engine.dispose()
    return database_url


@pytest.fixture
def engine(database: str) -> Iterator[Engine]:
    engine = create_engine_for(database)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def registry() -> EmbeddedRegistry:
    return EmbeddedRegistry()


@pytest.fixture(scope="module")
def publisher(kafka_bootstrap: str) -> Iterator[Publisher]:
    with Publisher(kafka_bootstrap) as publisher:
        yield publisher


@pytest.fixture
def relay(engine: Engine, publisher: Publisher, registry: EmbeddedRegistry) -> Relay:
    return Relay(engine, publisher, Serializer(registry), batch_size=4)


def _ratings(prefix: str, aggregates: int, per_aggregate: int) -> list[Event]:
    """Interleaved events of several cases: case 0 score 1, case 1 score 1, … case 0 score 2."""
    return [
        CaseRated(source="window", case_id=f"{prefix}-{a}", score=n % 5 + 1, comment=str(n))
        for n in range(per_aggregate)
        for a in range(aggregates)
    ]


def _commit(engine: Engine, events: list[Event]) -> None:
    with engine.begin() as conn:
        new_cases = [{"case_id": e.key()} for e in events if isinstance(e, CaseRated)]
        insert_ignore(conn, cases, new_cases, ["case_id"])
        write_outbox(conn, *events)


def _fail_after_writing(engine: Engine, event: Event) -> None:
    with engine.begin() as conn:
        conn.execute(cases.insert(), {"case_id": event.key()})
        write_outbox(conn, event)
        raise RuntimeError("department failed after writing")


class Reader:
    """Reads one topic from its start, keeping the messages with one of the test's keys."""

    def __init__(self, bootstrap: str, topic: str, keys: set[str]) -> None:
        # A short fetch wait: the broker answers at once, so "nothing came" means caught up.
        config = consumer_config(bootstrap, f"test-{uuid.uuid4().hex}", **{"fetch.wait.max.ms": 10})
        self.consumer = Consumer(config)
        partitions = self.consumer.list_topics(topic, timeout=10).topics[topic].partitions
        self.consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        self.keys = keys
        self.messages: list[Any] = []
        self.ids: set[str] = set()

    def read(self, timeout: float) -> bool:
        """Take what has arrived; False when nothing did."""
        batch = self.consumer.consume(500, timeout=timeout)
        for message in batch:
            if message.error() is None and (message.key() or b"").decode() in self.keys:
                self.messages.append(message)
                self.ids.add(_event_id(message))
        return bool(batch)

    def catch_up(self) -> int:
        """Read until the topic has had nothing new for a while; the number of ids seen."""
        idle = 0
        while idle < 3:
            idle = 0 if self.read(0.05) else idle + 1
        return len(self.ids)

    def until(self, wanted: int) -> list[Any]:
        """Read until ``wanted`` distinct ids have been seen (or 30 seconds passed)."""
        deadline = time.monotonic() + 30
        while len(self.ids) < wanted and time.monotonic() < deadline:
            self.read(0.5)
        self.consumer.close()
        return self.messages


def _consume(bootstrap: str, topic: str, keys: set[str], wanted: int) -> list[Any]:
    """Messages of ``topic`` with one of ``keys``, from the start, until ``wanted`` ids seen."""
    return Reader(bootstrap, topic, keys).until(wanted)


def _event_id(message: Any) -> str:
    """The CloudEvents id of an event, the outbox row id of a dead letter."""
    headers: dict[str, str] = {name: value.decode() for name, value in message.headers()}
    return headers.get("ce_id") or headers["dlq.outbox.row_id"]


def _first_seen_per_key(messages: list[Any]) -> dict[str, list[str]]:
    """Event ids per key in arrival order, each duplicate dropped as a consumer would."""
    seen: set[str] = set()
    order: dict[str, list[str]] = defaultdict(list)
    for message in messages:
        event_id = _event_id(message)
        if event_id not in seen:
            seen.add(event_id)
            order[message.key().decode()].append(event_id)
    return dict(order)


def _written_order(events: list[Event]) -> dict[str, list[str]]:
    order: dict[str, list[str]] = defaultdict(list)
    for event in events:
        order[event.key()].append(event.event_id)
    return dict(order)


def _unsent(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(outbox.c.sent_at.is_(None))).scalar_one()


def test_rows_are_published_in_order_with_key_cloudevents_headers_and_avro(
    engine: Engine, relay: Relay, kafka_bootstrap: str, registry: EmbeddedRegistry
) -> None:
    prefix = f"C-{uuid.uuid4().hex[:8]}"
    ratings = _ratings(prefix, aggregates=3, per_aggregate=5)
    suspension = LicenseSuspended(
        source="market", license_id=f"L-{prefix}", authority="Haining MSB", reason="inspection"
    )
    _commit(engine, [*ratings, suspension])

    stats = relay.drain()

    assert (stats.sent, stats.dead_lettered, _unsent(engine)) == (16, 0, 0)
    messages = _consume(kafka_bootstrap, Topic.APPLICATIONS, {e.key() for e in ratings}, 15)
    assert _first_seen_per_key(messages) == _written_order(ratings)
    by_id = {event.event_id: event for event in ratings}
    decoder = Deserializer(registry)
    for message in messages:
        envelope = parse_headers(message.headers())
        event = by_id[envelope.id]
        assert (envelope.event_name, envelope.source, envelope.subject) == (
            "CaseRated",
            "window",
            event.key(),
        )
        assert envelope.time == event.occurred_at
        assert decoder.decode(message.value()).to_event() == event
    [licensed] = _consume(kafka_bootstrap, Topic.LICENSES, {suspension.key()}, 1)
    assert decoder.decode(licensed.value()).to_event() == suspension


def test_an_invalid_row_goes_to_the_dead_letters_with_its_reason_and_the_relay_goes_on(
    database: str, engine: Engine, relay: Relay, kafka_bootstrap: str
) -> None:
    prefix = f"C-{uuid.uuid4().hex[:8]}"
    before, after = _ratings(prefix, 1, 2)
    bad = CaseRated(source="window", case_id=f"{prefix}-0", score=3)
    _commit(engine, [before])
    with engine.begin() as conn:
        row = {
            "id": bad.event_id,
            "aggregatetype": "applications",
            "aggregateid": bad.case_id,
            "type": "CaseRated",
            "payload": bad.model_dump_json().replace('"score":3', '"score":9'),
        }
        conn.execute(outbox.insert(), row)
        write_outbox(conn, after)

    stats = relay.drain()

    assert (stats.sent, stats.dead_lettered, _unsent(engine)) == (2, 1, 0)
    [letter] = _consume(kafka_bootstrap, Topic.DEADLETTER, {bad.case_id}, 1)
    headers = {name: value.decode() for name, value in letter.headers()}
    assert headers["dlq.outbox.row_id"] == bad.event_id
    assert headers["dlq.outbox.table"] == "outbox"
    context = dead_letter_context(letter.headers())
    assert context is not None
    assert (context.error_class, context.consumer) == ("ValidationError", "outbox-relay")
    assert "payload is not a valid CaseRated: score:" in context.reason
    assert letter.value().decode() == row["payload"]
    published = _consume(kafka_bootstrap, Topic.APPLICATIONS, {bad.case_id}, 2)
    assert _first_seen_per_key(published) == {bad.case_id: [before.event_id, after.event_id]}
    with engine.connect() as conn:
        reason = conn.execute(
            select(outbox.c.dead_letter_reason).where(outbox.c.id == bad.event_id)
        ).scalar_one()
    assert "less than or equal to 5" in str(reason)
    assert relay.drain().batches == 0
    status = CliRunner().invoke(cli, ["outbox", "status", "--database-url", database, "--json"])
    assert json.loads(status.output) == {"waiting": 0, "sent": 2, "dead_lettered": 1}


def test_a_rolled_back_business_transaction_leaves_nothing_to_publish(
    engine: Engine, relay: Relay
) -> None:
    [rating] = _ratings(f"C-{uuid.uuid4().hex[:8]}", 1, 1)
    with pytest.raises(RuntimeError, match="department failed"):
        _fail_after_writing(engine, rating)

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(cases)).scalar() == 0
    assert relay.drain().batches == 0


def _relay_process(url: str, bootstrap: str, home: Path, *options: str) -> subprocess.Popen[str]:
    """``onewindow outbox relay`` as its own process, as a department would run it."""
    env = os.environ | {
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        "ONEWINDOW_DATA_DIR": str(home),
        "ONEWINDOW_CONFIG": str(home / "absent.toml"),
    }
    command = [sys.executable, "-c", "from hub.cli.main import cli; cli()", "outbox", "relay"]
    return subprocess.Popen(
        [*command, "--database-url", url, *options],
        env=env,
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until_sent(engine: Engine, total: int, at_least: int, process: Any) -> None:
    deadline = time.monotonic() + 60
    while total - _unsent(engine) < at_least:
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the relay sent too little in time: {process.communicate()}")
        time.sleep(0.005)


def _kill_between_delivery_and_marking(
    engine: Engine, total: int, process: Any, reader: Reader
) -> tuple[int, int]:
    """Freeze the relay now and then; kill it once the broker holds rows it has not marked."""
    _wait_until_sent(engine, total, 200, process)
    for _attempt in range(200):
        process.send_signal(signal.SIGSTOP)
        delivered, marked = reader.catch_up(), total - _unsent(engine)
        if delivered > marked:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            return delivered, marked
        process.send_signal(signal.SIGCONT)
        time.sleep(0.005)
    raise AssertionError("the relay was never caught between delivering and marking")


def test_a_relay_killed_mid_batch_and_restarted_delivers_every_row_in_order(
    database: str, engine: Engine, kafka_bootstrap: str, tmp_path: Path
) -> None:
    events = _ratings(f"C-{uuid.uuid4().hex[:8]}", aggregates=20, per_aggregate=100)
    for start in range(0, len(events), 100):
        _commit(engine, events[start : start + 100])
    reader = Reader(kafka_bootstrap, Topic.APPLICATIONS, {e.key() for e in events})

    first = _relay_process(database, kafka_bootstrap, tmp_path, "--batch", "50")
    delivered, marked = _kill_between_delivery_and_marking(engine, len(events), first, reader)
    second = _relay_process(database, kafka_bootstrap, tmp_path, "--once", "--json")
    out, err = second.communicate(timeout=120)
    messages = reader.until(len(events))

    assert first.returncode == -signal.SIGKILL
    assert marked < delivered < len(events)
    assert second.returncode == 0, err
    summary = json.loads(out)
    assert (summary["sent"], summary["dead_lettered"], _unsent(engine)) == (
        len(events) - marked,
        0,
        0,
    )
    assert {_event_id(message) for message in messages} == {e.event_id for e in events}
    assert len(messages) > len(events)  # the rows delivered but not marked went out again
    assert _first_seen_per_key(messages) == _written_order(events)


def test_a_running_relay_finishes_its_batch_and_exits_0_on_sigterm(
    database: str, engine: Engine, kafka_bootstrap: str, tmp_path: Path
) -> None:
    events = _ratings(f"C-{uuid.uuid4().hex[:8]}", aggregates=3, per_aggregate=10)
    _commit(engine, events)
    relay = _relay_process(database, kafka_bootstrap, tmp_path, "--interval", "0.05", "--json")
    _wait_until_sent(engine, len(events), len(events), relay)
    relay.send_signal(signal.SIGTERM)
    out, err = relay.communicate(timeout=30)

    assert relay.returncode == 0, err
    assert json.loads(out)["sent"] == len(events)
    assert "signal 15: finishing the current batch" in err


@pytest.mark.postgres
def test_relays_sharing_a_postgresql_outbox_keep_each_aggregate_in_order(
    postgres_url: str, kafka_bootstrap: str, registry: EmbeddedRegistry
) -> None:
    engine = create_engine_for(postgres_url)
    create_outbox(engine)
    business.create_all(engine)
    events = _ratings(f"C-{uuid.uuid4().hex[:8]}", aggregates=12, per_aggregate=50)
    _commit(engine, events)
    stop = threading.Event()
    publishers = [Publisher(kafka_bootstrap) for _ in range(3)]
    relays = [Relay(engine, p, Serializer(registry), batch_size=20) for p in publishers]

    with ThreadPoolExecutor(len(relays)) as pool:
        runs = [pool.submit(relay.run, stop, 0.01) for relay in relays]
        deadline = time.monotonic() + 60
        while _unsent(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        stats = [run.result() for run in runs]
    for publisher in publishers:
        publisher.close()
    engine.dispose()

    assert sum(s.sent for s in stats) == len(events)
    assert sum(1 for s in stats if s.sent) >= 2
    messages = _consume(kafka_bootstrap, Topic.APPLICATIONS, {e.key() for e in events}, 600)
    assert _first_seen_per_key(messages) == _written_order(events)


def test_cli_creates_the_table_and_counts_the_backlog(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dept' / 'd.db'}"
    runner = CliRunner()

    created = runner.invoke(cli, ["outbox", "init", "--database-url", url])
    counted = runner.invoke(cli, ["outbox", "status", "--database-url", url, "--json"])

    assert created.exit_code == 0, created.output
    assert json.loads(counted.output) == {"waiting": 0, "sent": 0, "dead_lettered": 0}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--database-url", "mysql://db/x"], "unsupported database"),
        (["--database-url", "sqlite:///x.db"], "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS"),
        (["--database-url", "sqlite:///x.db", "--batch", "0"], "--batch"),
    ],
)
def test_cli_relay_usage_errors_exit_2_naming_the_problem(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    env = {"ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": "", "ONEWINDOW_CONFIG": str(tmp_path / "no")}
    result = CliRunner().invoke(cli, ["outbox", "relay", "--once", *arguments], env=env)
    assert result.exit_code == 2
    assert message in result.output
