"""faust settings that let stream processors run on the hub's topics, real or embedded.

faust must never declare topics itself: the registry provisions them (the embedded
broker has no CreateTopics, and would auto-create a missing topic with the wrong
partition count), including each table's changelog, which must have the partitions of
the table's source topic::

    app = faust.App("dispatch", **faust_app_config(settings.kafka, topic_partitions=6))
    cases = app.Table("cases", default=dict)   # provisioned as faust_changelog_topic(...)
"""

from __future__ import annotations

from typing import Any

from hub.broker.transport import SCHEME
from hub.settings import KafkaSettings

_AT_LEAST_ONCE: dict[str, Any] = {
    # faust-streaming's exactly-once mode is unreliable; processors are idempotent instead.
    "processing_guarantee": "at_least_once",
    "topic_allow_declare": False,
    # The leader-election topic is one more topic to provision, for a feature we do not use.
    "topic_disable_leader": True,
    "consumer_auto_offset_reset": "earliest",
    "store": "memory://",
    # The hub serves its own HTTP API; faust's web server would only compete for a port.
    "web_enabled": False,
    # Committing often keeps the redelivered window small after a crash or restart.
    "broker_commit_interval": 1.0,
}


def faust_broker_urls(connection: str | KafkaSettings) -> list[str]:
    """``host:port,…`` (or the hub's Kafka settings) as URLs of the hub's faust transport."""
    servers = connection.bootstrap_servers if isinstance(connection, KafkaSettings) else connection
    return [f"{SCHEME}://{server.strip()}" for server in servers.split(",") if server.strip()]


def faust_app_config(
    connection: str | KafkaSettings, topic_partitions: int, **overrides: Any
) -> dict[str, Any]:
    """Keyword arguments for ``faust.App``: at-least-once, no topic declaration."""
    return (
        _AT_LEAST_ONCE
        | {"broker": faust_broker_urls(connection), "topic_partitions": topic_partitions}
        | overrides
    )
