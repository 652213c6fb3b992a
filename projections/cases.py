"""Policies of the ``cases`` table: one row per case, the joined view of its tasks.

"Submissions saved" counts the materials a department did not collect again because
they were on file: the sum of ``TaskDispatched.reused_material_codes`` over the case's
tasks (``MaterialReused`` feeds the material library's own counter instead, so nothing is
counted twice). A license event naming a case adds its license id to the case.
"""

from __future__ import annotations

from hub.events.applications import ApplicationRejected, ApplicationSubmitted
from hub.events.cases import CaseCompleted, CaseRated, CaseWithdrawn
from hub.events.licenses import LicenseVersionEvent
from hub.events.tasks import TaskApproved, TaskDispatched, TaskRejected
from projections.model import Row
from projections.tables import CaseStatus

_OPEN = frozenset({None, CaseStatus.SUBMITTED})


def submitted(case: Row, event: ApplicationSubmitted) -> None:
    """A case opens with its applicant, items, channel and the materials handed in."""
    case.update(
        applicant_id_type=event.applicant_id_type,
        applicant_id_number=event.applicant_id_number,
        applicant_name=event.applicant_name,
        bundle_code=event.bundle_code,
        item_codes=list(event.item_codes),
        channel=event.channel,
        window=event.window,
        project_code=event.project_code,
        stage=event.stage,
        status=CaseStatus.SUBMITTED,
        submitted_at=event.occurred_at,
        materials_submitted=len(event.materials),
        commitments_signed=len(event.commitments),
        updated_at=event.occurred_at,
    )


def rejected(case: Row, event: ApplicationRejected) -> None:
    """The window turned the application away; the case records why."""
    case.update(
        applicant_id_type=event.applicant_id_type,
        applicant_id_number=event.applicant_id_number,
        item_codes=list(event.item_codes),
        status=CaseStatus.REJECTED,
        submitted_at=event.occurred_at,
        rejection_reason=event.reason,
        rejection_detail=event.detail,
        updated_at=event.occurred_at,
    )


def task_dispatched(case: Row, event: TaskDispatched) -> None:
    """One more task; the case is in progress and counts the materials reused for it."""
    case["tasks_total"] += 1
    case["submissions_saved"] += len(event.reused_material_codes)
    if case["status"] in _OPEN:
        case["status"] = CaseStatus.IN_PROGRESS
    case["updated_at"] = event.occurred_at


def task_approved(case: Row, event: TaskApproved) -> None:
    """One more task approved."""
    case["tasks_approved"] += 1
    case["updated_at"] = event.occurred_at


def task_rejected(case: Row, event: TaskRejected) -> None:
    """One more task rejected."""
    case["tasks_rejected"] += 1
    case["updated_at"] = event.occurred_at


def completed(case: Row, event: CaseCompleted) -> None:
    """Every task is decided: the case closes with its outcome and working days."""
    case.update(
        status=CaseStatus.COMPLETED,
        outcome=event.outcome,
        completed_at=event.occurred_at,
        working_days=event.working_days,
        updated_at=event.occurred_at,
    )


def withdrawn(case: Row, event: CaseWithdrawn) -> None:
    """The applicant withdrew the case."""
    case.update(
        status=CaseStatus.WITHDRAWN,
        withdrawn_at=event.occurred_at,
        withdrawal_reason=event.reason,
        updated_at=event.occurred_at,
    )


def rated(case: Row, event: CaseRated) -> None:
    """The applicant's rating (一事一评); a later rating replaces an earlier one."""
    case.update(rating_score=event.score, rating_comment=event.comment)


def license_produced(case: Row, event: LicenseVersionEvent) -> None:
    """A license issued, changed or renewed by this case is listed on it once, in id order."""
    # Sorted, not in arrival order: license events come from partitions of their own.
    case["license_ids"] = sorted({*case["license_ids"], event.license_id})
