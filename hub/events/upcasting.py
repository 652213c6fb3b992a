"""Upcasting: old event records are lifted one version at a time when they are read.

A step is a pure function from a record of version N to a record of version N + 1,
registered with :func:`upcaster` beside the model it serves. :func:`upcast` applies the
steps from the writer's version to the current one; when the record is already current
it costs one dict lookup, since that is what nearly every message on the hot path is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.errors import SchemaError, UnknownSchemaError
from hub.events.avsc import schema_versions

Record = dict[str, Any]
Step = Callable[[Record], Record]

_STEPS: dict[tuple[str, int], Step] = {}
_CURRENT: dict[str, int] = {name: versions[-1] for name, versions in schema_versions().items()}


def upcaster(event_name: str, from_version: int) -> Callable[[Step], Step]:
    """Register the decorated function as the step from ``from_version`` to the next."""

    def register(step: Step) -> Step:
        if (event_name, from_version) in _STEPS:
            raise SchemaError(f"{event_name} already has an upcaster from v{from_version}")
        _STEPS[event_name, from_version] = step
        return step

    return register


def upcast(event_name: str, from_version: int, record: Record) -> Record:
    """``record``, written with version ``from_version`` of ``event_name``, as the current one."""
    if _CURRENT.get(event_name) == from_version:
        return record
    current = _CURRENT.get(event_name)
    if current is None:
        raise UnknownSchemaError(f"no schema for event type {event_name!r}")
    if not 1 <= from_version < current:
        raise UnknownSchemaError(
            f"{event_name} has no version {from_version}; versions run 1..{current}"
        )
    for version in range(from_version, current):
        record = upcaster_for(event_name, version)(record)
    return record


def missing_steps() -> list[tuple[str, int]]:
    """Every (event name, version) older than current that has no registered step."""
    return [
        (name, version)
        for name, current in sorted(_CURRENT.items())
        for version in range(1, current)
        if (name, version) not in _STEPS
    ]


def upcaster_for(event_name: str, version: int) -> Step:
    """The registered step from ``version`` of ``event_name`` to the next one."""
    step = _STEPS.get((event_name, version))
    if step is None:
        raise SchemaError(f"{event_name} has no upcaster from v{version} to v{version + 1}")
    return step
