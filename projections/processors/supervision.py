"""Post-approval supervision (事中事后监管): inspection results act on what was approved.

Casework pushes every supervised approval to its enforcement department as a
:class:`SupervisionRequested` (keyed by the license, or by the task for an item that ends
in a record). This processor remembers each request and acts on the inspections that
come back: a required rectification suspends the license until the rectification date;
a failed inspection revokes it and enters a credit record — a blacklisting for false
materials when the approval rested on the holder's commitment (告知承诺), a warning
otherwise. A passed inspection changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Engine, String, Table, select

from hub.db import insert_ignore
from hub.events import Event
from hub.events.base import IdentifierType
from hub.events.credit import CreditCause, CreditEffect, CreditRecorded
from hub.events.licenses import LicenseRevoked, LicenseSuspended
from hub.events.supervision import InspectionRecorded, InspectionResult, SupervisionRequested
from hub.identifiers import validate_license_id
from hub.topics import Topic
from projections.processors.base import local_day, stamp
from projections.processors.journal import JournalledProcessor
from projections.processors.library import RECORD_DAYS


class SupervisionEnforcer(JournalledProcessor):
    """Turns failed or deficient inspections into license actions and credit records."""

    name = "supervision"
    topics: tuple[Topic, ...] = (Topic.SUPERVISION,)

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.requests = Table(
            "proc_supervision_requests",
            self.metadata,
            Column("supervision_id", String(200), primary_key=True),
            Column("license_id", String(160), nullable=False),
            Column("case_id", String(128), nullable=False),
            Column("holder_type", String(16), nullable=False),
            Column("holder_id", String(32), nullable=False),
            Column("holder_name", String(255), nullable=False),
            Column("commitment_based", Boolean, nullable=False),
        )
        self.create_tables()

    def decide(self, conn: Connection, event: Event, now: datetime) -> list[Event]:
        """Remember requests; act on inspection results."""
        if isinstance(event, SupervisionRequested):
            row = {
                "supervision_id": event.supervision_id,
                "license_id": event.license_id,
                "case_id": event.case_id,
                "holder_type": event.holder_id_type.value,
                "holder_id": event.holder_id_number,
                "holder_name": event.holder_name,
                "commitment_based": event.commitment_based,
            }
            insert_ignore(conn, self.requests, [row], ["supervision_id"])
        if isinstance(event, InspectionRecorded):
            return self._inspected(conn, event)
        return []

    def _inspected(self, conn: Connection, inspection: InspectionRecorded) -> list[Event]:
        if inspection.result is InspectionResult.PASSED:
            return []
        table = self.requests
        query = select(table).where(table.c.supervision_id == inspection.supervision_id)
        request = conn.execute(query).first()
        actions = self._license_action(inspection)
        if inspection.result is InspectionResult.FAILED and request is not None:
            actions.append(self._credit(inspection, request))
        return actions

    def _license_action(self, inspection: InspectionRecorded) -> list[Event]:
        """Suspension or revocation of the supervised license; none for a record."""
        if not validate_license_id(inspection.license_id).valid:
            return []
        common = {
            **stamp(self.source, inspection, "license", inspection.license_id),
            "license_id": inspection.license_id,
            "authority": inspection.department,
            "reason": f"inspection {inspection.result}: {inspection.findings}",
        }
        if inspection.result is InspectionResult.FAILED:
            return [LicenseRevoked(**common)]
        return [LicenseSuspended(**common, until=inspection.rectify_by)]

    def _credit(self, inspection: InspectionRecorded, request: Any) -> CreditRecorded:
        """A blacklisting for a false commitment, a warning for any other failure."""
        false_commitment = bool(request.commitment_based)
        effect = CreditEffect.BLACKLIST if false_commitment else CreditEffect.WARNING
        cause = CreditCause.FALSE_MATERIAL if false_commitment else CreditCause.INSPECTION_FAILED
        day = local_day(inspection.occurred_at)
        license_id = inspection.license_id
        return CreditRecorded(
            **stamp(self.source, inspection, "CreditRecorded", request.holder_id),
            subject_id_type=IdentifierType(request.holder_type),
            subject_id_number=request.holder_id,
            subject_name=request.holder_name,
            effect=effect,
            cause=cause,
            reason=f"inspection by {inspection.department} failed: {inspection.findings}",
            valid_until=day + timedelta(days=RECORD_DAYS[effect]),
            case_id=request.case_id,
            license_id=license_id if validate_license_id(license_id).valid else None,
        )
