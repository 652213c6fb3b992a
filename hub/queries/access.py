"""The access log of one subject: which official looked at their data, when and why."""

from __future__ import annotations

from sqlalchemy import Connection, select

from hub.queries import shapes
from hub.queries.models import AccessEntry, Page
from hub.queries.pages import PageRequest, paginate
from projections.tables import access_log


def access_log_of(conn: Connection, subject: str, request: PageRequest) -> Page[AccessEntry]:
    """Every recorded access to ``subject``'s data, newest first."""
    column = access_log.c
    query = select(access_log).where(column.subject_id_number == subject)
    order = [column.accessed_at, column.event_id]
    return paginate(conn, query, order, request, shapes.access_entry, descending=True)
