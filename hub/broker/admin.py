"""Provisioning the topic registry: observe a cluster, report drift, fix it idempotently.

On a real cluster the Kafka admin API creates topics, adds partitions and alters the
configs that drifted. librdkafka's mock cluster (the embedded broker) answers only
metadata, so against it drift is checked for existence and partition count alone, and
missing topics are created through the mock API when the broker runs in this process::

    result = apply_topics(TopicAdmin("kafka-1:9092"), declared_topics())
    assert not result.remaining
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

# confluent_kafka.admin re-exports these without __all__; strict mypy wants their homes.
from confluent_kafka.admin._config import AlterConfigOpType, ConfigEntry, ConfigResource
from confluent_kafka.admin._resource import ResourceType
from confluent_kafka.cimpl import NewPartitions, NewTopic

from hub.broker.clients import admin_config
from hub.broker.drift import Drift, DriftKind, ObservedTopic, find_drift
from hub.broker.embedded import EmbeddedBroker
from hub.errors import BrokerError
from hub.settings import KafkaSettings
from hub.topics import TopicSpec

# librdkafka's mock cluster names itself so in metadata; nothing else does.
MOCK_CLUSTER_PREFIX = "mockCluster"
SETTLE_ATTEMPTS, SETTLE_PAUSE_S = 6, 0.5
EMBEDDED_LIMITS = (
    "the embedded broker has no admin API: only existence and partition counts are "
    "checked, and configs (retention, compaction) apply on a real cluster only"
)


@dataclass(frozen=True)
class ApplyResult:
    """What ``apply`` found, what is still wrong afterwards, and why."""

    found: list[Drift]
    remaining: list[Drift]
    errors: list[str]


class TopicAdmin:
    """Observes and provisions topics on one cluster, real or embedded."""

    def __init__(self, connection: str | KafkaSettings, timeout: float = 15.0) -> None:
        config = admin_config(connection, **{"log_level": 3})
        self.bootstrap_servers: str = config["bootstrap.servers"]
        self.timeout = timeout
        self._client = AdminClient(config)
        self._embedded = EmbeddedBroker.running(self.bootstrap_servers)
        self._mock: bool | None = None

    @property
    def embedded(self) -> bool:
        """True for librdkafka's mock cluster, which has no admin API."""
        if self._mock is None:
            cluster_id = self._metadata().cluster_id or ""
            self._mock = self._embedded is not None or cluster_id.startswith(MOCK_CLUSTER_PREFIX)
        return self._mock

    def observe(self, names: Iterable[str]) -> dict[str, ObservedTopic]:
        """The named topics that exist, with their configs where the broker can tell."""
        listed = self._metadata().topics
        present = {
            name: ObservedTopic(name, len(listed[name].partitions))
            for name in names
            if name in listed
        }
        if self.embedded or not present:
            return present
        configs = self._describe_configs(list(present))
        return {name: replace(topic, config=configs[name]) for name, topic in present.items()}

    def fix(self, spec: TopicSpec, kinds: set[DriftKind]) -> None:
        """Make one topic match its declaration."""
        if DriftKind.MISSING in kinds:
            self.create(spec)
        if DriftKind.PARTITIONS in kinds:
            self._add_partitions(spec)
        if DriftKind.CONFIG in kinds:
            self._alter_configs(spec)

    def _metadata(self) -> Any:
        try:
            return self._client.list_topics(timeout=self.timeout)
        except KafkaException as exc:
            raise BrokerError(f"cannot reach Kafka at {self.bootstrap_servers}: {exc}") from exc

    def _describe_configs(self, names: list[str]) -> dict[str, dict[str, str]]:
        resources = [ConfigResource(ResourceType.TOPIC, name) for name in names]
        futures = self._client.describe_configs(resources, request_timeout=self.timeout)
        return {
            resource.name: {key: entry.value for key, entry in _result(future).items()}
            for resource, future in futures.items()
        }

    def create(self, spec: TopicSpec) -> None:
        """Create one topic as declared; an existing topic is left as it is."""
        if self._embedded is not None:
            self._embedded.create_topic(spec.name, spec.partitions, spec.replication_factor)
            return
        self._refuse_on_mock(f"create {spec.name}")
        topic = NewTopic(spec.name, spec.partitions, spec.replication_factor, config=spec.config())
        self._wait(self._client.create_topics([topic], request_timeout=self.timeout))

    def _add_partitions(self, spec: TopicSpec) -> None:
        self._refuse_on_mock(f"add partitions to {spec.name}")
        change = NewPartitions(spec.name, spec.partitions)
        self._wait(self._client.create_partitions([change], request_timeout=self.timeout))

    def _alter_configs(self, spec: TopicSpec) -> None:
        entries = [
            ConfigEntry(key, value, incremental_operation=AlterConfigOpType.SET)
            for key, value in spec.config().items()
        ]
        resource = ConfigResource(ResourceType.TOPIC, spec.name, incremental_configs=entries)
        self._wait(self._client.incremental_alter_configs([resource], request_timeout=self.timeout))

    def _refuse_on_mock(self, action: str) -> None:
        if self.embedded:
            raise BrokerError(
                f"cannot {action} on the embedded broker at {self.bootstrap_servers}: "
                "it has no admin API; the process that runs it provisions the registry "
                "at start-up, and partitions of an existing topic cannot change"
            )

    def _wait(self, futures: dict[Any, Future[Any]]) -> None:
        for future in futures.values():
            _result(future, ignore=KafkaError.TOPIC_ALREADY_EXISTS)


def _result(future: Future[Any], ignore: int | None = None) -> Any:
    """A future's result, with librdkafka's error translated into a BrokerError."""
    try:
        return future.result()
    except KafkaException as exc:
        error = exc.args[0]
        if ignore is not None and error.code() == ignore:
            return None
        raise BrokerError(f"Kafka refused: {error.str()}") from exc


def check_topics(admin: TopicAdmin, specs: Sequence[TopicSpec]) -> list[Drift]:
    """Every difference between the declarations and the cluster; changes nothing."""
    return find_drift(specs, admin.observe(spec.name for spec in specs))


def apply_topics(admin: TopicAdmin, specs: Sequence[TopicSpec]) -> ApplyResult:
    """Create, extend and reconfigure topics until they match; safe to run again."""
    found = check_topics(admin, specs)
    by_name = {spec.name: spec for spec in specs}
    errors: list[str] = []
    for name, kinds in _fixable_kinds(found).items():
        try:
            admin.fix(by_name[name], kinds)
        except BrokerError as exc:
            # One refusal must not stop the other topics from being provisioned.
            errors.append(str(exc))
    remaining = _settled(admin, specs, retry=not errors) if found else []
    return ApplyResult(found, remaining, errors)


def _settled(admin: TopicAdmin, specs: Sequence[TopicSpec], retry: bool) -> list[Drift]:
    """The drift left; metadata can briefly lag a change just made on a real cluster."""
    for _ in range(SETTLE_ATTEMPTS if retry else 1):
        remaining = check_topics(admin, specs)
        if not any(item.fixable for item in remaining):
            break
        time.sleep(SETTLE_PAUSE_S)
    return remaining


def _fixable_kinds(drift: Iterable[Drift]) -> dict[str, set[DriftKind]]:
    kinds: dict[str, set[DriftKind]] = {}
    for item in drift:
        if item.fixable:
            kinds.setdefault(item.topic, set()).add(item.kind)
    return kinds
