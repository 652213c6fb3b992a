"""The access-log event: which official looked at whose data, and why."""

from __future__ import annotations

from typing import ClassVar

from hub.events.base import Event, IdentifierType
from hub.topics import Topic


class DataAccessed(Event):
    """An official read a subject's data; keyed by the subject so they can see every access."""

    topic: ClassVar[Topic] = Topic.ACCESS
    key_field: ClassVar[str] = "subject_id_number"

    subject_id_type: IdentifierType
    subject_id_number: str
    accessor: str
    department: str
    purpose: str
    resource: str
    case_id: str | None = None
