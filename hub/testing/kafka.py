"""Kafka for tests: the embedded broker with the hub's topics, or a real cluster.

``ONEWINDOW_TEST_KAFKA_BOOTSTRAP`` names a real cluster the tests may create topics on
(its registry topics are provisioned with ``onewindow topics apply``). When it is unset,
one embedded broker is started in the test process, every declared topic is created on
it, and it is destroyed at the end of the session. The fixtures in
:mod:`hub.testing.plugin` wrap these helpers::

    def test_my_sink(kafka_bootstrap: str, kafka_topic: str) -> None:
        producer = Producer(producer_config(kafka_bootstrap))
        producer.produce(kafka_topic, key=b"k", value=b"v")
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

from hub.broker.admin import TopicAdmin
from hub.broker.embedded import EmbeddedBroker
from hub.topics import TopicSpec, declared_topics

ENV_BOOTSTRAP = "ONEWINDOW_TEST_KAFKA_BOOTSTRAP"


@contextlib.contextmanager
def kafka_server() -> Iterator[str]:
    """Yield bootstrap servers: the configured test cluster, or a new embedded broker."""
    configured = os.environ.get(ENV_BOOTSTRAP)
    if configured:
        yield configured
        return
    with EmbeddedBroker(topics=declared_topics()) as broker:
        yield broker.bootstrap_servers


def create_test_topic(bootstrap_servers: str, partitions: int = 1, prefix: str = "test") -> str:
    """Create a topic with a unique name (``prefix-<hex>``) and return the name."""
    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    spec = TopicSpec(
        name, key="test key", partitions=partitions, replication_factor=1, min_insync_replicas=1
    )
    TopicAdmin(bootstrap_servers).create(spec)
    return name


def quick_rejoin_config(bootstrap_servers: str) -> dict[str, int]:
    """Consumer overrides that let a test restart a group member without a long wait.

    librdkafka's mock cluster keeps a group whose members have all left in a state where
    the next member waits ``session.timeout.ms`` minus one second; a one-second session
    removes that wait. Real clusters refuse sessions under 6 s, so they get nothing.
    """
    if EmbeddedBroker.running(bootstrap_servers) is None:
        return {}
    return {"session.timeout.ms": 1000, "heartbeat.interval.ms": 300}
