"""``/api/v1/tasks``: tasks across departments, filtered by department, status and clock."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from hub.api.deps import Disclose, Paging, Read
from hub.queries import TaskFilter, list_tasks
from hub.queries.models import Page, TaskView
from projections.tables import TaskStatus

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


@router.get("", response_model=Page[TaskView], summary="Tasks, filtered")
async def tasks(
    read: Read,
    disclosure: Disclose,
    paging: Paging,
    department: Annotated[
        str | None, Query(pattern="^[A-Z]{2,6}$", description="Department code, e.g. MR")
    ] = None,
    status: Annotated[TaskStatus | None, Query(description="Only tasks in this status")] = None,
    overdue: Annotated[bool | None, Query(description="Only tasks past a time limit")] = None,
    warned: Annotated[bool | None, Query(description="Only tasks warned of a limit")] = None,
) -> Any:
    """Tasks in task-id order, a page at a time."""
    where = TaskFilter(department=department, status=status, overdue=overdue, warned=warned)
    return disclosure.release(await read(list_tasks, where, paging))
