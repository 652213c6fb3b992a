"""The data officers' dashboard: server-rendered pages over the same queries as the API.

``/`` shows the tasks that need attention (overdue first, then warned) and how many there
are in all, a case search, a license search and charts per department; ``/cases/{id}`` a
case with its department timeline; ``/licenses/{id}`` a license, its verification and its
history. Personal data passes through the same :class:`~hub.api.disclosure.Disclosure` as
the JSON routes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from hub.api import charts
from hub.api.context import ApiContext
from hub.api.deps import RECORD_ID, Conn, Disclose, context, record_id
from hub.api.disclosure import Disclosure
from hub.api.errors import NotFound
from hub.errors import InvalidIdentifierError
from hub.identifiers import mask, validate_license_id, validate_resident_id
from hub.queries import (
    CaseFilter,
    PageRequest,
    attention,
    count_attention,
    find_case,
    find_license,
    history,
    licenses_of,
    list_cases,
    verify,
)
from hub.queries.holders import holder_id
from hub.queries.models import Statistics

router = APIRouter(tags=["dashboard"], default_response_class=HTMLResponse)
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
Context = Annotated[ApiContext, Depends(context)]
Search = Annotated[str, Query(min_length=1, max_length=100, description="What to look for")]
ATTENTION = 30
RESULTS = PageRequest(limit=100)


@router.get("/", summary="Dashboard overview")
def overview(request: Request, conn: Conn, disclosure: Disclose, ctx: Context) -> Response:
    """Tasks needing attention, searches and charts per department."""
    stats = ctx.statistics.get()
    context = {
        "tasks": disclosure.release(attention(conn, ATTENTION)),
        "counted": count_attention(conn),
        "charts": _charts(stats),
    }
    return _page(request, "overview.html", computed_at=stats.computed_at, **context)


@router.get("/cases/{case_id}", summary="Dashboard case page")
def case_page(request: Request, case_id: str, conn: Conn, disclosure: Disclose) -> Response:
    """One case: applicant, tasks per department and the department timeline."""
    found = find_case(conn, record_id(case_id, "case id"))
    if found is None:
        raise NotFound("case", case_id)
    return _page(request, "case.html", case=disclosure.release(found))


@router.get("/search/cases", summary="Dashboard case search")
def case_search(request: Request, q: Search, conn: Conn, disclosure: Disclose) -> Response:
    """A case id opens the case; a credit code or identity number lists that holder's cases."""
    query = q.strip()
    if RECORD_ID.match(query) and find_case(conn, query) is not None:
        return RedirectResponse(f"/cases/{query}", status_code=303)
    holder = _holder_or_none(query)
    found = list_cases(conn, CaseFilter(holder=holder), RESULTS).items if holder else []
    shown = _echo(query, holder, disclosure)
    return _page(request, "cases.html", query=shown, cases=disclosure.release(found))


@router.get("/licenses/{license_id}", summary="Dashboard license page")
def license_page(
    request: Request, license_id: str, conn: Conn, disclosure: Disclose, ctx: Context
) -> Response:
    """One license: verification today, current state and history."""
    checked = verify(conn, license_id, ctx.hooks.today(), ctx.hooks.check_signature)
    found = find_license(conn, license_id) if checked.well_formed else None
    shown = {
        "verification": checked.model_dump(mode="json"),
        "license": disclosure.release(found) if found else None,
        "history": disclosure.release(history(conn, license_id)) if found else [],
    }
    return _page(request, "license.html", **shown)


@router.get("/search/licenses", summary="Dashboard license search")
def license_search(request: Request, q: Search, conn: Conn, disclosure: Disclose) -> Response:
    """A license id opens its verification page; a holder id lists that holder's licenses."""
    query = q.strip()
    if validate_license_id(query).valid:
        return RedirectResponse(f"/licenses/{query}", status_code=303)
    holder = _holder_or_none(query)
    found = licenses_of(conn, holder, RESULTS).items if holder else []
    shown = _echo(query, holder, disclosure)
    return _page(request, "licenses.html", query=shown, licenses=disclosure.release(found))


def _holder_or_none(query: str) -> str | None:
    try:
        return holder_id(query)
    except InvalidIdentifierError:
        return None


def _echo(query: str, holder: str | None, disclosure: Disclosure) -> str:
    """The search as shown back: a person's identity number masked like the results."""
    if holder and "id_number" not in disclosure.granted and validate_resident_id(holder).valid:
        return mask(holder)
    return query


def _charts(stats: Statistics) -> list[Markup]:
    departments = [group for group in stats.departments if group.tasks]
    return [
        Markup(
            charts.bar_chart(
                "Tasks decided per department", [(d.code, d.decided) for d in departments]
            )
        ),
        Markup(
            charts.bar_chart(
                "On-time share per department",
                [(d.code, d.on_time_share or 0.0) for d in departments],
                show=lambda share: f"{share:.0%}",
                top=1.0,
            )
        ),
        Markup(
            charts.bar_chart(
                "Submissions saved per department",
                [(d.code, d.submissions_saved) for d in departments],
            )
        ),
        Markup(
            charts.line_chart(
                "Tasks decided per day", [(str(d.day), d.decided) for d in stats.daily]
            )
        ),
    ]


def _page(request: Request, name: str, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context)
