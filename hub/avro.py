"""Avro binary encoding compiled per schema: the hot path of publishing.

fastavro's writer interprets the schema for every value it writes (a chain of type-name
comparisons, a union resolved by validating each branch, a memoryview per string), which
is most of the cost of an event. :func:`compile_writer` walks a parsed schema once and
generates a Python function of straight-line code for it that appends the same bytes
to a ``bytearray``::

    >>> write = compile_writer(fastavro.parse_schema(schema))  # doctest: +SKIP
    >>> out = bytearray(); write(record, out)  # doctest: +SKIP
    >>> bytes(out) == fastavro_bytes(schema, record)  # doctest: +SKIP
    True

It covers the types of the hub's contracts (records, enums, arrays, maps, unions of null
and one type, strings, booleans, ints and longs, and fastavro's own logical-type
conversions); a schema using anything else is refused when compiled. Values are
trusted, as by fastavro: one of the wrong type fails with an exception that the caller
translates.

``attributes=True`` reads record fields as attributes, so an event model that mirrors its
schema is encoded without being dumped to a dict first.
"""

from __future__ import annotations

import itertools
import keyword
from collections.abc import Callable
from typing import Any

from fastavro.write import LOGICAL_WRITERS

from hub.errors import SchemaError

Write = Callable[[Any, bytearray], None]
_BYTE = [bytes((n,)) for n in range(0x80)]
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


def zigzag(value: int) -> bytes:
    """``value`` as an Avro long: zig-zag, then 7 bits a byte, low bits first."""
    n = (value << 1) ^ (value >> 63)
    if n < 0x80:
        return _BYTE[n]
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise OverflowError(f"{value} does not fit an Avro long")
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


class _Sizes(dict[int, bytes]):
    """Avro lengths by value: the common ones computed once, the rest when asked."""

    def __missing__(self, n: int) -> bytes:
        return zigzag(n)


_SIZES = _Sizes((n, zigzag(n)) for n in range(1024))


def compile_writer(schema: Any, *, attributes: bool = False) -> Write:
    """A function ``write(datum, out)`` appending ``datum`` encoded by ``schema`` to ``out``."""
    code = _Code(attributes)
    body = code.value("datum", schema, 1)
    source = "def write(datum, out):\n" + "\n".join(body or ["    pass"])
    namespace = dict(code.constants)
    exec(compile(source, "<compiled avro writer>", "exec"), namespace)
    return namespace["write"]  # type: ignore[no-any-return]


class _Code:
    """Lines of generated code for one schema, and the constants they refer to."""

    def __init__(self, attributes: bool) -> None:
        self.attributes = attributes
        self.constants: dict[str, Any] = {"zigzag": zigzag, "size": _SIZES}
        self._names = itertools.count()
        self._named: dict[str, Any] = {}

    def value(self, expr: str, schema: Any, depth: int) -> list[str]:
        """Lines appending the value of ``expr``, encoded by ``schema``."""
        if isinstance(schema, list):
            return self._union(expr, schema, depth)
        kind = schema if isinstance(schema, str) else schema["type"]
        logical = f"{kind}-{schema.get('logicalType')}" if isinstance(schema, dict) else None
        if logical in LOGICAL_WRITERS:
            prepare = self.constant(LOGICAL_WRITERS[logical])
            expr = f"{prepare}({expr}, {self.constant(schema)})"
        pad = "    " * depth
        if kind == "null":
            return []
        if kind in ("int", "long"):
            return [f"{pad}out += zigzag({expr})"]
        if kind == "string":
            return [f"{pad}b = {expr}.encode()", f"{pad}out += size[len(b)]", f"{pad}out += b"]
        if kind == "boolean":
            return [
                f"{pad}out += {self.constant(_BYTE[1])} if {expr} else {self.constant(_BYTE[0])}"
            ]
        if kind == "enum":
            return [f"{pad}out += {self._symbols(schema)}[{expr}]"]
        return self._composite(expr, kind, schema, depth)

    def constant(self, value: Any) -> str:
        """The name under which generated code finds ``value``."""
        name = f"c{next(self._names)}"
        self.constants[name] = value
        return name

    def _composite(self, expr: str, kind: str, schema: Any, depth: int) -> list[str]:
        if kind == "record":
            self._named[schema["name"]] = schema
            return self._record(expr, schema, depth)
        if kind == "array":
            return self._blocks(expr, "", schema["items"], depth)
        if kind == "map":
            return self._blocks(expr, ".items()", schema["values"], depth)
        if kind in self._named:
            return self.value(expr, self._named[kind], depth)
        raise SchemaError(f"Avro type {kind!r} is not supported by the compiled writer")

    def _record(self, expr: str, schema: dict[str, Any], depth: int) -> list[str]:
        lines = []
        for field in schema["fields"]:
            lines += self.value(self._field(expr, field), field["type"], depth)
        return lines

    def _field(self, expr: str, field: dict[str, Any]) -> str:
        name = field["name"]
        if self.attributes:
            if not name.isidentifier() or keyword.iskeyword(name):
                raise SchemaError(f"field {name!r} cannot be read as an attribute")
            return f"{expr}.{name}"
        if "default" in field:  # fastavro writes a field's default when the record lacks it
            return f"{expr}.get({name!r}, {self.constant(field['default'])})"
        return f"{expr}[{name!r}]"

    def _blocks(self, expr: str, items: str, schema: Any, depth: int) -> list[str]:
        """An array or map: one block of every item, then the empty block that ends it."""
        pad, n = "    " * depth, next(self._names)
        every, item = f"a{n}", ("k{n}, v{n}" if items else "v{n}").format(n=n)
        key = self.value(f"k{n}", "string", depth + 2) if items else []
        return [
            f"{pad}{every} = {expr}",
            f"{pad}if {every}:",
            f"{pad}    out += size[len({every})]",
            f"{pad}    for {item} in {every}{items}:",
            *key,
            *(self.value(f"v{n}", schema, depth + 2) or [f"{pad}        pass"]),
            f"{pad}out += {self.constant(_BYTE[0])}",
        ]

    def _union(self, expr: str, schema: list[Any], depth: int) -> list[str]:
        if len(schema) != 2 or "null" not in schema:
            raise SchemaError(f"union {schema!r}: the compiled writer takes null and one type")
        pad, n, null = "    " * depth, next(self._names), schema.index("null")
        other = schema[1 - null]
        return [
            f"{pad}u{n} = {expr}",
            f"{pad}if u{n} is None:",
            f"{pad}    out += {self.constant(zigzag(null))}",
            f"{pad}else:",
            f"{pad}    out += {self.constant(zigzag(1 - null))}",
            *(self.value(f"u{n}", other, depth + 1) or [f"{pad}    pass"]),
        ]

    def _symbols(self, schema: dict[str, Any]) -> str:
        self._named[schema["name"]] = schema
        return self.constant({s: zigzag(i) for i, s in enumerate(schema["symbols"])})
