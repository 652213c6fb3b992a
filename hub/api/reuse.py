"""``/api/v1/holders/{id}/reuse``: what a holder already has on file for the items ahead.

The answer (:mod:`hub.queries.reuse`) passes the API's one disclosure step like every
other, so a person's identity number is masked unless granted and each use is recorded
as a data access of the holder.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from hub.api.context import ApiContext
from hub.api.deps import Disclose, IdType, Read, context
from hub.queries.reuse import ReuseAnswer, item_codes, reuse_answer

router = APIRouter(prefix="/api/v1/holders", tags=["holders"])


@router.get(
    "/{holder}/reuse",
    response_model=ReuseAnswer,
    summary="Materials and licenses a holder can reuse",
)
async def reuse(
    holder: Annotated[str, Path(description="Credit code or identity number")],
    items: Annotated[str, Query(description="Item codes, comma-separated: MR-DJ-001,TAX-DJ-001")],
    read: Read,
    disclosure: Disclose,
    ctx: Annotated[ApiContext, Depends(context)],
    id_type: IdType = None,
) -> Any:
    """Which required materials and licenses are held (source, grade), and what is still needed."""
    answer = await read(reuse_answer, holder, item_codes(items), ctx.hooks.today(), id_type)
    return disclosure.release(answer)
