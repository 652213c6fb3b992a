"""Finding connectors by name: the built-ins, and plugins from the ``onewindow.connectors`` group.

A plugin package declares its class in its ``pyproject.toml``::

    [project.entry-points."onewindow.connectors"]
    tax-ledger = "onewindow_tax_ledger.connector:TaxLedgerSource"

Nothing is imported until a connector is asked for by name (or all are listed)::

    >>> connector_class("file-import").kind
    'source'
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from connectors.base import Connector, Kind
from hub.errors import SettingsError

ENTRY_POINT_GROUP = "onewindow.connectors"
BUILT_IN = "built-in"

BUILTINS: dict[str, str] = {
    "file-import": "connectors.file_import:FileImportSource",
    "outbox": "connectors.outbox:OutboxSource",
    "simulated-applicants": "connectors.simulators:ApplicantSimulator",
    "simulated-department": "connectors.simulators:DepartmentSimulator",
    "sql-mirror": "connectors.sql_mirror:SqlMirrorSink",
    "webhook": "connectors.webhook:WebhookSink",
}

ConnectorClass = type[Connector[Any]]


@dataclass(frozen=True)
class ConnectorInfo:
    """One connector as ``onewindow connector list`` shows it."""

    name: str
    kind: Kind
    summary: str
    target: str
    origin: str


def targets() -> dict[str, tuple[str, str]]:
    """``name -> (module:Class, origin)`` for every known connector, without importing any."""
    found = {name: (target, BUILT_IN) for name, target in BUILTINS.items()}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        origin = entry.dist.name if entry.dist is not None else "unknown distribution"
        known = found.get(entry.name)
        if known is not None and known[0] != entry.value:
            raise SettingsError(
                f"two connectors are named {entry.name!r}: {known[0]} ({known[1]}) "
                f"and {entry.value} ({origin})"
            )
        found.setdefault(entry.name, (entry.value, origin))
    return found


def connector_class(name: str) -> ConnectorClass:
    """The class of connector ``name``, imported now; a SettingsError naming the known ones."""
    known = targets()
    if name not in known:
        raise SettingsError(f"no connector named {name!r}; known: {', '.join(sorted(known))}")
    return _load(name, known[name][0])


def describe_all() -> Iterator[ConnectorInfo]:
    """Every known connector, imported to read its kind and summary, sorted by name."""
    for name, (target, origin) in sorted(targets().items()):
        cls = _load(name, target)
        yield ConnectorInfo(name, cls.kind, cls.summary(), target, origin)


def _load(name: str, target: str) -> ConnectorClass:
    module_name, _, attribute = target.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise SettingsError(f"connector {name!r}: cannot load {target}: {exc}") from exc
    if not (isinstance(found, type) and issubclass(found, Connector)):
        raise SettingsError(f"connector {name!r}: {target} is not a Source or Sink class")
    return found
