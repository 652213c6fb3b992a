"""The base of every event: an immutable value with an id, a time, a source and a version.

Subclasses name their topic and the field that keys them; the event name is the class
name, and ``schema_version`` is the ``.avsc`` version the model mirrors. A model checks
everything its Avro schema would (an Avro ``int`` is :data:`AvroInt`, 32 bits), also when
copied with changes, so a constructed event always encodes and the publisher need not
walk the schema again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

import pydantic
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from hub.errors import ValidationError
from hub.ids import uuid7
from hub.topics import Topic

# An Avro "int" is 32 bits; a wider value would go out as a long and break every reader.
# Narrow it as Annotated[AvroInt, Field(ge=1)]: a Field given as the default would replace
# these bounds rather than add to them.
AvroInt = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class IdentifierType(StrEnum):
    """Which identifier scheme an id number follows; an 18-character id can pass both."""

    USCC = "USCC"
    RESIDENT_ID = "RESIDENT_ID"


class TrustGrade(StrEnum):
    """How far a material can be trusted: A issued by the authority … D self-declared."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class ItemCategory(StrEnum):
    """Catalogue class of an approval item; it sets the tolerance for missing materials."""

    CONTROLLED = "CONTROLLED"
    CAUTIOUS = "CAUTIOUS"
    ENCOURAGED = "ENCOURAGED"


class Value(BaseModel):
    """An immutable value that refuses unknown fields: the base of events and their parts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, validated like a new value (pydantic's copy is not)."""
        if update is None:
            return super().model_copy(deep=deep)
        return self.model_validate({**dict(self), **update})


class MaterialRef(Value):
    """A material handed in or on file, identified by its content hash."""

    code: str
    name: str
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    trust_grade: TrustGrade
    issuer: str | None = None


def _new_event_id() -> str:
    return uuid7()  # time-ordered, so the indexes keyed by event id grow at their end


def _now() -> datetime:
    return datetime.now(UTC)


class Event(Value):
    """An immutable fact on the log, mirroring one Avro schema version."""

    event_name: ClassVar[str]
    schema_version: ClassVar[int] = 1
    topic: ClassVar[Topic]
    key_field: ClassVar[str]

    event_id: str = Field(default_factory=_new_event_id)
    occurred_at: AwareDatetime = Field(default_factory=_now)
    source: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.event_name = cls.__name__

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def key(self) -> str:
        """The aggregate id, used as the Kafka message key."""
        return str(getattr(self, self.key_field))

    def to_record(self) -> dict[str, Any]:
        """A dict that fastavro writes with the current schema of this event."""
        return self.model_dump(mode="python")

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Self:
        """The event read back from a record of the current schema."""
        try:
            return cls.model_validate(record)
        except pydantic.ValidationError as exc:
            raise ValidationError(f"not a valid {cls.__name__} record: {_describe(exc)}") from exc


def _describe(exc: pydantic.ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
    )
