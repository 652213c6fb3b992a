"""FastAPI dependencies: the connection, a page request, the caller and their disclosure.

Those that only compute are ``async``: FastAPI runs a plain ``def`` dependency (and the
response validation of a plain ``def`` route) on a worker thread, and each such hand-off
(a queue, a wake-up of the event loop, the interpreter lock changing threads) cost more
than the work itself and made most of a request's latency tail. The JSON routes are
``async`` and run their query with :class:`Reader`: on the event loop for SQLite, with
one hand-off to a thread for a server database. :func:`connection` serves the pages,
where rendering is work worth a thread.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Header, Query, Request
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from hub.api.context import ApiContext
from hub.api.disclosure import Caller, Disclosure
from hub.db import database_errors
from hub.errors import AccessRefusedError, InvalidIdentifierError
from hub.queries import DEFAULT_LIMIT, MAX_LIMIT, PageRequest

#: Case and task ids: letters, digits and ``. _ : -``, as the departments' systems make them.
RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
#: Routes named by their last segment; reuse reads the license store and material library,
#: which agreements grant as "licenses" until they name reuse on its own.
_RESOURCE_BY_SUFFIX = {
    "verification": "verification",
    "access-log": "access-log",
    "reuse": "licenses",
}
P = ParamSpec("P")
T = TypeVar("T")


class Reader:
    """Runs a query on a pooled connection: on the event loop for SQLite, else on a thread.

    A query of the API is a few index reads. SQLite answers them from a local file and,
    in WAL mode, never waits for the writer, so the query runs on the event loop: handing
    it to a worker thread and back cost a fifth of a request (case by id over HTTP, 20,000
    cases: p50 1.23 ms with the hand-off, 1.05 without). A server database is a network
    round trip away, and waiting for it on the loop would stall every other request, so
    there the query goes to a worker thread.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._on_loop = engine.dialect.name == "sqlite"

    async def __call__(
        self, query: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``query(connection, *args, **kwargs)``, awaited; a DatabaseError when it fails."""
        if self._on_loop:
            return self.run(query, *args, **kwargs)
        return await run_in_threadpool(functools.partial(self.run, query, *args, **kwargs))

    def run(
        self, query: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """The same, on the calling thread."""
        with database_errors("cannot read the database"), self.engine.connect() as conn:
            return query(conn, *args, **kwargs)


async def context(request: Request) -> ApiContext:
    """The state of the app serving ``request``."""
    found: ApiContext = request.app.state.context
    return found


async def reader(ctx: Annotated[ApiContext, Depends(context)]) -> Reader:
    """What the JSON routes read the database with."""
    return Reader(ctx.engine)


def connection(ctx: Annotated[ApiContext, Depends(context)]) -> Iterator[Connection]:
    """One read-only connection per request, returned to the pool afterwards."""
    with database_errors("cannot read the database"), ctx.engine.connect() as conn:
        yield conn


async def page(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page")] = None,
) -> PageRequest:
    """Which page of a list the caller wants."""
    return PageRequest(limit=limit, cursor=cursor)


async def caller(
    department: Annotated[str | None, Header(alias="X-Onewindow-Department")] = None,
    accessor: Annotated[str, Header(alias="X-Onewindow-Accessor")] = "anonymous",
    purpose: Annotated[str, Header(alias="X-Onewindow-Purpose")] = "data officer query",
) -> Caller:
    """Who is asking, as the request headers say."""
    return Caller(accessor=accessor, department=department, purpose=purpose)


async def disclosure(
    request: Request,
    ctx: Annotated[ApiContext, Depends(context)],
    who: Annotated[Caller, Depends(caller)],
) -> Disclosure:
    """How this request may see personal data; every data route depends on it."""
    grant = ctx.hooks.grants(who, resource_of(request.scope["route"].path))
    if grant.refused_rule is not None:
        raise AccessRefusedError(grant.refused_rule)
    return Disclosure(who, grant.granted_fields, ctx.hooks.access_sink, request.url.path)


def resource_of(path: str) -> str:
    """The resource a route template reads, as data-sharing agreements name it."""
    if not path.startswith("/api/v1/"):
        return "dashboard"
    for suffix, resource in _RESOURCE_BY_SUFFIX.items():
        if path.endswith(f"/{suffix}"):
            return resource
    return path.split("/")[3]


def record_id(value: str, what: str) -> str:
    """``value`` if it looks like a case or task id, else a 400 naming the problem."""
    if not RECORD_ID.match(value):
        raise InvalidIdentifierError(
            f"{what} {value!r} is not an id: use letters, digits and . _ : - (at most 64)"
        )
    return value


Conn = Annotated[Connection, Depends(connection)]
Read = Annotated[Reader, Depends(reader)]
Paging = Annotated[PageRequest, Depends(page)]
Disclose = Annotated[Disclosure, Depends(disclosure)]
IdType = Annotated[
    str | None,
    Query(pattern="^(USCC|RESIDENT_ID)$", description="Identifier type, if the number fits both"),
]
