"""What the hub holds for each holder: the material library, valid licenses, credit standing.

The dispatcher asks it one question per submission — what is on file for this holder —
and gets a :class:`HolderFile` that says, for each required material, whether a material
or a valid license already satisfies it at the required trust grade, and from where.
A license on file counts as a grade-A material: it was issued electronically by the
authority itself. State lives in the owning processor's ``proc_<name>_…`` tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Connection, Date, MetaData, Select, String, Table, select

from hub.catalogue import Requirement
from hub.db import upsert
from hub.events import Event
from hub.events.base import IdentifierType, MaterialRef, TrustGrade
from hub.events.credit import CreditEffect, CreditRecorded
from hub.events.licenses import (
    LicenseCancelled,
    LicenseExpired,
    LicenseRevoked,
    LicenseSuspended,
    LicenseVersionEvent,
)

#: Credit effects that cost a holder its good standing while in force.
NEGATIVE_EFFECTS = frozenset({CreditEffect.WARNING.value, CreditEffect.BLACKLIST.value})

#: How long negative records stay in force: a warning one year, a blacklisting three.
RECORD_DAYS: dict[CreditEffect, int] = {CreditEffect.WARNING: 365, CreditEffect.BLACKLIST: 1095}


class LicenseStatus(StrEnum):
    """Where a license stands in the store, as far as reuse is concerned."""

    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


#: The status a license has after each status event of the license store.
STATUS_AFTER: dict[type[Event], LicenseStatus] = {
    LicenseSuspended: LicenseStatus.SUSPENDED,
    LicenseRevoked: LicenseStatus.REVOKED,
    LicenseCancelled: LicenseStatus.CANCELLED,
    LicenseExpired: LicenseStatus.EXPIRED,
}


@dataclass(frozen=True)
class Holder:
    """A holder's one identifier, as every event spells it."""

    id_type: IdentifierType
    id_number: str


@dataclass(frozen=True)
class Source:
    """A material on file that satisfies a requirement, and where it came from."""

    code: str
    content_hash: str
    grade: TrustGrade
    license_id: str | None = None


@dataclass
class HolderFile:
    """A holder's materials, valid licenses by type and credit standing on one day."""

    materials: dict[str, list[Source]] = field(default_factory=dict)
    licenses: dict[str, Source] = field(default_factory=dict)
    good_credit: bool = True

    def satisfying(self, requirement: Requirement) -> Source | None:
        """The best source on file for ``requirement``, a license first, or None."""
        license_type = requirement.material.license_type
        held = None if license_type is None else self.licenses.get(type_segment(license_type.code))
        if held is not None:
            return held
        grades = [
            s for s in self.materials.get(requirement.code, []) if requirement.accepts(s.grade)
        ]
        return min(grades, key=lambda s: s.grade.value, default=None)


def type_segment(license_type: str) -> str:
    """The license-id TYPE segment of a catalogue license type (``A-Z0-9``, no underscore)."""
    return license_type.replace("_", "")


def license_hash(license_id: str) -> str:
    """The content hash a license stands for when it is reused as a material."""
    return hashlib.sha256(license_id.encode()).hexdigest()


def _holder_columns(*, key: bool) -> tuple[Column[str], Column[str]]:
    return (
        Column("holder_type", String(16), primary_key=key, nullable=False),
        Column("holder_id", String(32), primary_key=key, nullable=False, index=not key),
    )


