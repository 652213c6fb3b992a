"""``/api/v1/statistics``: throughput and quality per department and per item.

Answers come from a snapshot kept in memory and refreshed in the background after writes
(see :mod:`hub.queries.statscache`); ``computed_at`` says how fresh it is.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from hub.api.context import ApiContext
from hub.api.deps import Disclose, context
from hub.queries.models import GroupStats, Statistics

router = APIRouter(prefix="/api/v1/statistics", tags=["statistics"])
Context = Annotated[ApiContext, Depends(context)]


@router.get("", response_model=Statistics, summary="All statistics")
async def everything(ctx: Context, disclosure: Disclose) -> Any:
    """Per department, per item, and tasks decided per day."""
    return disclosure.release(ctx.statistics.get())


@router.get("/departments", response_model=list[GroupStats], summary="Per department")
async def departments(ctx: Context, disclosure: Disclose) -> Any:
    """Cases, tasks, on-time share, median working days, submissions saved, licenses, rating."""
    return disclosure.release(ctx.statistics.get().departments)


@router.get("/items", response_model=list[GroupStats], summary="Per item")
async def items(ctx: Context, disclosure: Disclose) -> Any:
    """The same figures per approval item of the catalogue."""
    return disclosure.release(ctx.statistics.get().items)
