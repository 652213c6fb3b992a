"""The file-import connector's settings: where files drop, which event each row becomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from connectors.base import SourceConfig
from connectors.file_import.rows import Format
from hub.events import EVENT_MODELS, Event


class FileImportConfig(SourceConfig):
    """A folder of CSV or JSON-lines files, each row one event of ``event_type``."""

    inbox: Path
    event_type: str
    source: str = Field(min_length=1, description="The department: each event's source.")
    columns: dict[str, str] = Field(
        default_factory=dict, description="Event field -> column name, where they differ."
    )
    constants: dict[str, Any] = Field(
        default_factory=dict, description="Event field -> the value every row gets."
    )
    format: Format | None = Field(default=None, description="Default: from the file suffix.")
    batch_rows: int = Field(default=500, ge=1)

    @field_validator("event_type")
    @classmethod
    def _known_event(cls, name: str) -> str:
        if name not in EVENT_MODELS:
            raise ValueError(f"no event type {name!r}; known: {', '.join(sorted(EVENT_MODELS))}")
        return name

    @field_validator("inbox")
    @classmethod
    def _existing_folder(cls, inbox: Path) -> Path:
        if not inbox.is_dir():
            raise ValueError(f"{inbox} is not a folder")
        return inbox

    @property
    def model(self) -> type[Event]:
        """The event model each row is validated against."""
        return EVENT_MODELS[self.event_type]

    @property
    def done(self) -> Path:
        """Where processed files and their error reports go."""
        return self.inbox / "done"
