"""Reading the Avro contracts in ``schemas/<EventName>/v<N>.avsc``, each file parsed once.

These helpers return the plain JSON of a schema; the schema registry and the serde build
on them. Files are read lazily and cached, since schemas never change while running.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from hub.errors import SchemaError, UnknownSchemaError
from schemas import SCHEMA_DIR

_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.avsc$")


@cache
def schema_versions() -> dict[str, tuple[int, ...]]:
    """Every event name under ``schemas/`` with its versions, in ascending order."""
    found: dict[str, tuple[int, ...]] = {}
    for folder in sorted(path for path in SCHEMA_DIR.iterdir() if path.is_dir()):
        versions = sorted(_version_of(path) for path in folder.glob("v*.avsc"))
        if versions:
            found[folder.name] = tuple(versions)
    return found


def event_names() -> tuple[str, ...]:
    """The name of every event type that has a schema, sorted."""
    return tuple(schema_versions())


def current_version(name: str) -> int:
    """The newest schema version of event type ``name``."""
    return _versions_of(name)[-1]


@cache
def load_schema(name: str, version: int | None = None) -> dict[str, Any]:
    """The parsed JSON of ``name`` at ``version`` (default: current); do not mutate it."""
    wanted = current_version(name) if version is None else version
    if wanted not in _versions_of(name):
        raise UnknownSchemaError(f"{name} has no schema version {wanted}")
    path = SCHEMA_DIR / name / f"v{wanted}.avsc"
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path} is not valid JSON: {exc}") from exc
    _check_header(path, schema, name, wanted)
    return schema


def _versions_of(name: str) -> tuple[int, ...]:
    versions = schema_versions().get(name)
    if versions is None:
        raise UnknownSchemaError(f"no schema for event type {name!r}")
    return versions


def _version_of(path: Path) -> int:
    match = _VERSION_FILE.match(path.name)
    if match is None:
        raise SchemaError(f"{path} is not named v<N>.avsc")
    return int(match.group(1))


def _check_header(path: Path, schema: dict[str, Any], name: str, version: int) -> None:
    # The file name is what readers look up; a copied file with a stale header would lie.
    if schema.get("name") != name or schema.get("version") != version:
        raise SchemaError(
            f"{path} declares {schema.get('name')!r} version {schema.get('version')!r}, "
            f"expected {name!r} version {version}"
        )
