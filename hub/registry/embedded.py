"""The in-process schema registry of the embedded default, persisted as one JSON file.

On start it registers every file under ``schemas/`` in a fixed order (event name, then
version), so two fresh hubs give the same ids; the file under ``data_dir`` keeps the ids
stable across restarts and after schemas are added. Ids are global like Confluent's: the
same schema text under two subjects has one id::

    >>> registry = EmbeddedRegistry()  # in memory, with the contracts of schemas/
    >>> registry.versions("gov.onewindow.events.ApplicationSubmitted")[:2]
    [1, 2]
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import fastavro

from hub.compatibility import Mode, check
from hub.errors import IncompatibleSchemaError, SchemaError, UnknownSchemaError
from hub.registry.files import checked_tree
from schemas import SCHEMA_DIR

REGISTRY_FILE = "schema-registry.json"
# Registries of one process sharing a file share its lock, so one loads what another wrote.
_FILE_LOCKS: dict[Path, threading.RLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class Registered:
    """One schema version of one subject."""

    schema_id: int
    subject: str
    version: int
    schema: str


class EmbeddedRegistry:
    """A :class:`~hub.registry.base.SchemaRegistry` kept in memory and, if given, a file."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        schema_dir: Path | None = SCHEMA_DIR,
        mode: Mode = Mode.BACKWARD_TRANSITIVE,
    ) -> None:
        self._path, self._mode = path, mode
        self._lock = _file_lock(path)
        self._by_id: dict[int, str] = {}
        self._ids: dict[str, int] = {}
        self._subjects: dict[str, list[Registered]] = {}
        with self._lock:
            if path is not None and path.exists():
                self._load(path)
            if schema_dir is not None:
                self.register_tree(schema_dir)

    def register_tree(self, schema_dir: Path) -> None:
        """Register every schema file of ``schema_dir`` in event and version order."""
        for schema_file in checked_tree(schema_dir):
            self.register(schema_file.subject, schema_file.text)

    def register(self, subject: str, schema_str: str) -> int:
        """The id of ``schema_str``; a new version must pass the subject's mode."""
        key = _normalise(schema_str)
        with self._lock:
            known = self._subjects.get(subject, [])
            same = [entry.schema_id for entry in known if entry.schema == key]
            if same:
                return same[0]
            self._check(subject, key, known)
            schema_id = self._ids.get(key) or max(self._by_id, default=0) + 1
            self._add(Registered(schema_id, subject, len(known) + 1, key))
            self._save()
            return schema_id

    def schema_by_id(self, schema_id: int) -> str:
        """The schema text registered with ``schema_id``."""
        try:
            return self._by_id[schema_id]
        except KeyError:
            raise UnknownSchemaError(f"no schema with id {schema_id}") from None

    def versions(self, subject: str) -> list[int]:
        """The version numbers of ``subject``."""
        return [entry.version for entry in self._entries(subject)]

    def schema_at(self, subject: str, version: int) -> str:
        """The schema of ``subject`` at ``version``."""
        return self.entry(subject, version).schema

    def entry(self, subject: str, version: int) -> Registered:
        """The id, version and schema of ``subject`` at ``version``."""
        entries = self._entries(subject)
        if not 1 <= version <= len(entries):
            raise UnknownSchemaError(f"subject {subject} has no version {version}")
        return entries[version - 1]

    def compatibility(self, subject: str) -> Mode:
        """The mode every subject of this registry is checked with."""
        return self._mode

    def subjects(self) -> list[str]:
        """Every subject, sorted."""
        return sorted(self._subjects)

    def _entries(self, subject: str) -> list[Registered]:
        entries = self._subjects.get(subject)
        if not entries:
            raise UnknownSchemaError(f"no subject {subject}")
        return entries

    def _check(self, subject: str, key: str, known: list[Registered]) -> None:
        previous = [json.loads(entry.schema) for entry in known]
        problems = check(json.loads(key), previous, self._mode)
        if problems:
            details = "; ".join(str(problem) for problem in problems)
            raise IncompatibleSchemaError(f"{subject} ({self._mode}): {details}")

    def _add(self, entry: Registered) -> None:
        self._by_id[entry.schema_id] = entry.schema
        self._ids[entry.schema] = entry.schema_id
        self._subjects.setdefault(entry.subject, []).append(entry)

    def _load(self, path: Path) -> None:
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            entries = [Registered(**item) for item in stored["schemas"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SchemaError(f"schema registry file {path} is unreadable: {exc}") from exc
        for entry in sorted(entries, key=lambda e: (e.subject, e.version)):
            self._add(entry)

    def _save(self) -> None:
        if self._path is None:
            return
        entries = [asdict(e) for entries in self._subjects.values() for e in entries]
        self._path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves half a file that would lose the ids; the
        # partial file's name is unique, so writers in other threads or processes never meet.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=self._path.parent, suffix=".tmp", delete=False
        ) as partial:
            json.dump({"schemas": entries}, partial, indent=1)
        os.replace(partial.name, self._path)


def _file_lock(path: Path | None) -> threading.RLock:
    if path is None:
        return threading.RLock()
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(path.resolve(), threading.RLock())


def _normalise(schema_str: str) -> str:
    try:
        schema: Any = json.loads(schema_str)
        fastavro.parse_schema(schema)
    except Exception as exc:  # json and fastavro raise many types for a bad schema
        raise SchemaError(f"not a valid Avro schema: {exc}") from exc
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))
