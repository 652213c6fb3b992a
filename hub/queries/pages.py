"""Keyset pagination: a page of rows after an opaque cursor, in a fixed order.

A cursor is the sort key of the last row shown, as URL-safe base64 of a JSON list, so a
page stays correct while new rows arrive; ``limit`` is bounded by :data:`MAX_LIMIT`::

    >>> encode_cursor(["C-1"])
    'WyJDLTEiXQ'
    >>> decode_cursor("WyJDLTEiXQ", [DateTime()])
    Traceback (most recent call last):
    ...
    hub.errors.ValidationError: cursor 'WyJDLTEiXQ' was not issued by this list
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, DateTime, RowMapping, Select, tuple_
from sqlalchemy.types import TypeEngine

from hub.errors import ValidationError
from hub.queries.models import Page

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class PageRequest:
    """Which page to read: at most ``limit`` rows after ``cursor``."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}, got {self.limit}")


def encode_cursor(values: Sequence[Any]) -> str:
    """The cursor naming the row whose sort key is ``values``."""
    text = json.dumps([_plain(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, types: Sequence[TypeEngine[Any]]) -> list[Any]:
    """The sort key in ``cursor``; ValidationError if this list did not issue it."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError("wrong shape")
        return [_restore(value, kind) for value, kind in zip(values, types, strict=True)]
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ValidationError(f"cursor {cursor!r} was not issued by this list") from exc


def paginate(
    conn: Connection,
    query: Select[Any],
    order: Sequence[ColumnElement[Any]],
    request: PageRequest,
    shape: Callable[[RowMapping], T],
    descending: bool = False,
) -> Page[T]:
    """Run ``query`` in ``order`` from ``request.cursor``; one row more tells if more remain."""
    if request.cursor is not None:
        after = decode_cursor(request.cursor, [column.type for column in order])
        key = tuple_(*order)
        query = query.where(key < tuple_(*after) if descending else key > tuple_(*after))
    ordering = [column.desc() if descending else column.asc() for column in order]
    rows = list(conn.execute(query.order_by(*ordering).limit(request.limit + 1)).mappings())
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    cursor = _cursor_after(rows[-1], order) if more else None
    return Page[T](items=[shape(row) for row in rows], limit=request.limit, next_cursor=cursor)


def _cursor_after(row: RowMapping, order: Sequence[ColumnElement[Any]]) -> str:
    return encode_cursor([row[column.name] for column in order])


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _restore(value: Any, kind: TypeEngine[Any]) -> Any:
    if isinstance(kind, DateTime):
        if not isinstance(value, str):
            raise ValueError("not a timestamp")
        return datetime.fromisoformat(value)
    if not isinstance(value, str | int | float | bool) and value is not None:
        raise ValueError("not a plain value")
    return value
