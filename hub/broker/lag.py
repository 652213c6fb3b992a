"""Consumer lag: how far a consumer group's committed offsets trail the end of its topics.

It is read with the admin API alone (topic metadata, the group's committed offsets, the
partitions' end offsets), so any process can ask without joining the group and
disturbing its members. librdkafka's mock cluster (the embedded broker) answers all
three as long as the partitions are named, which is why the topics are passed in::

    reader = LagReader(settings.kafka)
    lag = reader.read("onewindow-processors", ["onewindow.applications"])
    lag.total, lag.by_topic()

A partition the group has never committed on counts from its first offset, as a member
configured with ``auto.offset.reset=earliest`` (the hub's consumers) would start there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from confluent_kafka import ConsumerGroupTopicPartitions, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

# confluent_kafka.admin re-exports it without __all__, and leaves its factories untyped.
from confluent_kafka.admin._listoffsets import OffsetSpec

from hub.broker.clients import admin_config
from hub.errors import BrokerError
from hub.settings import KafkaSettings

#: One partition of one topic.
Partition = tuple[str, int]
_LATEST: OffsetSpec = OffsetSpec.latest()  # type: ignore[no-untyped-call]
_EARLIEST: OffsetSpec = OffsetSpec.earliest()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class GroupLag:
    """Messages a group has yet to process, per partition of the topics it reads."""

    group: str
    behind: Mapping[Partition, int]

    @property
    def total(self) -> int:
        """Messages behind, over every partition."""
        return sum(self.behind.values())

    def by_topic(self) -> dict[str, int]:
        """Messages behind per topic, in topic-name order."""
        topics: dict[str, int] = {}
        for (topic, _partition), count in sorted(self.behind.items()):
            topics[topic] = topics.get(topic, 0) + count
        return topics


class LagReader:
    """Reads consumer groups' lag on one cluster, real or embedded."""

    def __init__(self, connection: str | KafkaSettings, timeout: float = 5.0) -> None:
        config = admin_config(connection, **{"log_level": 3})
        self.bootstrap_servers: str = config["bootstrap.servers"]
        self.timeout = timeout
        self._client = AdminClient(config)

    def read(self, group: str, topics: Iterable[str]) -> GroupLag:
        """The lag of ``group`` on every partition of ``topics``; a BrokerError if unknown."""
        partitions = self._partitions(sorted(set(topics)))
        committed = self._committed(group, partitions)
        ends = self._offsets(partitions, _LATEST)
        starts = self._offsets([p for p in partitions if committed[p] < 0], _EARLIEST)
        behind = {p: max(0, ends[p] - max(committed[p], starts.get(p, 0))) for p in partitions}
        return GroupLag(group, behind)

    def log_starts(self, topics: Iterable[str]) -> dict[Partition, int]:
        """The first offset each partition of ``topics`` still holds (0 until it discards)."""
        return self._offsets(self._partitions(sorted(set(topics))), _EARLIEST)

    def _partitions(self, topics: list[str]) -> list[Partition]:
        try:
            listed = self._client.list_topics(timeout=self.timeout).topics
        except KafkaException as exc:
            raise BrokerError(f"cannot reach Kafka at {self.bootstrap_servers}: {exc}") from exc
        missing = [topic for topic in topics if topic not in listed]
        if missing:
            raise BrokerError(f"cannot read the lag on missing topics {missing}")
        return [(topic, number) for topic in topics for number in listed[topic].partitions]

    def _committed(self, group: str, partitions: list[Partition]) -> dict[Partition, int]:
        wanted = [TopicPartition(topic, number) for topic, number in partitions]
        request = [ConsumerGroupTopicPartitions(group, wanted)]
        futures = self._client.list_consumer_group_offsets(request, request_timeout=self.timeout)
        found = _answer(futures[group], f"the offsets of group {group}")
        return {(tp.topic, tp.partition): tp.offset for tp in found.topic_partitions}

    def _offsets(self, partitions: list[Partition], spec: OffsetSpec) -> dict[Partition, int]:
        if not partitions:
            return {}
        wanted = {TopicPartition(topic, number): spec for topic, number in partitions}
        futures = self._client.list_offsets(wanted, request_timeout=self.timeout)
        return {
            (tp.topic, tp.partition): _answer(future, f"the offsets of {tp.topic}").offset
            for tp, future in futures.items()
        }


def _answer(future: Future[Any], what: str) -> Any:
    """A future's result, with librdkafka's error translated into a BrokerError."""
    try:
        return future.result()
    except KafkaException as exc:
        raise BrokerError(f"cannot read {what}: {exc.args[0].str()}") from exc
