"""The embedded broker over real TCP: clients, consumer groups, other processes."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from collections.abc import Callable

import pytest
from confluent_kafka import Consumer, Message, Producer

from hub.broker import EmbeddedBroker, consumer_config, producer_config
from hub.broker.admin import TopicAdmin
from hub.broker.embedded import RETAINED_BYTES
from hub.broker.lag import LagReader
from hub.errors import BrokerError
from hub.testing.kafka import quick_rejoin_config
from hub.topics import TopicSpec, declared_topics

pytestmark = pytest.mark.integration


def produce(bootstrap: str, topic: str, records: list[tuple[str, str]]) -> None:
    producer = Producer(producer_config(bootstrap))
    for key, value in records:
        producer.produce(topic, key=key.encode(), value=value.encode())
    assert producer.flush(10) == 0


def consume(consumer: Consumer, count: int, timeout: float = 10.0) -> list[Message]:
    messages: list[Message] = []
    while len(messages) < count:
        batch = consumer.consume(count - len(messages), timeout=timeout)
        assert batch, f"only {len(messages)} of {count} messages arrived"
        messages.extend(batch)
    return messages


def group_consumer(bootstrap: str, topic: str, group: str) -> Consumer:
    consumer = Consumer(consumer_config(bootstrap, group, **quick_rejoin_config(bootstrap)))
    consumer.subscribe([topic])
    return consumer


def test_a_consumer_reads_what_a_producer_wrote_in_key_order(
    kafka_bootstrap: str, kafka_topic: str
) -> None:
    records = [("case-1", f"event-{n}") for n in range(5)]
    produce(kafka_bootstrap, kafka_topic, records)
    consumer = group_consumer(kafka_bootstrap, kafka_topic, f"g-{uuid.uuid4().hex}")
    try:
        messages = consume(consumer, 5)
    finally:
        consumer.close()
    assert [(m.key(), m.value()) for m in messages] == [
        (key.encode(), value.encode()) for key, value in records
    ]


def test_a_group_resumes_after_its_last_commit(kafka_bootstrap: str, kafka_topic: str) -> None:
    produce(kafka_bootstrap, kafka_topic, [("k", str(n)) for n in range(10)])
    group = f"g-{uuid.uuid4().hex}"
    first = group_consumer(kafka_bootstrap, kafka_topic, group)
    try:
        processed = consume(first, 4)[:4]
        first.commit(message=processed[-1], asynchronous=False)
    finally:
        first.close()
    second = group_consumer(kafka_bootstrap, kafka_topic, group)
    try:
        resumed = consume(second, 6)
    finally:
        second.close()
    assert [m.value() for m in resumed] == [str(n).encode() for n in range(4, 10)]


def test_every_declared_topic_exists_with_its_partitions(kafka_bootstrap: str) -> None:
    specs = declared_topics()
    observed = TopicAdmin(kafka_bootstrap).observe(spec.name for spec in specs)
    assert {name: topic.partitions for name, topic in observed.items()} == {
        spec.name: spec.partitions for spec in specs
    }


def test_a_producer_in_another_process_reaches_the_broker(
    kafka_bootstrap: str, kafka_topic_factory: Callable[[int], str]
) -> None:
    topic = kafka_topic_factory(3)
    script = (
        "import sys\n"
        "from confluent_kafka import Producer\n"
        "from hub.broker import producer_config\n"
        "producer = Producer(producer_config(sys.argv[1]))\n"
        "for n in range(20):\n"
        "    producer.produce(sys.argv[2], key=f'holder-{n % 4}', value=str(n))\n"
        "sys.exit(producer.flush(10))\n"
    )
    subprocess.run([sys.executable, "-c", script, kafka_bootstrap, topic], check=True, timeout=30)
    consumer = group_consumer(kafka_bootstrap, topic, f"g-{uuid.uuid4().hex}")
    try:
        messages = consume(consumer, 20)
    finally:
        consumer.close()
    assert sorted(int(m.value() or b"") for m in messages) == list(range(20))
    assert len({m.partition() for m in messages}) > 1


def test_stopping_closes_the_port_and_is_idempotent() -> None:
    broker = EmbeddedBroker(brokers=3).start()
    servers = broker.bootstrap_servers.split(",")
    host, port = servers[0].split(":")
    assert len(servers) == 3
    broker.stop()
    broker.stop()
    with pytest.raises(ConnectionRefusedError), socket.create_connection((host, int(port)), 1):
        pass
    with pytest.raises(BrokerError, match="not running"):
        broker.create_topic("late", 1)


def test_a_topic_is_created_once_and_keeps_its_partitions() -> None:
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        assert EmbeddedBroker.running(bootstrap) is broker
        assert broker.create_topic("once", 2) is True
        assert broker.create_topic("once", 5) is False
        assert TopicAdmin(bootstrap).observe(["once"])["once"].partitions == 2
    assert EmbeddedBroker.running(bootstrap) is None


@pytest.mark.parametrize(
    ("name", "partitions", "problem"),
    [
        ("", 1, "not legal"),
        ("a b", 1, "not legal"),
        ("ok", 0, "at least 1"),
        ("ok", -3, "at least 1"),
    ],
)
def test_a_topic_the_broker_cannot_hold_is_refused_with_the_reason(
    name: str, partitions: int, problem: str
) -> None:
    with EmbeddedBroker() as broker, pytest.raises(BrokerError, match=problem):
        broker.create_topic(name, partitions)


def test_a_process_that_never_stops_its_broker_still_exits_cleanly() -> None:
    script = (
        "from confluent_kafka import Producer\n"
        "from hub.broker import EmbeddedBroker, producer_config\n"
        "broker = EmbeddedBroker().start()\n"
        "producer = Producer(producer_config(broker.bootstrap_servers))\n"
        "producer.produce('left-open', value=b'x')\n"
        "assert producer.flush(10) == 0\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr.decode()


def test_a_partition_keeps_its_newest_five_mebibytes_and_says_where_it_now_starts(
    kafka_bootstrap: str,
) -> None:
    topic = f"big-{uuid.uuid4().hex[:8]}"
    TopicAdmin(kafka_bootstrap).create(TopicSpec(topic, key="case id", partitions=1))
    reader = LagReader(kafka_bootstrap)
    produce(kafka_bootstrap, topic, [("case-1", "x" * 100_000)] * 10)
    assert reader.log_starts([topic]) == {(topic, 0): 0}

    produce(kafka_bootstrap, topic, [("case-1", "x" * 100_000)] * 60)  # 7 MB in all

    start = reader.log_starts([topic])[(topic, 0)]
    assert start > 0, "the embedded broker kept more than its 5 MiB: update RETAINED_BYTES"
    assert (70 - start) * 100_000 <= RETAINED_BYTES
