"""The topics of the event log. Aggregate type picks the topic; aggregate id is the key.

Every topic the hub relies on is declared once here, with its key, partitions,
replication and retention; ``onewindow topics apply`` provisions exactly this registry,
and the embedded broker creates it at start-up::

    >>> spec = topic_spec(Topic.LICENSES)
    >>> spec.partitions, spec.config()["cleanup.policy"]
    (6, 'delete')
    >>> [t.name for t in faust_internal_topics("dispatch", {"cases": Topic.APPLICATIONS})]
    ['dispatch-cases-changelog']

Stream processors declare their faust-internal topics (table changelogs, repartition
topics) with :func:`faust_internal_topics` and publish them through the
``onewindow.topics`` entry-point group: each entry is a callable returning
``Iterable[TopicSpec]``; :func:`declared_topics` gathers them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from hub.errors import SettingsError

if TYPE_CHECKING:
    from hub.settings import TopicSettings

ENTRY_POINT_GROUP = "onewindow.topics"
_LEGAL_NAME = re.compile(r"[a-zA-Z0-9._-]{1,249}")
FOREVER = -1
DAY_MS = 24 * 60 * 60 * 1000


class Topic(StrEnum):
    """Every topic name the hub and its users rely on (architecture.md)."""

    APPLICATIONS = "onewindow.applications"
    LICENSES = "onewindow.licenses"
    MATERIALS = "onewindow.materials"
    CREDIT = "onewindow.credit"
    SUPERVISION = "onewindow.supervision"
    ACCESS = "onewindow.access"
    ERASURES = "onewindow.erasures"
    DEADLETTER = "onewindow.deadletter"
    LICENSES_STATE = "onewindow.licenses.state"


class CleanupPolicy(StrEnum):
    """What the broker does with old records: delete by age, or keep the latest per key."""

    DELETE = "delete"
    COMPACT = "compact"


def topic_problem(name: str, partitions: int, replication_factor: int) -> str | None:
    """What makes a topic impossible to create, in words, or None when it is fine."""
    if not _LEGAL_NAME.fullmatch(name) or name in {".", ".."}:
        return f"topic name {name!r} is not legal: use 1-249 of a-z A-Z 0-9 . _ -"
    if partitions < 1 or replication_factor < 1:
        return (
            f"topic {name}: partitions and replication factor must be at least 1 "
            f"(got {partitions} and {replication_factor})"
        )
    return None


@dataclass(frozen=True)
class TopicSpec:
    """One topic as it must exist on the cluster."""

    name: str
    key: str
    partitions: int
    replication_factor: int = 3
    cleanup_policy: CleanupPolicy = CleanupPolicy.DELETE
    retention_ms: int = FOREVER
    min_insync_replicas: int = 2
    extra_config: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problem = topic_problem(self.name, self.partitions, self.replication_factor)
        if problem:
            raise SettingsError(problem)

    @property
    def compacted(self) -> bool:
        """True for latest-state topics, where only the newest record per key matters."""
        return self.cleanup_policy is CleanupPolicy.COMPACT

    def config(self) -> dict[str, str]:
        """The topic-level configuration a real cluster must carry (``kafka-configs`` keys)."""
        config = {
            "cleanup.policy": str(self.cleanup_policy),
            "min.insync.replicas": str(min(self.min_insync_replicas, self.replication_factor)),
        }
        if not self.compacted:
            config["retention.ms"] = str(self.retention_ms)
        return config | dict(self.extra_config)


# Latest-state topics compact quickly but keep an hour of history, so that a consumer
# that is briefly behind still sees every state change rather than only the last one.
_COMPACTION = {
    "min.compaction.lag.ms": str(60 * 60 * 1000),
    "min.cleanable.dirty.ratio": "0.1",
    "delete.retention.ms": str(DAY_MS),
}

# The domain topics are the source of truth (every read model is rebuilt from them), so
# they are kept forever; dead letters are kept long enough for someone to act on them.
REGISTRY: tuple[TopicSpec, ...] = (
    TopicSpec(Topic.APPLICATIONS, key="case id", partitions=6),
    TopicSpec(Topic.LICENSES, key="license id", partitions=6),
    TopicSpec(Topic.MATERIALS, key="holder id", partitions=6),
    TopicSpec(Topic.CREDIT, key="subject id", partitions=3),
    TopicSpec(Topic.SUPERVISION, key="license id", partitions=3),
    TopicSpec(Topic.ACCESS, key="subject id", partitions=6),
    # Erasure notices name no one and must reach a sink however long it was down.
    TopicSpec(Topic.ERASURES, key="erased person's pseudonym", partitions=3),
    TopicSpec(Topic.DEADLETTER, key="original key", partitions=3, retention_ms=90 * DAY_MS),
    TopicSpec(
        Topic.LICENSES_STATE,
        key="license id",
        partitions=6,
        cleanup_policy=CleanupPolicy.COMPACT,
        extra_config=_COMPACTION,
    ),
)


def topic_spec(name: str) -> TopicSpec:
    """The declaration of one of the hub's own topics, by name."""
    for spec in REGISTRY:
        if spec.name == name:
            return spec
    raise SettingsError(f"no topic named {name!r} is declared; known: {_names(REGISTRY)}")


