"""The schema files of a tree: ``<dir>/<EventName>/v<N>.avsc``, read and checked.

Unlike :mod:`hub.events.avsc`, which serves the installed contracts, this reads any
directory (a temporary copy, a git ref's files) and reports what is wrong with each
file instead of stopping at the first problem, so ``onewindow schemas check`` can list
every bad file at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastavro

from hub.errors import SchemaError

NAMESPACE = "gov.onewindow.events"
VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.avsc$")


@dataclass(frozen=True)
class SchemaFile:
    """One version of one event's Avro contract."""

    event_name: str
    version: int
    relpath: str
    text: str
    schema: dict[str, Any]

    @property
    def subject(self) -> str:
        """The registry subject (RecordNameStrategy): the record's full name."""
        return f"{NAMESPACE}.{self.event_name}"


@dataclass(frozen=True)
class FileProblem:
    """A schema file that cannot be used as it is, and the rule it breaks."""

    relpath: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.relpath}: {self.rule}: {self.message}"


def read_tree(schema_dir: Path) -> tuple[list[SchemaFile], list[FileProblem]]:
    """Every schema file under ``schema_dir``, sorted by event and version, and the bad ones."""
    texts = (
        (path.relative_to(schema_dir).as_posix(), path.read_text(encoding="utf-8"))
        for path in schema_dir.glob("*/*.avsc")
    )
    return parse_files(texts)


def parse_files(texts: Iterable[tuple[str, str]]) -> tuple[list[SchemaFile], list[FileProblem]]:
    """Parse ``(relpath, text)`` pairs as written under a schema directory."""
    parsed = [parse_file(relpath, text) for relpath, text in texts]
    good = [f for f in parsed if isinstance(f, SchemaFile)]
    bad = [f for f in parsed if isinstance(f, FileProblem)]
    good.sort(key=lambda f: (f.event_name, f.version))
    bad.sort(key=lambda p: p.relpath)
    return good, bad


def parse_file(relpath: str, text: str) -> SchemaFile | FileProblem:
    """One schema file, or what is wrong with it."""
    event_name, _, filename = relpath.rpartition("/")
    match = VERSION_FILE.match(filename)
    if not match or "/" in event_name or not event_name:
        return FileProblem(relpath, "BAD_FILE_NAME", "name it <EventName>/v<N>.avsc")
    try:
        schema = json.loads(text)
        fastavro.parse_schema(schema)
    except Exception as exc:  # json and fastavro raise many types for a bad schema
        return FileProblem(relpath, "MALFORMED_SCHEMA", f"not a valid Avro schema: {exc}")
    version = int(match.group(1))
    problem = _header_problem(schema, event_name, version)
    if problem:
        return FileProblem(relpath, *problem)
    return SchemaFile(event_name, version, relpath, text, schema)


def _header_problem(schema: Any, event_name: str, version: int) -> tuple[str, str] | None:
    if not isinstance(schema, dict) or schema.get("type") != "record":
        return "MALFORMED_SCHEMA", "the top level must be an Avro record"
    full_name = f"{schema.get('namespace', '')}.{schema.get('name')}".lstrip(".")
    if full_name != f"{NAMESPACE}.{event_name}":
        return "RECORD_NAME_MISMATCH", f"record is {full_name}, expected {NAMESPACE}.{event_name}"
    if schema.get("version") != version:
        found = schema.get("version")
        return "VERSION_MISMATCH", f"version attribute is {found!r}, the file name says {version}"
    return None


def by_event(files: Iterable[SchemaFile]) -> dict[str, list[SchemaFile]]:
    """Schema files grouped by event name, each group in version order."""
    grouped: dict[str, list[SchemaFile]] = {}
    for schema_file in sorted(files, key=lambda f: (f.event_name, f.version)):
        grouped.setdefault(schema_file.event_name, []).append(schema_file)
    return grouped


def version_gaps(versions: Iterable[int]) -> list[int]:
    """Versions missing from a sequence that should run 1..n."""
    present = set(versions)
    return [v for v in range(1, max(present, default=0) + 1) if v not in present]


def event_and_version(schema: dict[str, Any]) -> tuple[str, int]:
    """The event name and the ``version`` attribute that a registered schema carries."""
    name = str(schema.get("name", "")).rsplit(".", 1)[-1]
    version = schema.get("version")
    return name, version if isinstance(version, int) else 0


def checked_tree(schema_dir: Path) -> list[SchemaFile]:
    """Every schema file under ``schema_dir``, or a SchemaError naming the bad ones."""
    files, problems = read_tree(schema_dir)
    if problems:
        raise SchemaError("bad schema files: " + "; ".join(str(p) for p in problems))
    return files


def current_files(schema_dir: Path) -> dict[str, SchemaFile]:
    """The newest schema file of every event under ``schema_dir``."""
    return {name: versions[-1] for name, versions in by_event(checked_tree(schema_dir)).items()}
