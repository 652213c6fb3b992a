"""``/api/v1/cases``: one case with its tasks and timeline, and filtered lists of cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from hub.api.deps import Disclose, IdType, Paging, Read, record_id
from hub.api.errors import NotFound
from hub.queries import CaseFilter, find_case, list_cases
from hub.queries.holders import holder_id
from hub.queries.models import CaseDetail, CaseSummary, Page
from projections.tables import CaseStatus

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.get("/{case_id}", response_model=CaseDetail, summary="One case")
async def case(
    case_id: Annotated[str, Path(description="The case id given at the window")],
    read: Read,
    disclosure: Disclose,
) -> Any:
    """The case with its applicant, its tasks per department and its department timeline."""
    found = await read(find_case, record_id(case_id, "case id"))
    if found is None:
        raise NotFound("case", case_id)
    return disclosure.release(found)


@router.get("", response_model=Page[CaseSummary], summary="Cases, filtered")
async def cases(
    read: Read,
    disclosure: Disclose,
    paging: Paging,
    status: Annotated[CaseStatus | None, Query(description="Only cases in this status")] = None,
    department: Annotated[
        str | None, Query(pattern="^[A-Z]{2,6}$", description="Only cases with a task here")
    ] = None,
    holder: Annotated[
        str | None, Query(description="Only cases of this credit code or identity number")
    ] = None,
    id_type: IdType = None,
    overdue: Annotated[
        bool | None, Query(description="Only cases with (true) or without (false) an overdue task")
    ] = None,
) -> Any:
    """Cases in case-id order, a page at a time."""
    applicant = holder_id(holder, id_type) if holder is not None else None
    where = CaseFilter(status=status, department=department, holder=applicant, overdue=overdue)
    return disclosure.release(await read(list_cases, where, paging))
