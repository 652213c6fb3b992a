"""Errors as JSON bodies naming the problem: 400 bad input, 403 refused, 404 unknown, 503.

Every error body is ``{"error": <kind>, "detail": <message>}``; validation errors add
``"problems"``, one entry per bad parameter with where it was (``["query", "limit"]``).
A browser on a dashboard page gets the same message as a page instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from hub.errors import AccessRefusedError, DatabaseError, ValidationError


class NotFound(HTTPException):
    """A 404 naming what was looked for."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__(404, f"no {what} {key!r}")


def install(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(ValidationError, _invalid_value)  # type: ignore[arg-type]
    app.add_exception_handler(AccessRefusedError, _refused)  # type: ignore[arg-type]
    app.add_exception_handler(DatabaseError, _database)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]


def body(kind: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The JSON body of an error."""
    return {"error": kind, "detail": detail, **extra}


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    problems = [{"location": list(error["loc"]), "message": error["msg"]} for error in exc.errors()]
    detail = "; ".join(f"{'.'.join(map(str, p['location']))}: {p['message']}" for p in problems)
    return _answer(request, 400, body("invalid_request", detail, problems=problems))


async def _invalid_value(request: Request, exc: ValidationError) -> Response:
    return _answer(request, 400, body("invalid_value", str(exc)))


async def _refused(request: Request, exc: AccessRefusedError) -> Response:
    return _answer(request, 403, body("access_refused", str(exc)))


async def _database(request: Request, exc: DatabaseError) -> Response:
    return _answer(request, 503, body("database_unavailable", str(exc)))


async def _http(request: Request, exc: HTTPException) -> Response:
    kind = "not_found" if exc.status_code == 404 else "http_error"
    return _answer(request, exc.status_code, body(kind, str(exc.detail)))


def _answer(request: Request, status: int, error: dict[str, Any]) -> Response:
    """JSON for the API; a readable page for a browser on the dashboard."""
    browsing = "text/html" in request.headers.get("accept", "")
    if not browsing or request.url.path.startswith("/api/"):
        return JSONResponse(error, status_code=status)
    from hub.api.dashboard import templates  # the dashboard imports this module

    context = {"status": status, "detail": error["detail"]}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)
