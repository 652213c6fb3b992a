"""Pytest fixtures for the hub and for connector authors (registered via ``pytest11``)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from hub.testing.postgres import ENV_REQUIRE, fresh_database, postgres_server


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL server URL; skips (or fails under ONEWINDOW_TEST_REQUIRE_POSTGRES)."""
    with postgres_server() as url:
        if url is None:
            reason = "no PostgreSQL: set ONEWINDOW_TEST_POSTGRES_URL or install initdb/pg_ctl"
            if os.environ.get(ENV_REQUIRE):
                pytest.fail(reason)
            pytest.skip(reason)
        yield url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_database(postgres_server_url) as url:
        yield url
