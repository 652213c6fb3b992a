"""``/api/v1/holders/{id}``: what concerns one person or company, starting with who looked."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from hub.api.deps import Disclose, IdType, Paging, Read
from hub.queries import access_log_of
from hub.queries.holders import holder_id
from hub.queries.models import AccessEntry, Page

router = APIRouter(prefix="/api/v1/holders", tags=["holders"])


@router.get(
    "/{holder}/access-log", response_model=Page[AccessEntry], summary="Who accessed a holder"
)
async def access_log(
    holder: Annotated[str, Path(description="Credit code or identity number")],
    read: Read,
    disclosure: Disclose,
    paging: Paging,
    id_type: IdType = None,
) -> Any:
    """Every recorded access to the holder's data, newest first: who, department, purpose."""
    return disclosure.release(await read(access_log_of, holder_id(holder, id_type), paging))
