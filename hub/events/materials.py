"""Events of a holder's material library: fill in once, reuse everywhere."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from hub.events.base import Event, IdentifierType, MaterialRef, TrustGrade
from hub.topics import Topic


class MaterialEvent(Event):
    """Base of every material event, keyed by the holder's id number."""

    topic: ClassVar[Topic] = Topic.MATERIALS
    key_field: ClassVar[str] = "holder_id_number"

    holder_id_type: IdentifierType
    holder_id_number: str


class MaterialRegistered(MaterialEvent):
    """A material entered the holder's material library and may be reused."""

    material: MaterialRef
    valid_until: date | None = None
    case_id: str | None = None


class MaterialReused(MaterialEvent):
    """A department reused a material from the holder's library instead of asking again."""

    material_code: str
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    trust_grade: TrustGrade
    case_id: str
    department: str
