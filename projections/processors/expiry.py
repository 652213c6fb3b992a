"""License life cycle by time: a license past its ``valid_until`` expires, once.

Issue, change and renewal are decided by the casework processor (a change or renewal
item approved for a holder who has the license produces its next version, linked to the
predecessor); suspension, revocation and cancellation come from the authorities' events
or from commitment and supervision enforcement. What only time decides is here: after a
valid or suspended license's last valid day, a tick emits :class:`LicenseExpired`.
A superseded, revoked, cancelled or already expired license never expires again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Connection, Date, Engine, String, Table, select

from hub.db import upsert
from hub.events import Event
from hub.events.licenses import (
    LicenseExpired,
    LicenseVersionEvent,
)
from hub.topics import Topic
from projections.processors.base import local_day, timed
from projections.processors.journal import JournalledProcessor, TimerKey
from projections.processors.library import STATUS_AFTER, LicenseStatus

#: Statuses in which a license still runs towards its expiry.
_RUNNING = (LicenseStatus.VALID.value, LicenseStatus.SUSPENDED.value)


class LicenseExpiry(JournalledProcessor):
    """Expires licenses whose validity ended."""

    name = "license-expiry"
    topics: tuple[Topic, ...] = (Topic.LICENSES,)

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.licenses = Table(
            "proc_license_expiry_licenses",
            self.metadata,
            Column("license_id", String(128), primary_key=True),
            Column("valid_until", Date, index=True),
            Column("status", String(16), nullable=False),
        )
        self.create_tables()

    def decide(self, conn: Connection, event: Event, now: datetime) -> list[Event]:
        """Follow each license's validity and status."""
        if isinstance(event, LicenseVersionEvent):
            row = {
                "license_id": event.license_id,
                "valid_until": event.valid_until,
                "status": LicenseStatus.VALID.value,
            }
            upsert(conn, self.licenses, [row], ["license_id"])
            if event.predecessor_id is not None:
                self._set(conn, event.predecessor_id, LicenseStatus.SUPERSEDED)
        elif type(event) in STATUS_AFTER:
            self._set(conn, event.key(), STATUS_AFTER[type(event)])
        return []

    def due(self, conn: Connection, now: datetime) -> list[tuple[TimerKey, Event]]:
        """An expiry for every running license whose last valid day is over."""
        table = self.licenses
        ended = select(table).where(
            table.c.status.in_(_RUNNING), table.c.valid_until < local_day(now)
        )
        rows = conn.execute(ended).all()
        for row in rows:
            self._set(conn, row.license_id, LicenseStatus.EXPIRED)
        return [
            (
                (row.license_id, "expired"),
                LicenseExpired(
                    **timed(self.source, row.license_id, "expired", now),
                    license_id=row.license_id,
                    valid_until=row.valid_until,
                ),
            )
            for row in rows
        ]

    def _set(self, conn: Connection, license_id: str, status: LicenseStatus) -> None:
        table = self.licenses
        conn.execute(
            table.update().where(table.c.license_id == license_id).values(status=status.value)
        )
