"""The dispatcher's own record of open cases and their tasks, for unified issuance.

A case is opened when its submission is dispatched and closed when every task is
decided (completed) or the applicant withdraws it. Each task remembers whether it runs
on commitment and, for a change or renewal, which license it succeeds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Column, Connection, Date, MetaData, String, Table, select

from hub.db import insert_ignore
from hub.events.applications import ApplicationSubmitted, Channel, ProjectStage
from hub.events.base import IdentifierType
from projections.processors.library import Holder


class CaseState(StrEnum):
    """Where a case stands for the dispatcher."""

    OPEN = "open"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class CaseRecord:
    """An open case: who applied, for what, and in which stage of which project."""

    case_id: str
    holder: Holder
    holder_name: str
    bundle_code: str | None
    stage: ProjectStage | None
    project_code: str
    channel: Channel
    submitted_on: date
    form_fields: Mapping[str, str]
    state: CaseState = CaseState.OPEN


@dataclass(frozen=True)
class TaskRecord:
    """One task of a case and its decision so far (None while undecided)."""

    task_id: str
    item_code: str
    approved: bool | None
    commitment_based: bool
    predecessor_id: str | None


class CaseBook:
    """The ``cases`` and ``tasks`` tables of the dispatching processor."""

    def __init__(self, metadata: MetaData, prefix: str) -> None:
        self.cases = Table(
            f"{prefix}_cases",
            metadata,
            Column("case_id", String(128), primary_key=True),
            Column("holder_type", String(16), nullable=False),
            Column("holder_id", String(32), nullable=False),
            Column("holder_name", String(255), nullable=False),
            Column("bundle_code", String(64)),
            Column("stage", String(32)),
            Column("project_code", String(128), nullable=False),
            Column("channel", String(16), nullable=False),
            Column("submitted_on", Date, nullable=False),
            Column("form_fields", JSON, nullable=False),
            Column("state", String(16), nullable=False),
        )
        self.tasks = Table(
            f"{prefix}_tasks",
            metadata,
            Column("task_id", String(160), primary_key=True),
            Column("case_id", String(128), nullable=False, index=True),
            Column("item_code", String(32), nullable=False),
            Column("approved", Boolean),
            Column("commitment_based", Boolean, nullable=False),
            Column("predecessor_id", String(128)),
        )

    def open(self, conn: Connection, case: CaseRecord, tasks: Sequence[TaskRecord]) -> None:
        """Record a dispatched case and its tasks."""
        row = {
            "case_id": case.case_id,
            "holder_type": case.holder.id_type.value,
            "holder_id": case.holder.id_number,
            "holder_name": case.holder_name,
            "bundle_code": case.bundle_code,
            "stage": case.stage,
            "project_code": case.project_code,
            "channel": case.channel.value,
            "submitted_on": case.submitted_on,
            "form_fields": dict(case.form_fields),
            "state": case.state.value,
        }
        insert_ignore(conn, self.cases, [row], ["case_id"])
        rows = [{"case_id": case.case_id, **vars(task)} for task in tasks]
        insert_ignore(conn, self.tasks, rows, ["task_id"])

    def decide(self, conn: Connection, task_id: str, approved: bool, on_commitment: bool) -> None:
        """Record a department's decision on a task."""
        table = self.tasks
        conn.execute(
            table.update()
            .where(table.c.task_id == task_id)
            .values(approved=approved, commitment_based=on_commitment)
        )

    def close(self, conn: Connection, case_id: str, state: CaseState) -> None:
        """Close a case as completed or withdrawn."""
        table = self.cases
        conn.execute(table.update().where(table.c.case_id == case_id).values(state=state.value))

    def case(self, conn: Connection, case_id: str) -> CaseRecord | None:
        """The case of that id, open or closed, if it was dispatched here."""
        row = conn.execute(select(self.cases).where(self.cases.c.case_id == case_id)).first()
        if row is None:
            return None
        return CaseRecord(
            case_id=row.case_id,
            holder=Holder(IdentifierType(row.holder_type), row.holder_id),
            holder_name=row.holder_name,
            bundle_code=row.bundle_code,
            stage=None if row.stage is None else ProjectStage(row.stage),
            project_code=row.project_code,
            channel=Channel(row.channel),
            submitted_on=row.submitted_on,
            form_fields=row.form_fields,
            state=CaseState(row.state),
        )

    def tasks_of(self, conn: Connection, case_id: str) -> list[TaskRecord]:
        """The tasks of a case, by task id."""
        table = self.tasks
        query = select(table).where(table.c.case_id == case_id).order_by(table.c.task_id)
        return [
            TaskRecord(r.task_id, r.item_code, r.approved, r.commitment_based, r.predecessor_id)
            for r in conn.execute(query)
        ]


def case_record(
    submitted: ApplicationSubmitted, holder: Holder, stage: ProjectStage | None, day: date
) -> CaseRecord:
    """The record of a case about to be dispatched."""
    return CaseRecord(
        case_id=submitted.case_id,
        holder=holder,
        holder_name=submitted.applicant_name,
        bundle_code=submitted.bundle_code,
        stage=stage,
        project_code=submitted.project_code or submitted.case_id,
        channel=submitted.channel,
        submitted_on=day,
        form_fields=submitted.form_fields,
    )
