"""The key queries give the same answers on PostgreSQL as on SQLite, from the same events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Connection, select

from hub.api.testing import fill
from hub.db import create_engine_for
from hub.queries import (
    CaseFilter,
    PageRequest,
    access_log_of,
    find_case,
    licenses_of,
    list_cases,
    statistics,
)
from projections.tables import access_log, cases, licenses

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
CASES, SEED = 60, 13


@pytest.fixture
def both(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Connection, Connection]]:
    sqlite_url = f"sqlite:///{tmp_path / 'read.db'}"
    engines = [create_engine_for(url) for url in (postgres_url, sqlite_url)]
    for url in (postgres_url, sqlite_url):
        fill(url, CASES, seed=SEED)
    with engines[0].connect() as postgres, engines[1].connect() as sqlite:
        yield postgres, sqlite
    for engine in engines:
        engine.dispose()


def plain(value: Any) -> Any:
    """JSON-ready data with every timestamp as naive UTC, as SQLite returns them."""
    if isinstance(value, BaseModel):
        return plain(value.model_dump())
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def pages(conn: Connection, read: Any) -> list[Any]:
    request, seen = PageRequest(limit=7), []
    while True:
        page = read(conn, request)
        seen.extend(plain(page.items))
        if page.next_cursor is None:
            return seen
        request = PageRequest(limit=7, cursor=page.next_cursor)


def test_cases_licenses_and_access_log_agree(both: tuple[Connection, Connection]) -> None:
    postgres, sqlite = both
    case_id = sqlite.scalar(select(cases.c.case_id).where(cases.c.tasks_total > 3).limit(1))
    holder = sqlite.scalar(select(licenses.c.holder_id_number).limit(1))
    subject = sqlite.scalar(select(access_log.c.subject_id_number).limit(1))
    assert case_id
    assert holder
    assert subject
    assert plain(find_case(postgres, case_id)) == plain(find_case(sqlite, case_id))
    readers = [
        lambda conn, request: list_cases(conn, CaseFilter(overdue=True), request),
        lambda conn, request: list_cases(conn, CaseFilter(department="TAX"), request),
        lambda conn, request: licenses_of(conn, holder, request),
        lambda conn, request: access_log_of(conn, subject, request),
    ]
    for read in readers:
        on_postgres = pages(postgres, read)
        assert on_postgres
        assert on_postgres == pages(sqlite, read)


def test_statistics_agree(both: tuple[Connection, Connection]) -> None:
    postgres, sqlite = both
    on_postgres, on_sqlite = statistics(postgres), statistics(sqlite)
    assert on_postgres.departments
    assert on_postgres.departments == on_sqlite.departments
    assert on_postgres.items == on_sqlite.items
    assert on_postgres.daily == on_sqlite.daily
