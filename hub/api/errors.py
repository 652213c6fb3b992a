"""Errors as JSON bodies naming the problem: 400 bad input, 403 refused, 404 unknown, 503.

Every error body is ``{"error": <kind>, "detail": <message>}``; validation errors add
``"problems"``, one entry per bad parameter with where it was (``["query", "limit"]``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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


async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = [{"location": list(error["loc"]), "message": error["msg"]} for error in exc.errors()]
    detail = "; ".join(f"{'.'.join(map(str, p['location']))}: {p['message']}" for p in problems)
    return JSONResponse(body("invalid_request", detail, problems=problems), status_code=400)


async def _invalid_value(_request: Request, exc: ValidationError) -> JSONResponse:
    return JSONResponse(body("invalid_value", str(exc)), status_code=400)


async def _refused(_request: Request, exc: AccessRefusedError) -> JSONResponse:
    return JSONResponse(body("access_refused", str(exc)), status_code=403)


async def _database(_request: Request, exc: DatabaseError) -> JSONResponse:
    return JSONResponse(body("database_unavailable", str(exc)), status_code=503)


async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
    kind = "not_found" if exc.status_code == 404 else "http_error"
    return JSONResponse(body(kind, str(exc.detail)), status_code=exc.status_code)
