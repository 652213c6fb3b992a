"""The source a new connector package starts from: JSON files in a folder, one event each."""

CONNECTOR = '''"""The ${name} source.

${summary}

It reads one JSON object per ``*.json`` file in a folder, for example
``{"type": "CaseRated", "case_id": "C-1", "score": 5}``. Replace ``_read`` with what
your department system offers, and keep its three rules: event ids are derived from the
input (never random), bad input goes to ``context.reject`` with the reason, and input is
marked done only in ``commit``, after the hub confirmed delivery.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pydantic
from connectors.base import Rejected, Source, SourceConfig, SourceContext
from hub.errors import ConnectorError, HubError
from hub.events import Event, model_for

# Fixed for this connector: the same input gets the same event id on every machine.
NAMESPACE = uuid.UUID("${namespace}")


class ${camel}Config(SourceConfig):
    """Where the ${name} source finds its input, and the department it speaks for."""

    folder: pydantic.DirectoryPath
    source: str = pydantic.Field(min_length=1)


class ${camel}Source(Source[${camel}Config]):
    """${summary}"""

    config_model: ClassVar[type[${camel}Config]] = ${camel}Config

    def __init__(self) -> None:
        self._config: ${camel}Config | None = None
        self._context: SourceContext | None = None
        self._polled: list[Path] = []

    def start(self, config: ${camel}Config, context: SourceContext) -> None:
        """Remember the folder and make its ``done/`` folder."""
        self._config, self._context = config, context
        (config.folder / "done").mkdir(exist_ok=True)

    def poll(self) -> list[Event]:
        """One event per waiting file; bad files are rejected with the reason."""
        config, context = self._started()
        self._polled = sorted(config.folder.glob("*.json"))
        found = (self._read(path, config, context) for path in self._polled)
        return [event for event in found if event is not None]

    def commit(self, events: Sequence[Event]) -> None:
        """The hub has every polled file's event (or dead letter): move the files away."""
        config, _ = self._started()
        for path in self._polled:
            path.replace(config.folder / "done" / path.name)
        self._polled = []

    def stop(self) -> None:
        """Forget the last poll; its files are read again after a restart."""
        self._polled = []

    def _started(self) -> tuple[${camel}Config, SourceContext]:
        if self._config is None or self._context is None:
            raise ConnectorError("${name}: poll() before start()")
        return self._config, self._context

    def _read(self, path: Path, config: ${camel}Config, context: SourceContext) -> Event | None:
        data = path.read_bytes()
        event_id = str(uuid.uuid5(NAMESPACE, hashlib.sha256(data).hexdigest()))
        document: Any = None
        try:
            document = json.loads(data)
            fields = dict(document) | {"event_id": event_id, "source": config.source}
            return model_for(str(fields.pop("type", ""))).model_validate(fields)
        except (ValueError, TypeError, HubError) as exc:
            key = _key_of(document)
            origin = {"file": path.name}
            context.reject(Rejected(data, f"{path.name}: {exc}", type(exc).__name__, key, origin))
            return None


def _key_of(document: Any) -> str | None:
    """The aggregate id of a rejected document, when it names its type and key."""
    try:
        return str(document[model_for(document["type"]).key_field])
    except (KeyError, TypeError, HubError):
        return None
'''

TEST = '''"""The ${name} source passes the onewindow conformance kit on the embedded broker."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from connectors.base import Source
from connectors.testing import Produced, SourceContract
from hub.topics import Topic

from ${package}.connector import ${camel}Source


class Test${camel}Source(SourceContract):
    def make_connector(self, workdir: Path) -> tuple[Source[Any], dict[str, Any]]:
        folder = workdir / "input"
        folder.mkdir(exist_ok=True)
        config = {"folder": str(folder), "source": "${name}", "poll_interval": 0}
        return ${camel}Source(), config

    def produce_input(self, workdir: Path, good: int, bad: int) -> Produced:
        run = uuid.uuid4().hex[:8]
        keys = [f"C-{run}-{n}" for n in range(good)]
        bad_keys = [f"C-{run}-bad-{n}" for n in range(bad)]
        scores = [(key, 4) for key in keys] + [(key, 9) for key in bad_keys]
        for key, score in scores:
            document = {"type": "CaseRated", "case_id": key, "score": score}
            (workdir / "input" / f"{key}.json").write_text(json.dumps(document), "utf-8")
        return Produced(Topic.APPLICATIONS, keys, bad_keys)
'''
