"""From one row's values to one validated event, or to the problems that stop it.

The event id is derived from the file's SHA-256 and the row number, so a file read again
after a crash yields the same ids and consumers drop the duplicates::

    >>> event_id_for("ab" * 32, 7) == event_id_for("ab" * 32, 7)
    True
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pydantic

from connectors.file_import.config import FileImportConfig
from hub.events import Event

# A fixed namespace: the same file row gets the same event id on every machine.
ROW_NAMESPACE = uuid.UUID("5b0c1e0e-6f77-4f1e-9d3a-636f6e6e6563")


@dataclass(frozen=True)
class Problem:
    """Why one field of one row was refused."""

    field: str
    reason: str


def event_id_for(file_digest: str, row_number: int) -> str:
    """The deterministic event id of a file's row."""
    return str(uuid.uuid5(ROW_NAMESPACE, f"{file_digest}:{row_number}"))


def event_fields(values: dict[str, Any], config: FileImportConfig) -> dict[str, Any]:
    """The event's fields: mapped columns, same-named columns, then the constants."""
    wanted = set(config.model.model_fields)
    renamed = {column: field for field, column in config.columns.items()}
    fields = {}
    for column, value in values.items():
        name = renamed.get(column, column)
        if name in wanted and value not in ("", None):
            fields[name] = value
    return fields | config.constants | {"source": config.source}


def to_event(
    values: dict[str, Any], config: FileImportConfig, event_id: str
) -> Event | list[Problem]:
    """The validated event of a row, or every problem with it, each naming its field."""
    fields = event_fields(values, config) | {"event_id": event_id}
    try:
        return config.model.model_validate(fields)
    except pydantic.ValidationError as exc:
        return [_problem(error, config) for error in exc.errors()]


def key_of(values: dict[str, Any] | None, config: FileImportConfig) -> str | None:
    """The row's aggregate id if it has one, to key its dead letter like its event."""
    if values is None:
        return None
    key_field = config.model.key_field
    value = values.get(config.columns.get(key_field, key_field))
    return None if value in ("", None) else str(value)


def _problem(error: Any, config: FileImportConfig) -> Problem:
    field = ".".join(str(part) for part in error["loc"]) or "row"
    column = config.columns.get(field, field)
    where = field if column == field else f"{field} (column {column})"
    return Problem(where, f"{error['msg']} (got {error.get('input')!r})")
