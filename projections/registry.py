"""The projections of the hub and which policy each applies to which event.

=================  ===========================================  ==========================
projection         tables                                       fed by
=================  ===========================================  ==========================
case_view          cases, tasks, deadline_alerts                applications, licenses
license_store      licenses, license_history                    licenses
material_library   materials                                    materials
commitments        commitments                                  applications
supervision        supervision_tasks                            supervision
credit             credit_records                               credit
access_log         access_log                                   access
=================  ===========================================  ==========================

Every event type of :mod:`hub.events` is handled by at least one projection. An event a
projection does not list is ignored by it, deliberately: it changes none of its rows and
leaves no tracking record there. :data:`IGNORED_EVENTS` names event types that no
projection reads at all (the erasure notices, which only sink connectors act on); a new
event type must be added to a projection or
to that set, which a unit test checks.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TypeVar

from hub.errors import ValidationError
from hub.events.access import DataAccessed
from hub.events.applications import ApplicationRejected, ApplicationSubmitted
from hub.events.cases import CaseCompleted, CaseRated, CaseWithdrawn
from hub.events.commitments import CommitmentBreached, CommitmentFulfilled, CommitmentMade
from hub.events.credit import CreditRecorded
from hub.events.deadlines import DeadlineOverdue, DeadlineWarned
from hub.events.licenses import (
    LicenseCancelled,
    LicenseChanged,
    LicenseEvent,
    LicenseExpired,
    LicenseIssued,
    LicenseRenewed,
    LicenseRevoked,
    LicenseSuspended,
    LicenseVersionEvent,
)
from hub.events.materials import MaterialRegistered, MaterialReused
from hub.events.supervision import InspectionRecorded, SupervisionRequested
from hub.events.tasks import (
    SupplementProvided,
    SupplementRequested,
    TaskAccepted,
    TaskApproved,
    TaskDispatched,
    TaskHandledOnBehalf,
    TaskRejected,
    TaskResumed,
    TaskSuspended,
)
from projections import cases, commitments, licenses, logs, materials, supervision, tasks
from projections import tables as t
from projections.model import Append, E, Policy, Projection, Upsert, on

L = TypeVar("L", bound=LicenseEvent)
_case = attrgetter("case_id")
_task = attrgetter("task_id")
_license = attrgetter("license_id")
_VERSION_EVENTS = (LicenseIssued, LicenseChanged, LicenseRenewed)


def _license_case(event: LicenseVersionEvent) -> str | None:
    return event.case_id


def _task_step(policy: Policy[E]) -> Upsert[E]:
    return Upsert(t.tasks, _task, policy)


CASE_VIEW = Projection(
    "case_view",
    (t.cases, t.tasks, t.deadline_alerts),
    dict(
        [
            on(ApplicationSubmitted, Upsert(t.cases, _case, cases.submitted)),
            on(ApplicationRejected, Upsert(t.cases, _case, cases.rejected)),
            on(
                TaskDispatched,
                Upsert(t.cases, _case, cases.task_dispatched),
                _task_step(tasks.dispatched),
            ),
            on(TaskAccepted, _task_step(tasks.accepted)),
            on(SupplementRequested, _task_step(tasks.supplement_requested)),
            on(SupplementProvided, _task_step(tasks.supplement_provided)),
            on(TaskSuspended, _task_step(tasks.suspended)),
            on(TaskResumed, _task_step(tasks.resumed)),
            on(
                TaskApproved,
                Upsert(t.cases, _case, cases.task_approved),
                _task_step(tasks.approved),
            ),
            on(
                TaskRejected,
                Upsert(t.cases, _case, cases.task_rejected),
                _task_step(tasks.rejected),
            ),
            on(TaskHandledOnBehalf, _task_step(tasks.handled_on_behalf)),
            on(CaseCompleted, Upsert(t.cases, _case, cases.completed)),
            on(CaseWithdrawn, Upsert(t.cases, _case, cases.withdrawn)),
            on(CaseRated, Upsert(t.cases, _case, cases.rated)),
            *(
                on(kind, Upsert(t.cases, _license_case, cases.license_produced))
                for kind in _VERSION_EVENTS
            ),
            on(DeadlineWarned, _task_step(tasks.warned), Append(t.deadline_alerts, tasks.alert)),
            on(
                DeadlineOverdue,
                _task_step(tasks.overdue),
                Append(t.deadline_alerts, tasks.alert),
            ),
        ]
    ),
)


def _license_status(policy: Policy[L]) -> tuple[Upsert[L], Append[L]]:
    return Upsert(t.licenses, _license, policy), Append(t.license_history, licenses.history)


LICENSE_STORE = Projection(
    "license_store",
    (t.licenses, t.license_history),
    dict(
        [
            *(
                on(
                    kind,
                    Upsert(t.licenses, licenses.predecessor_of, licenses.superseded),
                    *_license_status(licenses.version),
                )
                for kind in _VERSION_EVENTS
            ),
            on(LicenseSuspended, *_license_status(licenses.suspended)),
            on(LicenseRevoked, *_license_status(licenses.revoked)),
            on(LicenseCancelled, *_license_status(licenses.cancelled)),
            on(LicenseExpired, *_license_status(licenses.expired)),
        ]
    ),
)

MATERIAL_LIBRARY = Projection(
    "material_library",
    (t.materials,),
    dict(
        [
            on(
                MaterialRegistered,
                Upsert(t.materials, materials.registered_key, materials.registered),
            ),
            on(MaterialReused, Upsert(t.materials, materials.reused_key, materials.reused)),
        ]
    ),
)

_commitment = attrgetter("commitment_id")
COMMITMENTS = Projection(
    "commitments",
    (t.commitments,),
    dict(
        [
            on(CommitmentMade, Upsert(t.commitments, _commitment, commitments.made)),
            on(CommitmentFulfilled, Upsert(t.commitments, _commitment, commitments.fulfilled)),
            on(CommitmentBreached, Upsert(t.commitments, _commitment, commitments.breached)),
        ]
    ),
)

_supervision = attrgetter("supervision_id")
SUPERVISION = Projection(
    "supervision",
    (t.supervision_tasks,),
    dict(
        [
            on(
                SupervisionRequested,
                Upsert(t.supervision_tasks, _supervision, supervision.requested),
            ),
            on(
                InspectionRecorded,
                Upsert(t.supervision_tasks, _supervision, supervision.inspected),
            ),
        ]
    ),
)

CREDIT = Projection(
    "credit",
    (t.credit_records,),
    dict([on(CreditRecorded, Append(t.credit_records, logs.credit_entry))]),
)

ACCESS_LOG = Projection(
    "access_log",
    (t.access_log,),
    dict([on(DataAccessed, Append(t.access_log, logs.access_entry))]),
)

PROJECTIONS: dict[str, Projection] = {
    projection.name: projection
    for projection in (
        CASE_VIEW,
        LICENSE_STORE,
        MATERIAL_LIBRARY,
        COMMITMENTS,
        SUPERVISION,
        CREDIT,
        ACCESS_LOG,
    )
}

#: Event types no projection reads, on purpose: an erasure notice is for sink connectors
#: (hub.trust.deliveries); the hub's own read models are anonymised by the erasure itself.
IGNORED_EVENTS: frozenset[str] = frozenset({"PersonErased"})


def projections_named(names: str | list[str] | None = None) -> list[Projection]:
    """The projections called ``names`` (one name, several, or None for all)."""
    if names is None:
        return list(PROJECTIONS.values())
    wanted = [names] if isinstance(names, str) else names
    unknown = [name for name in wanted if name not in PROJECTIONS]
    if unknown:
        raise ValidationError(f"no projection named {unknown}; known: {sorted(PROJECTIONS)}")
    return [PROJECTIONS[name] for name in wanted]
