"""Policies of the electronic license store: ``licenses`` (current state) and its history.

A change or renewal is a new license version with its own id (the id carries the
version) and a link to its predecessor; the predecessor row gets ``superseded_by`` and
keeps its own status, so verifying an old number shows both what it was and what
replaced it. Every license event adds one ``license_history`` row holding the license as
it stood after the event (dates as ISO strings, no timestamps, so a rebuild writes the
very same snapshot).
"""

from __future__ import annotations

from typing import Any

from hub.events.licenses import (
    LicenseCancelled,
    LicenseEvent,
    LicenseExpired,
    LicenseRevoked,
    LicenseSuspended,
    LicenseVersionEvent,
)
from projections.model import Row, latest
from projections.tables import LicenseStatus

_SNAPSHOT = (
    "license_type",
    "license_name",
    "holder_id_type",
    "holder_id_number",
    "holder_name",
    "issuer",
    "valid_from",
    "valid_until",
    "face_fields",
    "version",
    "predecessor_id",
    "status",
    "status_reason",
    "suspended_until",
    "case_id",
)


def version(license_row: Row, event: LicenseVersionEvent) -> None:
    """A license version was issued, changed or renewed: it is valid as written."""
    license_row.update(
        license_type=event.license_type,
        license_name=event.license_name,
        holder_id_type=event.holder_id_type,
        holder_id_number=event.holder_id_number,
        holder_name=event.holder_name,
        issuer=event.issuer,
        valid_from=event.valid_from,
        valid_until=event.valid_until,
        face_fields=dict(event.face_fields),
        version=event.version,
        predecessor_id=event.predecessor_id,
        status=LicenseStatus.VALID,
        status_authority=event.issuer,
        status_reason=None,
        suspended_until=None,
        case_id=event.case_id,
        issued_at=event.occurred_at,
    )
    _touch(license_row, event)


def predecessor_of(event: LicenseVersionEvent) -> str | None:
    """The id of the version this one replaces, if it is another row."""
    if event.predecessor_id == event.license_id:
        return None
    return event.predecessor_id


def superseded(license_row: Row, event: LicenseVersionEvent) -> None:
    """The predecessor is replaced by the new version."""
    license_row["superseded_by"] = event.license_id
    _touch(license_row, event)


def _touch(license_row: Row, event: LicenseEvent) -> None:
    # A successor's event (keyed by the successor, so from another partition) updates the
    # predecessor too: the latest time is the same whatever order the two arrive in.
    license_row["updated_at"] = latest(license_row["updated_at"], event.occurred_at)


def _status(
    license_row: Row, event: LicenseEvent, status: LicenseStatus, authority: str, reason: str
) -> None:
    license_row.update(status=status, status_authority=authority, status_reason=reason)
    _touch(license_row, event)


def suspended(license_row: Row, event: LicenseSuspended) -> None:
    """Suspended by an authority, possibly until a given day."""
    _status(license_row, event, LicenseStatus.SUSPENDED, event.authority, event.reason)
    license_row["suspended_until"] = event.until


def revoked(license_row: Row, event: LicenseRevoked) -> None:
    """Revoked by an authority."""
    _status(license_row, event, LicenseStatus.REVOKED, event.authority, event.reason)


def cancelled(license_row: Row, event: LicenseCancelled) -> None:
    """Cancelled, usually at the holder's request."""
    _status(license_row, event, LicenseStatus.CANCELLED, event.authority, event.reason)


def expired(license_row: Row, event: LicenseExpired) -> None:
    """The validity ended."""
    license_row.update(status=LicenseStatus.EXPIRED, valid_until=event.valid_until)
    _touch(license_row, event)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def history(event: LicenseEvent, license_row: Row | None) -> Row:
    """One ``license_history`` row: the event and the license as it stands after it."""
    after = license_row or {}
    return {
        "event_id": event.event_id,
        "license_id": event.license_id,
        "event_name": event.event_name,
        "occurred_at": event.occurred_at,
        "status_after": after.get("status"),
        "version": after.get("version"),
        "snapshot": {name: _plain(after.get(name)) for name in _SNAPSHOT},
    }
