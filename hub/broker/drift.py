"""Drift between the topic registry and what a cluster holds: pure comparison, no broker.

:func:`find_drift` compares declarations with observations; the admin in
:mod:`hub.broker.admin` makes the observations and fixes what can be fixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from hub.topics import TopicSpec


@dataclass(frozen=True)
class ObservedTopic:
    """A topic as the cluster reports it; ``config`` is None when the broker cannot say."""

    name: str
    partitions: int
    config: Mapping[str, str] | None = None


class DriftKind(StrEnum):
    """How a topic on the cluster differs from its declaration."""

    MISSING = "missing"
    PARTITIONS = "partitions"
    CONFIG = "config"


@dataclass(frozen=True)
class Drift:
    """One difference; ``fixable`` is False when Kafka cannot make it right in place."""

    topic: str
    kind: DriftKind
    expected: str
    actual: str
    setting: str = ""
    fixable: bool = True

    def __str__(self) -> str:
        what = f"{self.kind} {self.setting}".strip()
        note = "" if self.fixable else " (cannot be fixed in place)"
        return f"{self.topic}: {what}: declared {self.expected}, found {self.actual}{note}"

    def as_dict(self) -> dict[str, str | bool]:
        """A JSON-ready record of the difference."""
        return {
            "topic": self.topic,
            "kind": str(self.kind),
            "setting": self.setting,
            "expected": self.expected,
            "actual": self.actual,
            "fixable": self.fixable,
        }


def find_drift(specs: Iterable[TopicSpec], observed: Mapping[str, ObservedTopic]) -> list[Drift]:
    """Every difference between the declarations and the observed topics."""
    drift: list[Drift] = []
    for spec in specs:
        topic = observed.get(spec.name)
        if topic is None:
            drift.append(Drift(spec.name, DriftKind.MISSING, "present", "absent"))
            continue
        drift.extend(_partition_drift(spec, topic))
        drift.extend(_config_drift(spec, topic))
    return drift


def _partition_drift(spec: TopicSpec, topic: ObservedTopic) -> list[Drift]:
    if topic.partitions == spec.partitions:
        return []
    # Kafka can add partitions but never remove them.
    fixable = topic.partitions < spec.partitions
    return [
        Drift(
            spec.name,
            DriftKind.PARTITIONS,
            str(spec.partitions),
            str(topic.partitions),
            fixable=fixable,
        )
    ]


def _config_drift(spec: TopicSpec, topic: ObservedTopic) -> list[Drift]:
    if topic.config is None:
        return []
    return [
        Drift(spec.name, DriftKind.CONFIG, value, topic.config.get(key, "unset"), setting=key)
        for key, value in spec.config().items()
        if topic.config.get(key) != value
    ]
