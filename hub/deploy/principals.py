"""The Kafka principals of a deployment: who reads, writes and manages which topics.

A principal is a SCRAM user on the cluster with the ACLs its process needs and no more.
The list lives in ``deploy/principals.toml``; every department of the item catalogue gets
one principal ``dept-<code>`` from the ``[departments]`` grants::

    principals = load_principals(Path("deploy/principals.toml"), declared_topics())
    worker = principal("onewindow-worker", principals)
    sorted(worker.reads)[0]  # 'onewindow.access'

The security work (data-sharing agreements) builds the same :class:`Principal` values
and hands them to the same renderers.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.catalogue import load_catalogue
from hub.errors import SettingsError
from hub.topics import TopicSpec

ALL_TOPICS = "*"
PREFIX_MARK = "*"
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class Principal:
    """One Kafka user and the topics and consumer groups it may use."""

    name: str
    description: str
    reads: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()
    manages: frozenset[str] = frozenset()
    creates: frozenset[str] = frozenset()
    groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _DNS_LABEL.fullmatch(self.name):
            raise SettingsError(
                f"principal {self.name!r}: a name must be a DNS label (a-z, 0-9, '-'), "
                "since it names a Kubernetes KafkaUser"
            )

    @property
    def topics(self) -> frozenset[str]:
        """Every topic this principal touches."""
        return self.reads | self.writes | self.manages | self.creates


def load_principals(path: Path, topics: Sequence[TopicSpec]) -> list[Principal]:
    """The principals in ``path`` plus one per catalogue department, checked against topics."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read the principals file {path}: {exc}") from exc
    names = [str(spec.name) for spec in topics]
    listed = [_principal(entry, names, path) for entry in raw.get("principal", [])]
    grants = raw.get("departments")
    departments = _departments(grants, names, path) if grants is not None else []
    return _unique(listed + departments)


def principal(name: str, principals: Iterable[Principal]) -> Principal:
    """The principal called ``name``."""
    for candidate in principals:
        if candidate.name == name:
            return candidate
    raise SettingsError(f"no principal named {name!r} in the principals file")


def _principal(entry: Mapping[str, Any], topics: Sequence[str], path: Path) -> Principal:
    where = f"{path}: principal {entry.get('name')!r}"
    unknown = set(entry) - {"name", "description", "reads", "writes", "manages"}
    unknown -= {"creates", "groups"}
    if unknown or "name" not in entry:
        raise SettingsError(f"{where}: needs a name; unknown keys {sorted(unknown)}")
    return Principal(
        name=entry["name"],
        description=entry.get("description", ""),
        reads=_expand(entry.get("reads", []), topics, where),
        writes=_expand(entry.get("writes", []), topics, where),
        manages=_expand(entry.get("manages", []), topics, where),
        creates=frozenset(entry.get("creates", [])),
        groups=tuple(entry.get("groups", [])),
    )


def _departments(grants: Mapping[str, Any], topics: Sequence[str], path: Path) -> list[Principal]:
    where = f"{path}: [departments]"
    reads = _expand(grants.get("reads", []), topics, where)
    writes = _expand(grants.get("writes", []), topics, where)
    return [
        Principal(
            name=f"dept-{code.lower()}",
            description=f"department {code}: {department.name_en}",
            reads=reads,
            writes=writes,
            groups=(f"dept-{code.lower()}-{PREFIX_MARK}",),
        )
        for code, department in sorted(load_catalogue().departments.items())
    ]


def _expand(names: Iterable[str], topics: Sequence[str], where: str) -> frozenset[str]:
    chosen = frozenset(names)
    if ALL_TOPICS in chosen:
        return frozenset(topics)
    unknown = chosen - set(topics)
    if unknown:
        raise SettingsError(
            f"{where}: topics {sorted(unknown)} are not declared in hub/topics.py; "
            f"declared: {', '.join(topics)}"
        )
    return chosen


def _unique(principals: list[Principal]) -> list[Principal]:
    seen: set[str] = set()
    for candidate in principals:
        if candidate.name in seen:
            raise SettingsError(f"principal {candidate.name!r} is declared twice")
        seen.add(candidate.name)
    return principals
