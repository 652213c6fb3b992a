"""The file-import source: legacy systems drop CSV or JSON-lines files, each row an event.

Files are taken oldest name first. Each valid row becomes one event with an id derived
from the file's hash and the row number; each invalid row goes to the dead-letter topic
with its original text and to ``NAME.errors.csv`` (row, field, reason, line). Once the
broker has confirmed a whole file, it moves to ``done/`` with its report. A crash before
that means the file is read again: same ids, so consumers drop the duplicates.

Write files under a temporary name (a leading ``.`` or a ``.part``/``.tmp`` suffix) and
rename them when complete, so that a half-written file is never read.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from connectors.base import Rejected, Source, SourceContext
from connectors.file_import.config import FileImportConfig
from connectors.file_import.mapping import Problem, event_id_for, key_of, to_event
from connectors.file_import.report import RowError, report_path, write_report
from connectors.file_import.rows import Row, format_of, read_rows
from hub.errors import ConnectorError
from hub.events import Event

logger = logging.getLogger(__name__)

_UNFINISHED = (".part", ".tmp")


@dataclass
class _OpenFile:
    """The file being imported: its rows, how far they are confirmed, and the refused ones."""

    path: Path
    digest: str
    rows: list[Row]
    confirmed: int = 0
    polled: int = 0
    errors: list[RowError] = field(default_factory=list)


class FileImportSource(Source[FileImportConfig]):
    """Imports CSV and JSON-lines files dropped in a folder, one event per row."""

    config_model: ClassVar[type[FileImportConfig]] = FileImportConfig

    def __init__(self) -> None:
        self._config: FileImportConfig | None = None
        self._context: SourceContext | None = None
        self._file: _OpenFile | None = None

    def start(self, config: FileImportConfig, context: SourceContext) -> None:
        """Remember the folder; ``done/`` is created now so a bad path shows at once."""
        self._config, self._context = config, context
        config.done.mkdir(exist_ok=True)

    def poll(self) -> list[Event]:
        """The next rows of the current file (or of the next one) as events."""
        config, context = self._started()
        current = self._file or self._open_next(config)
        if current is None:
            return []
        batch = current.rows[current.confirmed : current.confirmed + config.batch_rows]
        current.polled = current.confirmed + len(batch)
        events = []
        for row in batch:
            outcome = self._event_of(row, current, config)
            if isinstance(outcome, Event):
                events.append(outcome)
            else:
                current.errors.append(outcome)
                context.reject(_rejected(outcome, row, current, config))
        return events

    def commit(self, events: Sequence[Event]) -> None:
        """Mark the polled rows confirmed; a fully confirmed file moves to ``done/``."""
        current = self._file
        if current is None:
            return
        current.confirmed = current.polled
        if current.confirmed >= len(current.rows):
            self._finish(current, self._started()[0])
            self._file = None

    def stop(self) -> None:
        """Forget the file in progress; it is read again from its start next time."""
        self._file = None

    def _started(self) -> tuple[FileImportConfig, SourceContext]:
        if self._config is None or self._context is None:
            raise ConnectorError("file-import: poll() before start()")
        return self._config, self._context

    def _open_next(self, config: FileImportConfig) -> _OpenFile | None:
        waiting = [p for p in sorted(config.inbox.iterdir()) if _is_input(p, config)]
        if not waiting:
            return None
        path = waiting[0]
        data = path.read_bytes()
        fmt = format_of(path, config.format)
        assert fmt is not None  # _is_input let only files with a format through
        rows = list(read_rows(data.decode("utf-8", errors="replace"), fmt))
        self._file = _OpenFile(path, hashlib.sha256(data).hexdigest(), rows)
        logger.info("importing %s: %d rows", path.name, len(rows))
        return self._file

    def _event_of(self, row: Row, current: _OpenFile, config: FileImportConfig) -> Event | RowError:
        if row.values is None:
            return RowError(row.number, [Problem("row", row.problem or "unreadable")], row.line)
        outcome = to_event(row.values, config, event_id_for(current.digest, row.number))
        return outcome if isinstance(outcome, Event) else RowError(row.number, outcome, row.line)

    def _finish(self, current: _OpenFile, config: FileImportConfig) -> None:
        target = config.done / current.path.name
        if target.exists():
            target = target.with_stem(f"{target.stem}.{current.digest[:12]}")
        if current.errors:
            write_report(report_path(target), current.errors)
        current.path.replace(target)
        logger.info("imported %s: %d rows refused", current.path.name, len(current.errors))


def _is_input(path: Path, config: FileImportConfig) -> bool:
    hidden_or_partial = path.name.startswith(".") or path.suffix in _UNFINISHED
    return path.is_file() and not hidden_or_partial and format_of(path, config.format) is not None


def _rejected(error: RowError, row: Row, current: _OpenFile, config: FileImportConfig) -> Rejected:
    origin = {"file": current.path.name, "sha256": current.digest, "row": str(row.number)}
    key = key_of(row.values, config)
    return Rejected(row.line.encode(), error.reason, "ValidationError", key, origin)
