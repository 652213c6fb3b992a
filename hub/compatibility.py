"""Avro schema compatibility: can a reader schema read data written with a writer schema?

The rules are Avro's schema resolution (the specification's "Schema Resolution" section),
applied the way Confluent Schema Registry applies them for its seven modes::

    >>> old = {"type": "record", "name": "A", "fields": [{"name": "x", "type": "int"}]}
    >>> new = {"type": "record", "name": "A", "fields": [{"name": "x", "type": "long"},
    ...        {"name": "y", "type": "string"}]}
    >>> [str(p) for p in check(new, [old], Mode.BACKWARD)]
    ['A.y: READER_FIELD_MISSING_DEFAULT_VALUE: field added without a default (against v1)']

Every problem names the field path (``A.materials[].trust_grade``; ``[]`` is an array's
items, ``{}`` a map's values) and the rule, spelt as Avro's ``SchemaIncompatibilityType``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
COMPLEX = frozenset({"record", "error", "enum", "fixed", "array", "map"})
# Writer type -> reader types that may read it (Avro's promotions).
PROMOTIONS: Mapping[str, frozenset[str]] = {
    "int": frozenset({"long", "float", "double"}),
    "long": frozenset({"float", "double"}),
    "float": frozenset({"double"}),
    "string": frozenset({"bytes"}),
    "bytes": frozenset({"string"}),
}


class Mode(StrEnum):
    """The Schema Registry compatibility modes."""

    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"
    NONE = "NONE"

    @property
    def transitive(self) -> bool:
        """True when a new version is checked against every earlier one, not only the last."""
        return self.endswith("_TRANSITIVE")


class Rule(StrEnum):
    """Which resolution rule a change breaks."""

    NAME_MISMATCH = "NAME_MISMATCH"
    FIXED_SIZE_MISMATCH = "FIXED_SIZE_MISMATCH"
    MISSING_ENUM_SYMBOLS = "MISSING_ENUM_SYMBOLS"
    READER_FIELD_MISSING_DEFAULT_VALUE = "READER_FIELD_MISSING_DEFAULT_VALUE"
    TYPE_MISMATCH = "TYPE_MISMATCH"
    MISSING_UNION_BRANCH = "MISSING_UNION_BRANCH"


@dataclass(frozen=True)
class Incompatibility:
    """One reason why one schema cannot read data of another."""

    path: str
    rule: Rule
    message: str
    against_version: int | None = None

    def __str__(self) -> str:
        against = "" if self.against_version is None else f" (against v{self.against_version})"
        return f"{self.path}: {self.rule}: {self.message}{against}"


def check(
    new: Any, previous: Sequence[Any], mode: Mode, versions: Sequence[int] = ()
) -> list[Incompatibility]:
    """Problems of ``new`` against ``previous`` (oldest first) in ``mode``.

    ``versions`` numbers the previous schemas in the messages; by default 1..n.
    """
    if mode is Mode.NONE or not previous:
        return []
    numbered = list(zip(versions or range(1, len(previous) + 1), previous, strict=True))
    targets = numbered if mode.transitive else numbered[-1:]
    base = mode.removesuffix("_TRANSITIVE")
    found: list[Incompatibility] = []
    for version, old in targets:
        if base in ("BACKWARD", "FULL"):
            found += _tagged(can_read(new, old, added="added"), version)
        if base in ("FORWARD", "FULL"):
            found += _tagged(can_read(old, new, added="removed"), version)
    return found


def can_read(reader: Any, writer: Any, added: str = "added") -> list[Incompatibility]:
    """Problems met when ``reader`` reads data written with ``writer`` (empty: it can).

    ``added`` words a reader field the writer lacks: "added" when the reader is the new
    schema, "removed" when the writer is.
    """
    walk = _Walk(_Names(reader), _Names(writer), added)
    return list(walk.resolve(reader, writer, walk.reader.root_name()))


def _tagged(found: list[Incompatibility], version: int) -> list[Incompatibility]:
    return [replace(problem, against_version=version) for problem in found]


class _Names:
    """The named types (records, enums, fixed) of one schema, by full name."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.types: dict[str, dict[str, Any]] = {}
        self._collect(schema, "")

    def root_name(self) -> str:
        root = self.deref(self.schema)
        return str(root["name"]).rsplit(".", 1)[-1] if isinstance(root, dict) else "<root>"

    def deref(self, schema: Any) -> Any:
        """A dict for a complex type, a string for a primitive, a list for a union."""
        if isinstance(schema, dict):
            kind = schema.get("type")
            return schema if isinstance(kind, str) and kind in COMPLEX else self.deref(kind)
        if isinstance(schema, str) and schema not in PRIMITIVES:
            return self.types.get(schema) or self._by_short_name(schema) or schema
        return schema

    def _by_short_name(self, name: str) -> dict[str, Any] | None:
        matches = [t for full, t in self.types.items() if full.rsplit(".", 1)[-1] == name]
        return matches[0] if len(matches) == 1 else None

    def _collect(self, schema: Any, namespace: str) -> None:
        if isinstance(schema, list):
            for branch in schema:
                self._collect(branch, namespace)
        if not isinstance(schema, dict):
            return
        kind = schema.get("type")
        if kind in ("record", "error", "enum", "fixed"):
            namespace = self._register(schema, namespace)
        for field in schema.get("fields", ()):
            self._collect(field.get("type"), namespace)
        for key in ("items", "values"):
            self._collect(schema.get(key), namespace)
        if isinstance(kind, dict | list):
            self._collect(kind, namespace)

    def _register(self, schema: dict[str, Any], namespace: str) -> str:
        name = str(schema["name"])
        if "." not in name:
            namespace = str(schema.get("namespace", namespace))
            name = f"{namespace}.{name}" if namespace else name
        self.types[name] = schema
        return name.rpartition(".")[0]


