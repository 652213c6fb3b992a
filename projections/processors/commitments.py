"""Commitments (容缺受理 / 告知承诺): kept by supplying the material in time, or breached.

A commitment is fulfilled when its material reaches the holder's library (a supplement
for the case, or a registration from any department) on or before its due date. Once
the due date has passed unfulfilled, a tick breaches it: :class:`CommitmentBreached`, a
negative :class:`CreditRecorded` for the holder, and, for every license of the case that
was granted on commitment for an item needing that material, the item's ``breach_action``
(suspension or revocation). A license issued after the breach is acted on when it arrives.
The credit topic is read only to see its own credit records come back (see the journal).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Boolean, Column, Connection, Date, Engine, String, Table, select

from hub.catalogue import BreachAction, Catalogue
from hub.db import insert_ignore
from hub.events import Event
from hub.events.base import IdentifierType
from hub.events.commitments import (
    CommitmentBreached,
    CommitmentFulfilled,
    CommitmentKind,
    CommitmentMade,
)
from hub.events.credit import CreditCause, CreditEffect, CreditRecorded
from hub.events.licenses import LicenseRevoked, LicenseSuspended, LicenseVersionEvent
from hub.events.materials import MaterialRegistered
from hub.events.tasks import SupplementProvided, TaskDispatched
from hub.topics import Topic
from projections.processors.base import local_day, stamp, timed
from projections.processors.issuance import ITEM_FIELD
from projections.processors.journal import JournalledProcessor, TimerKey
from projections.processors.library import RECORD_DAYS

OPEN, FULFILLED, BREACHED = "open", "fulfilled", "breached"


class Licensed(NamedTuple):
    """A license issued in a case, for one item."""

    license_id: str
    case_id: str
    item_code: str


class CommitmentKeeper(JournalledProcessor):
    """Follows every commitment to its fulfilment or breach, and enforces breaches."""

    name = "commitments"
    topics: tuple[Topic, ...] = (Topic.APPLICATIONS, Topic.MATERIALS, Topic.LICENSES, Topic.CREDIT)

    def __init__(self, engine: Engine, catalogue: Catalogue) -> None:
        super().__init__(engine)
        self.catalogue = catalogue
        self.commitments = Table(
            "proc_commitments_commitments",
            self.metadata,
            Column("commitment_id", String(160), primary_key=True),
            Column("case_id", String(128), nullable=False, index=True),
            Column("holder_type", String(16), nullable=False),
            Column("holder_id", String(32), nullable=False, index=True),
            Column("holder_name", String(255), nullable=False),
            Column("material_code", String(64), nullable=False),
            Column("due_date", Date, nullable=False, index=True),
            Column("state", String(16), nullable=False),
        )
        self.tasks = Table(
            "proc_commitments_tasks",
            self.metadata,
            Column("case_id", String(128), primary_key=True),
            Column("item_code", String(32), primary_key=True),
            Column("commitment_based", Boolean, nullable=False),
        )
        self.licenses = Table(
            "proc_commitments_licenses",
            self.metadata,
            Column("license_id", String(128), primary_key=True),
            Column("case_id", String(128), nullable=False, index=True),
            Column("item_code", String(32), nullable=False),
        )
        self.create_tables()

    def decide(self, conn: Connection, event: Event, now: datetime) -> list[Event]:
        """Record commitments, tasks and licenses; fulfil commitments by their material."""
        if isinstance(event, CommitmentMade):
            return self._made(conn, event)
        if isinstance(event, TaskDispatched):
            self._dispatched(conn, event)
        if isinstance(event, SupplementProvided):
            supplied = {m.code: m.content_hash for m in event.materials}
            return self._fulfil(conn, event, self.commitments.c.case_id == event.case_id, supplied)
        if isinstance(event, MaterialRegistered):
            held = {event.material.code: event.material.content_hash}
            return self._fulfil(
                conn, event, self.commitments.c.holder_id == event.holder_id_number, held
            )
        if isinstance(event, LicenseVersionEvent):
            return self._licensed(conn, event)
        return []

    def _made(self, conn: Connection, made: CommitmentMade) -> list[Event]:
        if made.kind is not CommitmentKind.MISSING_MATERIAL or made.material_code is None:
            return []  # a promise that conditions are met is checked by inspection, not time
        row = {
            "commitment_id": made.commitment_id,
            "case_id": made.case_id,
            "holder_type": made.holder_id_type.value,
            "holder_id": made.holder_id_number,
            "holder_name": made.holder_name,
            "material_code": made.material_code,
            "due_date": made.due_date,
            "state": OPEN,
        }
        insert_ignore(conn, self.commitments, [row], ["commitment_id"])
        return []

    def _dispatched(self, conn: Connection, task: TaskDispatched) -> None:
        row = {"case_id": task.case_id, "item_code": task.item_code}
        on_commitment = {"commitment_based": task.commitment_based}
        insert_ignore(conn, self.tasks, [row | on_commitment], list(row))

    def _fulfil(
        self, conn: Connection, cause: Event, whose: Any, materials: dict[str, str]
    ) -> list[Event]:
        """Fulfil the open commitments ``whose`` selects that ``materials`` keep in time."""
        table = self.commitments
        kept = select(table).where(
            whose,
            table.c.state == OPEN,
            table.c.material_code.in_(materials),
            table.c.due_date >= local_day(cause.occurred_at),
        )
        fulfilled = [
            CommitmentFulfilled(
                **stamp(self.source, cause, "CommitmentFulfilled", row.commitment_id),
                case_id=row.case_id,
                commitment_id=row.commitment_id,
                content_hash=materials[row.material_code],
            )
            for row in conn.execute(kept)
        ]
        self._set_state(conn, [event.commitment_id for event in fulfilled], FULFILLED)
        return list(fulfilled)

    def _licensed(self, conn: Connection, version: LicenseVersionEvent) -> list[Event]:
        item_code = version.face_fields.get(ITEM_FIELD)
        if version.case_id is None or item_code is None:
            return []
        licensed = Licensed(version.license_id, version.case_id, item_code)
        insert_ignore(conn, self.licenses, [licensed._asdict()], ["license_id"])
        table = self.commitments
        breached = select(table).where(
            table.c.case_id == version.case_id, table.c.state == BREACHED
        )
        actions = (
            self._enforce(conn, c, licensed, stamp(self.source, version, "breach", c.commitment_id))
            for c in conn.execute(breached).all()
        )
        return [action for action in actions if action is not None]

    def due(self, conn: Connection, now: datetime) -> list[tuple[TimerKey, Event]]:
        """Breach every open commitment whose due date has passed."""
        table = self.commitments
        overdue = select(table).where(table.c.state == OPEN, table.c.due_date < local_day(now))
        rows = conn.execute(overdue).all()
        self._set_state(conn, [row.commitment_id for row in rows], BREACHED)
        return [timer for row in rows for timer in self._breach(conn, row, now)]

    def _breach(self, conn: Connection, row: Any, now: datetime) -> list[tuple[TimerKey, Event]]:
        """The breach of one commitment, its credit record and its license actions."""
        cid = row.commitment_id
        breached = CommitmentBreached(
            **timed(self.source, cid, "breached", now),
            case_id=row.case_id,
            commitment_id=cid,
            holder_id_type=IdentifierType(row.holder_type),
            holder_id_number=row.holder_id,
            due_date=row.due_date,
            reason=_reason(row),
        )
        timers: list[tuple[TimerKey, Event]] = [
            ((cid, "breached"), breached),
            ((cid, "credit"), self._credit(row, now)),
        ]
        licenses = select(self.licenses).where(self.licenses.c.case_id == row.case_id)
        for found in conn.execute(licenses).all():
            licensed = Licensed(**found._mapping)
            key = (licensed.license_id, f"breach:{cid}")
            action = self._enforce(conn, row, licensed, timed(self.source, *key, now))
            timers += [] if action is None else [(key, action)]
        return timers

    def _credit(self, row: Any, now: datetime) -> CreditRecorded:
        return CreditRecorded(
            **timed(self.source, row.commitment_id, "credit", now),
            subject_id_type=IdentifierType(row.holder_type),
            subject_id_number=row.holder_id,
            subject_name=row.holder_name,
            effect=CreditEffect.WARNING,
            cause=CreditCause.COMMITMENT_BREACH,
            reason=_reason(row),
            valid_until=local_day(now) + timedelta(days=RECORD_DAYS[CreditEffect.WARNING]),
            case_id=row.case_id,
        )

    def _enforce(
        self, conn: Connection, row: Any, licensed: Licensed, meta: dict[str, Any]
    ) -> Event | None:
        """The breach action on a license granted on commitment for an item needing it."""
        item = self.catalogue.item(licensed.item_code)
        tasks = self.tasks.c
        on_commitment = select(tasks.commitment_based).where(
            tasks.case_id == licensed.case_id, tasks.item_code == item.code
        )
        needed = item.requirement(row.material_code) is not None
        if item.breach_action is None or not needed or not conn.execute(on_commitment).scalar():
            return None
        fields = {
            **meta,
            "license_id": licensed.license_id,
            "authority": item.department.code,
            "reason": _reason(row),
        }
        if item.breach_action is BreachAction.SUSPEND:
            return LicenseSuspended(**fields)
        return LicenseRevoked(**fields)

    def _set_state(self, conn: Connection, commitment_ids: list[str], state: str) -> None:
        table = self.commitments
        chosen = table.c.commitment_id.in_(commitment_ids)
        conn.execute(table.update().where(chosen).values(state=state))


def _reason(row: Any) -> str:
    return f"commitment {row.commitment_id}: {row.material_code} not supplied by {row.due_date}"
