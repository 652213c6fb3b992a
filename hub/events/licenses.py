"""Events of the electronic license store: a license's versions and its status changes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from hub.events.base import AvroInt, Event, IdentifierType
from hub.topics import Topic


class LicenseEvent(Event):
    """Base of every license event, keyed by the license id."""

    topic: ClassVar[Topic] = Topic.LICENSES
    key_field: ClassVar[str] = "license_id"

    license_id: str


class LicenseVersionEvent(LicenseEvent):
    """Base of the events that carry a complete license version: issue, change, renewal."""

    license_type: str
    license_name: str
    holder_id_type: IdentifierType
    holder_id_number: str
    holder_name: str
    issuer: str
    valid_from: date
    valid_until: date | None = None
    face_fields: dict[str, str] = Field(default_factory=dict)
    version: Annotated[AvroInt, Field(ge=1)]
    predecessor_id: str | None = None
    case_id: str | None = None


class LicenseIssued(LicenseVersionEvent):
    """A license was issued and entered in the electronic license store."""


class LicenseChanged(LicenseVersionEvent):
    """A license was changed; this is its new version, linked to the one it replaces."""

    changed_fields: tuple[str, ...]


class LicenseRenewed(LicenseVersionEvent):
    """A license was renewed; this is its new version, linked to the one it replaces."""


class LicenseSuspended(LicenseEvent):
    """A license was suspended until further notice or a given day."""

    authority: str
    reason: str
    until: date | None = None


class LicenseRevoked(LicenseEvent):
    """A license was revoked by an authority."""

    authority: str
    reason: str


class LicenseCancelled(LicenseEvent):
    """A license was cancelled, usually at the holder's request."""

    authority: str
    reason: str


class LicenseExpired(LicenseEvent):
    """A license reached the end of its validity."""

    valid_until: date
