"""``POST /api/v1/events``: how a department system that speaks only HTTP publishes an event.

The request carries the department's bearer token and a JSON body
``{"type": "<EventName>", "data": {<the event's fields>}}``. The event is accepted only
if it fits its model (and so its Avro schema), its identifiers are valid and its
``source`` is the caller's own department; the answer is its event id, or an error
naming the field. A replayed event id is answered as a duplicate and not published
again, so a department may safely retry. Hostile input is refused before it is parsed:
a body over :data:`MAX_BODY` bytes (413), anything but ``application/json`` (415),
JSON nested deeper than :data:`MAX_DEPTH` (400).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import pydantic
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import delete
from starlette.exceptions import HTTPException

from connectors.file_import.mapping import identifier_problems
from hub.api.context import Publish
from hub.db import database_errors, insert_ignore
from hub.errors import (
    AccessRefusedError,
    AuthenticationError,
    BrokerError,
    UnknownSchemaError,
    ValidationError,
)
from hub.events import Event, model_for
from hub.trust.api import bearer_department
from hub.trust.tables import ingress_receipts

MAX_BODY = 256 * 1024
MAX_DEPTH = 32
router = APIRouter(prefix="/api/v1/events", tags=["ingress"])
_SCHEMA = {
    "type": "object",
    "required": ["type", "data"],
    "properties": {
        "type": {"type": "string", "description": "Event type, e.g. LicenseIssued"},
        "data": {"type": "object", "description": "The event's fields, as its schema names them"},
    },
}


class Receipt(pydantic.BaseModel):
    """What the hub did with a submitted event."""

    event_id: str
    event_type: str
    duplicate: bool
    topic: str


def department_of(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    """The calling department; the ingress takes no anonymous events."""
    if authorization is None:
        raise AuthenticationError("publishing an event needs a department's bearer token")
    return bearer_department(request, authorization)


@router.post(
    "",
    status_code=202,
    response_model=Receipt,
    summary="Publish one event",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _SCHEMA}}}
    },
)
async def submit(request: Request, department: Annotated[str, Depends(department_of)]) -> Any:
    """Validate, de-duplicate by event id and publish one department event."""
    event = _event(await _json_body(request), department)
    if not _first_receipt(request, event, department):
        return JSONResponse(_receipt(event, duplicate=True).model_dump(), status_code=200)
    publish: Publish | None = request.app.state.context.hooks.publish
    try:
        if publish is None:
            raise BrokerError("this hub has no broker to publish to")
        await publish(event)
    except BrokerError as exc:
        _forget_receipt(request, event)  # not published: a retry must not count as a duplicate
        raise HTTPException(503, str(exc)) from exc
    return _receipt(event, duplicate=False)


async def _json_body(request: Request) -> dict[str, Any]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, f"send application/json, not {kind or 'no content type'!r}")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"the body is over {MAX_BODY} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise HTTPException(413, f"the body is over {MAX_BODY} bytes")
    return _parsed(bytes(raw))


def _parsed(raw: bytes) -> dict[str, Any]:
    if _depth(raw) > MAX_DEPTH:
        raise ValidationError(f"the JSON is nested deeper than {MAX_DEPTH} levels")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ValidationError(f"the body is not JSON: {exc}") from exc
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        raise ValidationError('the body must be {"type": "<EventName>", "data": {...}}')
    if not isinstance(body.get("data"), dict):
        raise ValidationError("data: must be an object holding the event's fields")
    return body


def _depth(raw: bytes) -> int:
    """How deep brackets nest in ``raw``, outside strings, without parsing it."""
    deepest = depth = 0
    quoted = escaped = False
    for byte in raw:
        if quoted:
            escaped, quoted = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte == 0x22:
            quoted = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


def _event(body: dict[str, Any], department: str) -> Event:
    try:
        model = model_for(body["type"])
    except UnknownSchemaError as exc:
        raise ValidationError(f"type: {exc}") from exc
    event = model.from_record(body["data"])
    problems = identifier_problems(event)
    if problems:
        raise ValidationError("; ".join(f"{p.field}: {p.reason}" for p in problems))
    if event.source != department:
        raise AccessRefusedError(
            f"source {event.source!r} is not the caller's department {department!r}"
        )
    return event


def _first_receipt(request: Request, event: Event, department: str) -> bool:
    row = {
        "event_id": event.event_id,
        "department": department,
        "event_type": event.event_name,
        "received_at": datetime.now(UTC),
    }
    engine = request.app.state.context.engine
    with database_errors("cannot record the event's receipt"), engine.begin() as conn:
        return insert_ignore(conn, ingress_receipts, [row], ["event_id"]) == 1


def _forget_receipt(request: Request, event: Event) -> None:
    statement = delete(ingress_receipts).where(ingress_receipts.c.event_id == event.event_id)
    with (
        database_errors("cannot drop the receipt"),
        request.app.state.context.engine.begin() as conn,
    ):
        conn.execute(statement)


def _receipt(event: Event, duplicate: bool) -> Receipt:
    return Receipt(
        event_id=event.event_id, event_type=event.event_name, duplicate=duplicate, topic=event.topic
    )
