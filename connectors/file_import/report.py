"""The error report beside an imported file: one CSV line per refused field of each row."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from connectors.file_import.mapping import Problem

REPORT_SUFFIX = ".errors.csv"
COLUMNS = ("row", "field", "reason", "line")


@dataclass(frozen=True)
class RowError:
    """One refused row: its number, what was wrong, and its original text."""

    row: int
    problems: Sequence[Problem]
    line: str

    @property
    def reason(self) -> str:
        """Every problem of the row in one sentence, for the dead letter."""
        return f"row {self.row}: " + "; ".join(f"{p.field}: {p.reason}" for p in self.problems)


def report_path(imported: Path) -> Path:
    """The report's path: the imported file's name with ``.errors.csv`` appended."""
    return imported.with_name(imported.name + REPORT_SUFFIX)


def write_report(path: Path, errors: Sequence[RowError]) -> None:
    """Write the report atomically (a temporary file renamed), so it is never half there."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for error in errors:
        for problem in error.problems:
            writer.writerow((error.row, problem.field, problem.reason, error.line))
    partial = path.with_name(path.name + ".part")
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    partial.replace(path)