class Library:
    """The material, license and credit tables of one processor, and the lookups over them."""

    def __init__(self, metadata: MetaData, prefix: str) -> None:
        self.materials = Table(
            f"{prefix}_materials",
            metadata,
            *_holder_columns(key=True),
            Column("code", String(64), primary_key=True),
            Column("content_hash", String(64), primary_key=True),
            Column("grade", String(1), nullable=False),
            Column("valid_until", Date),
        )
        self.licenses = Table(
            f"{prefix}_licenses",
            metadata,
            *_holder_columns(key=False),
            Column("license_id", String(128), primary_key=True),
            Column("license_type", String(64), nullable=False),
            Column("status", String(16), nullable=False),
            Column("valid_until", Date),
            Column("suspended_until", Date),
            Column("face_fields", JSON, nullable=False),
        )
        self.credit = Table(
            f"{prefix}_credit",
            metadata,
            *_holder_columns(key=False),
            Column("record_id", String(64), primary_key=True),
            Column("effect", String(16), nullable=False),
            Column("valid_until", Date),
        )

    def add_materials(
        self,
        conn: Connection,
        holder: Holder,
        materials: Sequence[MaterialRef],
        valid_until: date | None = None,
    ) -> None:
        """Put materials in the holder's library (again: no change)."""
        rows = [
            {
                "holder_type": holder.id_type.value,
                "holder_id": holder.id_number,
                "code": material.code,
                "content_hash": material.content_hash,
                "grade": material.trust_grade.value,
                "valid_until": valid_until,
            }
            for material in materials
        ]
        upsert(conn, self.materials, rows, ["holder_type", "holder_id", "code", "content_hash"])

    def add_license(self, conn: Connection, version: LicenseVersionEvent) -> None:
        """Enter a license version as valid; the version it replaces is superseded."""
        row = {
            "holder_type": version.holder_id_type.value,
            "holder_id": version.holder_id_number,
            "license_id": version.license_id,
            "license_type": type_segment(version.license_type),
            "status": LicenseStatus.VALID.value,
            "valid_until": version.valid_until,
            "face_fields": dict(version.face_fields),
        }
        upsert(conn, self.licenses, [row], ["license_id"], ["status", "valid_until"])
        if version.predecessor_id is not None:
            self.set_status(conn, version.predecessor_id, LicenseStatus.SUPERSEDED)

    def set_status(
        self, conn: Connection, license_id: str, status: LicenseStatus, until: date | None = None
    ) -> None:
        """Record a license's new status and a suspension's last day, if it has one."""
        table = self.licenses
        values = {"status": status.value, "suspended_until": until}
        conn.execute(table.update().where(table.c.license_id == license_id).values(**values))

    def face_fields(self, conn: Connection, license_id: str) -> dict[str, str]:
        """The face fields of a license on file (empty if unknown)."""
        query = select(self.licenses.c.face_fields).where(self.licenses.c.license_id == license_id)
        return dict(conn.execute(query).scalar() or {})

    def add_credit(self, conn: Connection, record: CreditRecorded) -> None:
        """Enter a credit record."""
        row = {
            "holder_type": record.subject_id_type.value,
            "holder_id": record.subject_id_number,
            "record_id": record.event_id,
            "effect": record.effect.value,
            "valid_until": record.valid_until,
        }
        upsert(conn, self.credit, [row], ["record_id"])

    def on_file(self, conn: Connection, holder: Holder, day: date) -> HolderFile:
        """Everything on file for ``holder`` that is in force on ``day``."""
        return HolderFile(
            materials=self._materials(conn, holder, day),
            licenses=self._licenses(conn, holder, day),
            good_credit=self._good_credit(conn, holder, day),
        )

    def _materials(self, conn: Connection, holder: Holder, day: date) -> dict[str, list[Source]]:
        found: dict[str, list[Source]] = {}
        for row in conn.execute(_of(self.materials, holder, day)):
            found.setdefault(row.code, []).append(
                Source(row.code, row.content_hash, TrustGrade(row.grade))
            )
        return found

    def _licenses(self, conn: Connection, holder: Holder, day: date) -> dict[str, Source]:
        licenses = self.licenses.c
        # A suspension with a last day lifts itself; one without lasts until revoked.
        lifted = (licenses.status == LicenseStatus.SUSPENDED.value) & (
            licenses.suspended_until < day
        )
        query = _of(self.licenses, holder, day).where(
            (licenses.status == LicenseStatus.VALID.value) | lifted
        )
        return {
            row.license_type: Source(
                row.license_type, license_hash(row.license_id), TrustGrade.A, row.license_id
            )
            for row in conn.execute(query)
        }

    def _good_credit(self, conn: Connection, holder: Holder, day: date) -> bool:
        query = _of(self.credit, holder, day).where(self.credit.c.effect.in_(NEGATIVE_EFFECTS))
        return conn.execute(query).first() is None


def _of(table: Table, holder: Holder, day: date) -> Select[Any]:
    """Rows of ``holder`` in ``table`` that are in force on ``day``."""
    return select(table).where(
        table.c.holder_type == holder.id_type.value,
        table.c.holder_id == holder.id_number,
        (table.c.valid_until.is_(None)) | (table.c.valid_until >= day),
    )