def faust_changelog_topic(app_id: str, table: str, source: str | TopicSpec) -> TopicSpec:
    """The compacted changelog faust writes for ``table``, co-partitioned with its source."""
    source_spec = source if isinstance(source, TopicSpec) else topic_spec(source)
    return dataclasses.replace(
        source_spec,
        name=f"{app_id}-{table}-changelog",
        key=f"{table} table key",
        cleanup_policy=CleanupPolicy.COMPACT,
        extra_config=_COMPACTION,
    )


def faust_repartition_topic(app_id: str, name: str, partitions: int) -> TopicSpec:
    """A topic for ``stream.group_by(..., topic=...)``: faust must not declare it itself."""
    return TopicSpec(f"{app_id}-{name}-repartition", key=f"{name} group key", partitions=partitions)


def faust_internal_topics(
    app_id: str,
    tables: Mapping[str, str | TopicSpec],
    repartitions: Mapping[str, int] | None = None,
) -> list[TopicSpec]:
    """Changelogs for ``{table: source topic}`` and repartition topics ``{name: partitions}``."""
    specs = [faust_changelog_topic(app_id, table, source) for table, source in tables.items()]
    specs += [
        faust_repartition_topic(app_id, name, count) for name, count in (repartitions or {}).items()
    ]
    return specs


def declared_topics(settings: TopicSettings | None = None) -> list[TopicSpec]:
    """The hub's registry plus every plugin's topics, with the settings' overrides applied."""
    specs = list(REGISTRY)
    for provider in _providers():
        specs.extend(provider())
    if settings is None:
        return specs
    unknown = set(settings.partitions) - {spec.name for spec in specs}
    if unknown:
        raise SettingsError(
            f"ONEWINDOW_TOPICS__PARTITIONS names unknown topics {sorted(unknown)}; "
            f"declared: {_names(specs)}"
        )
    return [_overridden(spec, settings) for spec in specs]


def _providers() -> list[Callable[[], Iterable[TopicSpec]]]:
    return [entry.load() for entry in entry_points(group=ENTRY_POINT_GROUP)]


def _overridden(spec: TopicSpec, settings: TopicSettings) -> TopicSpec:
    return dataclasses.replace(
        spec,
        partitions=settings.partitions.get(spec.name, spec.partitions),
        replication_factor=settings.replication_factor or spec.replication_factor,
        min_insync_replicas=settings.min_insync_replicas or spec.min_insync_replicas,
    )


def _names(specs: Iterable[TopicSpec]) -> str:
    return ", ".join(spec.name for spec in specs)
