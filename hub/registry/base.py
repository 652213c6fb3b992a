"""The schema registry interface, and how event names map to subjects.

Subjects follow the RecordNameStrategy (subject = the record's full name,
``gov.onewindow.events.ApplicationSubmitted``) because one topic carries several event
types. Two implementations sit beside this module: :mod:`hub.registry.embedded` (in
process, persisted under ``data_dir``) and :mod:`hub.registry.confluent` (a Confluent
Schema Registry or Karapace over HTTP).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from hub.compatibility import Mode
from hub.registry.files import NAMESPACE


def subject_for(event_name: str) -> str:
    """The registry subject of an event type."""
    return f"{NAMESPACE}.{event_name}"


@runtime_checkable
class SchemaRegistry(Protocol):
    """Where schemas get their ids; every method may raise a :class:`~hub.errors.SchemaError`."""

    def register(self, subject: str, schema_str: str) -> int:
        """The id of ``schema_str`` under ``subject``, registering it if new (idempotent)."""
        ...

    def schema_by_id(self, schema_id: int) -> str:
        """The schema text registered with ``schema_id``, or UnknownSchemaError."""
        ...

    def versions(self, subject: str) -> list[int]:
        """The registry's version numbers of ``subject``, ascending."""
        ...

    def schema_at(self, subject: str, version: int) -> str:
        """The schema text of ``subject`` at registry version ``version``."""
        ...

    def compatibility(self, subject: str) -> Mode:
        """The compatibility mode that guards new versions of ``subject``."""
        ...
