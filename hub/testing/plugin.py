"""Pytest fixtures for the hub and for connector authors (registered via ``pytest11``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hub.testing.kafka import create_test_topic, kafka_server
from hub.testing.postgres import ENV_REQUIRE, fresh_database, postgres_server


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``postgres`` marker that ``database_url`` puts on its PostgreSQL case."""
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server")


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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database for one test: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'department.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A broker with every declared topic: embedded, or ONEWINDOW_TEST_KAFKA_BOOTSTRAP."""
    with kafka_server() as bootstrap:
        yield bootstrap


@pytest.fixture
def kafka_topic_factory(kafka_bootstrap: str) -> Callable[[int], str]:
    """Call with a partition count to get a new, uniquely named topic."""

    def create(partitions: int = 1) -> str:
        return create_test_topic(kafka_bootstrap, partitions)

    return create


@pytest.fixture
def kafka_topic(kafka_topic_factory: Callable[[int], str]) -> str:
    """A new, uniquely named one-partition topic for one test."""
    return kafka_topic_factory(1)
