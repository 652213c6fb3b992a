"""Policies of the ``commitments`` table: promises (容缺/告知承诺), kept or broken."""

from __future__ import annotations

from hub.events.commitments import CommitmentBreached, CommitmentFulfilled, CommitmentMade
from projections.model import Row
from projections.tables import CommitmentStatus


def made(commitment: Row, event: CommitmentMade) -> None:
    """The applicant signed a commitment with a due date."""
    commitment.update(
        case_id=event.case_id,
        holder_id_type=event.holder_id_type,
        holder_id_number=event.holder_id_number,
        holder_name=event.holder_name,
        kind=event.kind,
        material_code=event.material_code,
        statement=event.statement,
        due_date=event.due_date,
        status=CommitmentStatus.OPEN,
        made_at=event.occurred_at,
    )


def fulfilled(commitment: Row, event: CommitmentFulfilled) -> None:
    """The commitment was kept, possibly by handing in the promised material."""
    commitment.update(
        case_id=event.case_id,
        status=CommitmentStatus.FULFILLED,
        fulfilled_at=event.occurred_at,
        content_hash=event.content_hash,
    )


def breached(commitment: Row, event: CommitmentBreached) -> None:
    """The commitment was broken or proved false."""
    commitment.update(
        case_id=event.case_id,
        holder_id_type=event.holder_id_type,
        holder_id_number=event.holder_id_number,
        due_date=event.due_date,
        status=CommitmentStatus.BREACHED,
        breached_at=event.occurred_at,
        breach_reason=event.reason,
    )
