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
from hub.identifiers import kind_for_identifier_type, validate

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
        event = config.model.model_validate(fields)
    except pydantic.ValidationError as exc:
        return [_problem(error, config) for error in exc.errors()]
    problems = identifier_problems(event)
    return [Problem(_named(p.field, config), p.reason) for p in problems] if problems else event


def identifier_problems(event: Event) -> list[Problem]:
    """Each ``X_id_number`` checked as the scheme its ``X_id_type`` names (USCC, resident)."""
    problems = []
    for type_field in type(event).model_fields:
        number_field = type_field.removesuffix("_type") + "_number"
        if not type_field.endswith("_id_type") or number_field not in type(event).model_fields:
            continue
        id_type, number = getattr(event, type_field), getattr(event, number_field)
        verdict = validate(kind_for_identifier_type(str(id_type)), str(number))
        if not verdict.valid:
            reason = f"{id_type} {number!r} is invalid: {verdict.reason}"
            problems.append(Problem(number_field, reason))
    return problems


def key_of(values: dict[str, Any] | None, config: FileImportConfig) -> str | None:
    """The row's aggregate id if it has one, to key its dead letter like its event."""
    if values is None:
        return None
    key_field = config.model.key_field
    value = values.get(config.columns.get(key_field, key_field))
    return None if value in ("", None) else str(value)


def _problem(error: Any, config: FileImportConfig) -> Problem:
    field = ".".join(str(part) for part in error["loc"]) or "row"
    return Problem(_named(field, config), f"{error['msg']} (got {error.get('input')!r})")


def _named(field: str, config: FileImportConfig) -> str:
    """The field, with the file's column when the mapping renames it."""
    column = config.columns.get(field, field)
    return field if column == field else f"{field} (column {column})"