def _kind(schema: Any) -> str:
    if isinstance(schema, list):
        return "union"
    if isinstance(schema, dict):
        return str(schema.get("type"))
    return str(schema)


def _short(name: Any) -> str:
    return str(name).rsplit(".", 1)[-1]


class _Walk:
    """One resolution of a reader against a writer, with a guard for recursive types."""

    def __init__(self, reader: _Names, writer: _Names, added: str) -> None:
        self.reader, self.writer, self.added = reader, writer, added
        self.active: set[tuple[int, int]] = set()

    def resolve(self, reader: Any, writer: Any, path: str) -> Iterator[Incompatibility]:
        r, w = self.reader.deref(reader), self.writer.deref(writer)
        rk, wk = _kind(r), _kind(w)
        if wk == "union":
            for branch in w:
                yield from self.resolve(r, branch, path)
        elif rk == "union":
            yield from self._into_union(r, w, path)
        elif isinstance(r, str) and (rk == wk or rk in PROMOTIONS.get(wk, ())):
            return
        elif rk != wk:
            yield Incompatibility(path, Rule.TYPE_MISMATCH, f"reader type {rk} cannot read {wk}")
        elif rk in ("record", "error", "enum", "fixed") and not _same_name(r, w):
            message = f"reader name {r['name']} does not match writer name {w['name']}"
            yield Incompatibility(path, Rule.NAME_MISMATCH, message)
        elif (id(r), id(w)) not in self.active:
            # Only pairs being resolved right now are skipped: that ends recursive types.
            self.active.add((id(r), id(w)))
            try:
                yield from getattr(self, f"_{rk}", self._record)(r, w, path)
            finally:
                self.active.discard((id(r), id(w)))

    def _into_union(self, union: list[Any], writer: Any, path: str) -> Iterator[Incompatibility]:
        for branch in union:
            if not list(self.resolve(branch, writer, path)):
                return
        message = f"no branch of the reader union can read writer type {_kind(writer)}"
        yield Incompatibility(path, Rule.MISSING_UNION_BRANCH, message)

    def _record(self, r: dict[str, Any], w: dict[str, Any], path: str) -> Iterator[Incompatibility]:
        written = {field["name"]: field for field in w.get("fields", ())}
        for field in r.get("fields", ()):
            names = [field["name"], *field.get("aliases", ())]
            source = next((written[name] for name in names if name in written), None)
            where = f"{path}.{field['name']}"
            if source is not None:
                yield from self.resolve(field["type"], source["type"], where)
            elif "default" not in field:
                message = f"field {self.added} without a default"
                yield Incompatibility(where, Rule.READER_FIELD_MISSING_DEFAULT_VALUE, message)

    def _enum(self, r: dict[str, Any], w: dict[str, Any], path: str) -> Iterator[Incompatibility]:
        missing = [s for s in w.get("symbols", ()) if s not in r.get("symbols", ())]
        if missing and "default" not in r:
            message = f"reader enum lacks symbols {', '.join(missing)} and has no default"
            yield Incompatibility(path, Rule.MISSING_ENUM_SYMBOLS, message)

    def _fixed(self, r: dict[str, Any], w: dict[str, Any], path: str) -> Iterator[Incompatibility]:
        if r.get("size") != w.get("size"):
            message = f"fixed size {w.get('size')} written, {r.get('size')} expected"
            yield Incompatibility(path, Rule.FIXED_SIZE_MISMATCH, message)

    def _array(self, r: dict[str, Any], w: dict[str, Any], path: str) -> Iterator[Incompatibility]:
        yield from self.resolve(r["items"], w["items"], f"{path}[]")

    def _map(self, r: dict[str, Any], w: dict[str, Any], path: str) -> Iterator[Incompatibility]:
        yield from self.resolve(r["values"], w["values"], f"{path}{{}}")


def _same_name(reader: dict[str, Any], writer: dict[str, Any]) -> bool:
    # Like Avro's own checker, unqualified names match; the reader's aliases may rename.
    accepted = {_short(reader["name"]), *(_short(a) for a in reader.get("aliases", ()))}
    return _short(writer["name"]) in accepted
