"""Reading a dropped file row by row, each row with its number and its original text.

CSV files have a header line; JSON-lines files hold one object per line. A row that cannot
even be read (wrong column count, broken JSON) carries the reason instead of values::

    >>> [(r.number, r.values, r.problem) for r in read_rows("a,b\\n1,2\\n3\\n", "csv")]
    [(1, {'a': '1', 'b': '2'}, None), (2, None, 'row has 1 columns, the header has 2')]
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Format = Literal["csv", "jsonl"]
SUFFIXES: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based number, its text as written, its values or why it has none."""

    number: int
    line: str
    values: dict[str, Any] | None
    problem: str | None = None


def format_of(path: Path, configured: Format | None) -> Format | None:
    """The configured format, else the one the file's suffix names (None: not an input)."""
    return configured or SUFFIXES.get(path.suffix.lower())


def read_rows(text: str, fmt: Format) -> Iterator[Row]:
    """The rows of a whole file's ``text``."""
    return _csv_rows(text) if fmt == "csv" else _jsonl_rows(text)


def _jsonl_rows(text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield _json_row(number, line)


def _json_row(number: int, line: str) -> Row:
    try:
        values = json.loads(line)
    except json.JSONDecodeError as exc:
        return Row(number, line, None, f"not valid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(values, dict):
        return Row(number, line, None, f"a row must be a JSON object, not {type(values).__name__}")
    return Row(number, line, values)


def _csv_rows(text: str) -> Iterator[Row]:
    lines = _Lines(text.splitlines(keepends=True))
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    lines.taken()
    for number, cells in enumerate(reader, start=1):
        line = lines.taken().rstrip("\r\n")
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problem = f"row has {len(cells)} columns, the header has {len(header)}"
            yield Row(number, line, None, problem)
            continue
        values = {name: cell for name, cell in zip(header, cells, strict=True) if cell}
        yield Row(number, line, values)


class _Lines:
    """Feeds ``csv.reader`` line by line and remembers the text of the record it read."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = iter(lines)
        self._taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._taken.append(line)
        return line

    def taken(self) -> str:
        """The text consumed since the last call: one record, quoted newlines included."""
        text, self._taken = "".join(self._taken), []
        return text
