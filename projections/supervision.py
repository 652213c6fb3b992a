"""Policies of ``supervision_tasks``: post-approval checks (事中事后监管) and their results.

A task is open when requested; an inspection that requires rectification keeps it
``rectifying``; a pass or a failure closes it (a failure's consequences, suspension or
revocation, arrive as license events).
"""

from __future__ import annotations

from hub.events.supervision import InspectionRecorded, InspectionResult, SupervisionRequested
from projections.model import Row
from projections.tables import SupervisionStatus

_STATUS_AFTER = {
    InspectionResult.PASSED: SupervisionStatus.CLOSED,
    InspectionResult.RECTIFICATION_REQUIRED: SupervisionStatus.RECTIFYING,
    InspectionResult.FAILED: SupervisionStatus.CLOSED,
}


def requested(supervision: Row, event: SupervisionRequested) -> None:
    """An approval was pushed to the enforcement department."""
    supervision.update(
        license_id=event.license_id,
        case_id=event.case_id,
        department=event.department,
        holder_id_type=event.holder_id_type,
        holder_id_number=event.holder_id_number,
        holder_name=event.holder_name,
        commitment_based=event.commitment_based,
        due_date=event.due_date,
        status=SupervisionStatus.OPEN,
        requested_at=event.occurred_at,
    )


def inspected(supervision: Row, event: InspectionRecorded) -> None:
    """The enforcement department recorded an inspection."""
    supervision["inspections"] += 1
    supervision.update(
        license_id=event.license_id,
        department=event.department,
        status=_STATUS_AFTER[event.result],
        inspection_result=event.result,
        inspector=event.inspector,
        findings=event.findings,
        rectify_by=event.rectify_by,
        inspected_at=event.occurred_at,
    )
