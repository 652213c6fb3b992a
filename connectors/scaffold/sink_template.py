"""The sink a new connector package starts from: events appended to a JSON-lines file."""

CONNECTOR = '''"""The ${name} sink.

${summary}

It appends each event as one JSON line to a file. Replace ``flush`` with a write to your
department system, and keep its two rules: the same event twice changes nothing (here: ids
already in the file are skipped), and ``flush`` makes the batch durable, because the hub
commits its offsets right after it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from connectors.base import Sink, SinkConfig
from hub.errors import ConnectorError, RetriableError
from hub.events import Event


class ${camel}Config(SinkConfig):
    """The topics the ${name} sink subscribes to, and the file it writes."""

    path: Path


class ${camel}Sink(Sink[${camel}Config]):
    """${summary}"""

    config_model: ClassVar[type[${camel}Config]] = ${camel}Config

    def __init__(self) -> None:
        self._config: ${camel}Config | None = None
        self._seen: set[str] = set()
        self._buffer: list[str] = []

    def start(self, config: ${camel}Config) -> None:
        """Remember the file and the ids it already holds."""
        if self._config is None:
            self._config, self._seen = config, set(read_ids(config.path))

    def write(self, batch: Sequence[Event]) -> None:
        """Buffer the events not delivered before."""
        for event in batch:
            if event.event_id not in self._seen:
                self._seen.add(event.event_id)
                self._buffer.append(event.model_dump_json())

    def flush(self) -> None:
        """Append the buffer and sync it to disk; a failing disk is worth retrying."""
        if self._config is None:
            raise ConnectorError("${name}: flush() before start()")
        try:
            with self._config.path.open("a", encoding="utf-8") as out:
                out.writelines(line + "\\n" for line in self._buffer)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise RetriableError(f"cannot append to {self._config.path}: {exc}") from exc
        self._buffer.clear()

    def stop(self) -> None:
        """Drop what was not flushed: the hub delivers it again."""
        self._config, self._seen, self._buffer = None, set(), []


def read_ids(path: Path) -> list[str]:
    """The event ids a JSON-lines file holds, in order."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [str(json.loads(line)["event_id"]) for line in lines if line]
'''

TEST = '''"""The ${name} sink passes the onewindow conformance kit on the embedded broker."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from pathlib import Path
from typing import Any

from connectors.base import Sink
from connectors.testing import SinkContract
from hub.events import Event
from hub.events.cases import CaseRated

from ${package}.connector import ${camel}Sink, read_ids


class Test${camel}Sink(SinkContract):
    def make_connector(self, workdir: Path) -> tuple[Sink[Any], dict[str, Any]]:
        config = {"topics": ["onewindow.applications"], "path": str(workdir / "out.jsonl")}
        return ${camel}Sink(), config

    def make_events(self, count: int) -> list[Event]:
        run = uuid.uuid4().hex[:8]
        return [CaseRated(source="test", case_id=f"C-{run}-{n}", score=5) for n in range(count)]

    def read_output(self, workdir: Path) -> Collection[str]:
        return read_ids(workdir / "out.jsonl")
'''
