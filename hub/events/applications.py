"""Events of the one window: an application submitted once, or turned away at the door."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field

from hub.events.base import Event, IdentifierType, MaterialRef, Value
from hub.events.upcasting import upcaster
from hub.topics import Topic


class Channel(StrEnum):
    """How an application reached the one window."""

    COUNTER = "COUNTER"
    ONLINE = "ONLINE"
    MOBILE = "MOBILE"
    SELF_SERVICE = "SELF_SERVICE"


class ProjectStage(StrEnum):
    """The five stages of a construction project approval, in order."""

    PROJECT_INITIATION = "PROJECT_INITIATION"
    LAND_USE = "LAND_USE"
    PLANNING_PERMIT = "PLANNING_PERMIT"
    CONSTRUCTION_PERMIT = "CONSTRUCTION_PERMIT"
    COMPLETION_ACCEPTANCE = "COMPLETION_ACCEPTANCE"


class RejectionReason(StrEnum):
    """Why the window turned an application away before opening a case."""

    UNKNOWN_ITEM = "UNKNOWN_ITEM"
    INVALID_IDENTIFIER = "INVALID_IDENTIFIER"
    MISSING_ESSENTIAL_MATERIAL = "MISSING_ESSENTIAL_MATERIAL"
    INVALID_FORM = "INVALID_FORM"


class CommitmentTerms(Value):
    """A signed promise to supply a missing material by a due date."""

    material_code: str
    due_date: date
    statement: str


class ApplicationSubmitted(Event):
    """An applicant submitted one application at the one window; it opens a case."""

    schema_version: ClassVar[int] = 3
    topic: ClassVar[Topic] = Topic.APPLICATIONS
    key_field: ClassVar[str] = "case_id"

    case_id: str
    applicant_id_type: IdentifierType
    applicant_id_number: str
    applicant_name: str
    item_codes: tuple[str, ...]
    bundle_code: str | None = None
    form_fields: dict[str, str] = Field(default_factory=dict)
    materials: tuple[MaterialRef, ...] = ()
    commitments: tuple[CommitmentTerms, ...] = ()
    channel: Channel
    window: str | None = None
    project_code: str | None = None
    stage: ProjectStage | None = None


class ApplicationRejected(Event):
    """The window turned an application away before opening a case, naming why."""

    topic: ClassVar[Topic] = Topic.APPLICATIONS
    key_field: ClassVar[str] = "case_id"

    case_id: str
    applicant_id_type: IdentifierType
    applicant_id_number: str
    reason: RejectionReason
    detail: str
    item_codes: tuple[str, ...] = ()


_ONLINE_WINDOWS = {"WEB": Channel.ONLINE, "APP": Channel.MOBILE}
_V2_APPLICANT = frozenset({"applicant_kind", "applicant_id"})
_ID_TYPE_OF_KIND = {"ENTERPRISE": IdentifierType.USCC, "PERSON": IdentifierType.RESIDENT_ID}


@upcaster("ApplicationSubmitted", 1)
def _channel_from_window(record: dict[str, Any]) -> dict[str, Any]:
    # v1 wrote online and app submissions as pseudo-windows; the Avro default (COUNTER)
    # would count them as counter visits and spoil the "submissions saved" statistics.
    window: str = record["window"]
    if window in _ONLINE_WINDOWS:
        return {**record, "channel": _ONLINE_WINDOWS[window].value, "window": None}
    channel = Channel.SELF_SERVICE if window.startswith("KIOSK-") else Channel.COUNTER
    return {**record, "channel": channel.value}


@upcaster("ApplicationSubmitted", 2)
def _identifier_type_from_kind(record: dict[str, Any]) -> dict[str, Any]:
    # An 18-character id can pass both checks, so the type comes from v2's applicant_kind,
    # never from the shape of the id; the Avro default (USCC) would be wrong for persons.
    upcast = {key: value for key, value in record.items() if key not in _V2_APPLICANT}
    upcast["applicant_id_type"] = _ID_TYPE_OF_KIND[record["applicant_kind"]].value
    upcast["applicant_id_number"] = record["applicant_id"]
    return upcast
