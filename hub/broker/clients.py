"""librdkafka client configurations with the hub's delivery guarantees built in.

Producers are idempotent and wait for every in-sync replica; consumers commit only
what they have processed (at least once, never auto-commit). Both refresh topic
metadata often enough that a consumer subscribed before a topic existed sees it soon::

    producer = Producer(producer_config(settings.kafka))
    consumer = Consumer(consumer_config("127.0.0.1:9092", "dispatch", **{"fetch.min.bytes": 1}))
"""

from __future__ import annotations

from typing import Any

from hub.settings import KafkaSettings

# librdkafka's default is five minutes, far too long for a topic created after subscribe.
METADATA_REFRESH_MS = 5000

_COMMON: dict[str, Any] = {
    "topic.metadata.refresh.interval.ms": METADATA_REFRESH_MS,
}

_PRODUCER: dict[str, Any] = {
    "enable.idempotence": True,
    "acks": "all",
    "linger.ms": 5,
    "delivery.timeout.ms": 120000,
}

_CONSUMER: dict[str, Any] = {
    "enable.auto.commit": False,
    "auto.offset.reset": "earliest",
    "isolation.level": "read_committed",
    "session.timeout.ms": 10000,
    "heartbeat.interval.ms": 3000,
}


def base_config(connection: str | KafkaSettings, **overrides: Any) -> dict[str, Any]:
    """Connection settings (bootstrap string or the hub's Kafka settings) plus overrides."""
    if isinstance(connection, KafkaSettings):
        connection_config: dict[str, Any] = dict(connection.librdkafka_config())
    else:
        connection_config = {"bootstrap.servers": connection}
    return connection_config | _COMMON | overrides


def producer_config(connection: str | KafkaSettings, **overrides: Any) -> dict[str, Any]:
    """An idempotent producer that waits for all in-sync replicas (``acks=all``)."""
    return base_config(connection, **(_PRODUCER | overrides))


def consumer_config(
    connection: str | KafkaSettings, group_id: str, **overrides: Any
) -> dict[str, Any]:
    """An at-least-once group consumer: starts at the earliest offset, commits explicitly."""
    return base_config(connection, **(_CONSUMER | {"group.id": group_id} | overrides))


def admin_config(connection: str | KafkaSettings, **overrides: Any) -> dict[str, Any]:
    """An admin client of the cluster."""
    return base_config(connection, **overrides)
