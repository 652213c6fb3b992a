"""The casework processor: dispatch, unified issuance and staged projects in one place.

Dispatching a project's next stage must see the licenses its previous stage just issued
(the stage-2 land use permit reuses the stage-1 site selection opinion). Topics give no
order across one another, so the processor that issues those licenses is the one that
dispatches: it enters them in its own library in the same transaction. It also follows
the materials, licenses and credit of every holder, from whichever department they come.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from hub.catalogue import Catalogue
from hub.events import Event
from hub.events.applications import ApplicationSubmitted, RejectionReason
from hub.events.cases import CaseWithdrawn
from hub.events.credit import CreditRecorded
from hub.events.licenses import LicenseSuspended, LicenseVersionEvent
from hub.events.materials import MaterialRegistered
from hub.events.tasks import SupplementProvided, TaskApproved, TaskRejected
from hub.topics import Topic
from hub.workdays import WorkCalendar
from projections.processors.base import local_day
from projections.processors.casebook import (
    CaseBook,
    CaseRecord,
    CaseState,
    TaskRecord,
    case_record,
)
from projections.processors.dispatch import Dispatcher, ItemPlan, Refusal, task_id
from projections.processors.issuance import Issuer
from projections.processors.journal import JournalledProcessor
from projections.processors.library import STATUS_AFTER, Holder, Library


class Casework(JournalledProcessor):
    """Turns submissions into tasks, completed tasks into licenses, stages into the next."""

    name = "casework"
    topics: tuple[Topic, ...] = (Topic.APPLICATIONS, Topic.MATERIALS, Topic.LICENSES, Topic.CREDIT)

    def __init__(self, engine: Engine, catalogue: Catalogue, calendar: WorkCalendar) -> None:
        super().__init__(engine)
        self.library = Library(self.metadata, "proc_casework")
        self.book = CaseBook(self.metadata, "proc_casework")
        self.dispatcher = Dispatcher(catalogue, calendar, self.source)
        self.issuer = Issuer(catalogue, calendar, self.source)
        self._policies: dict[type[Event], Callable[[Connection, Any], list[Event]]] = {
            ApplicationSubmitted: self._submitted,
            TaskApproved: self._decided,
            TaskRejected: self._decided,
            CaseWithdrawn: self._withdrawn,
            MaterialRegistered: self._registered,
            SupplementProvided: self._supplied,
            CreditRecorded: self._credit,
            **dict.fromkeys(STATUS_AFTER, self._license_status),
        }
        self.create_tables()

    def decide(self, conn: Connection, event: Event, now: datetime) -> list[Event]:
        """Route ``event`` to its policy; events of other kinds change nothing here."""
        if isinstance(event, LicenseVersionEvent):
            self.library.add_license(conn, event)
            return []
        policy = self._policies.get(type(event))
        return [] if policy is None else policy(conn, event)

    def _submitted(self, conn: Connection, submitted: ApplicationSubmitted) -> list[Event]:
        admitted = self.dispatcher.admit(submitted)
        if self.book.case(conn, submitted.case_id) is not None:
            detail = f"case_id: case {submitted.case_id!r} was submitted already"
            admitted = Refusal(RejectionReason.INVALID_FORM, detail)
        if isinstance(admitted, Refusal):
            return [self.dispatcher.refuse(submitted, admitted)]
        holder, items = admitted
        day = local_day(submitted.occurred_at)
        plans = self.dispatcher.plan(submitted, items, self.library.on_file(conn, holder, day))
        if isinstance(plans, Refusal):
            return [self.dispatcher.refuse(submitted, plans)]
        self.library.add_materials(conn, holder, submitted.materials)
        stage = self.dispatcher.stage_of(submitted)
        case = case_record(submitted, holder, None if stage is None else stage.name, day)
        self.book.open(conn, case, [_task(submitted.case_id, plan) for plan in plans])
        return self.dispatcher.dispatched(submitted, holder, plans)

    def _decided(self, conn: Connection, decided: TaskApproved | TaskRejected) -> list[Event]:
        approved = isinstance(decided, TaskApproved)
        on_commitment = decided.commitment_based if isinstance(decided, TaskApproved) else False
        self.book.decide(conn, decided.task_id, approved, on_commitment)
        case = self.book.case(conn, decided.case_id)
        tasks = self.book.tasks_of(conn, decided.case_id)
        undecided = any(task.approved is None for task in tasks)
        if case is None or case.state is not CaseState.OPEN or undecided:
            return []
        self.book.close(conn, case.case_id, CaseState.COMPLETED)
        emitted = self._issue(conn, decided, case, tasks)
        if not all(task.approved for task in tasks):
            return emitted
        return emitted + self._open_next_stage(conn, decided, case)

    def _issue(
        self, conn: Connection, decided: Event, case: CaseRecord, tasks: list[TaskRecord]
    ) -> list[Event]:
        """Complete the case; its licenses enter the library at once, for the next stage."""
        faces = {
            task.predecessor_id: self.library.face_fields(conn, task.predecessor_id)
            for task in tasks
            if task.predecessor_id
        }
        emitted = self.issuer.complete(decided, case, tasks, faces)
        for event in emitted:
            if isinstance(event, LicenseVersionEvent):
                self.library.add_license(conn, event)
        return emitted

    def _open_next_stage(self, conn: Connection, decided: Event, case: CaseRecord) -> list[Event]:
        opened = self.issuer.next_stage(decided, case)
        if opened is None:
            return []
        # Its own copy will come back from the topic; it is processed here, once.
        self.journal.record(conn, {opened.event_id: []})
        return [opened, *self._submitted(conn, opened)]

    def _withdrawn(self, conn: Connection, withdrawn: CaseWithdrawn) -> list[Event]:
        self.book.close(conn, withdrawn.case_id, CaseState.WITHDRAWN)
        return []

    def _registered(self, conn: Connection, registered: MaterialRegistered) -> list[Event]:
        holder = Holder(registered.holder_id_type, registered.holder_id_number)
        self.library.add_materials(conn, holder, [registered.material], registered.valid_until)
        return []

    def _supplied(self, conn: Connection, supplied: SupplementProvided) -> list[Event]:
        case = self.book.case(conn, supplied.case_id)
        if case is not None:
            self.library.add_materials(conn, case.holder, supplied.materials)
        return []

    def _credit(self, conn: Connection, record: CreditRecorded) -> list[Event]:
        self.library.add_credit(conn, record)
        return []

    def _license_status(self, conn: Connection, event: Any) -> list[Event]:
        until = event.until if isinstance(event, LicenseSuspended) else None
        self.library.set_status(conn, event.license_id, STATUS_AFTER[type(event)], until)
        return []


def _task(case_id: str, plan: ItemPlan) -> TaskRecord:
    return TaskRecord(
        task_id(case_id, plan.item.code), plan.item.code, None, plan.on_commitment, plan.succeeds
    )
