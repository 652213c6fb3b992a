"""The health endpoints of the worker and the archiver, over real HTTP on a free port."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine

from hub.health import HealthServer, database_reachable

Check = Callable[[], bool]


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def serve() -> Iterator[Callable[[Check], int]]:
    """Starts a health server with a readiness check on a free port; returns the port."""
    servers: list[HealthServer] = []

    def start(ready: Check) -> int:
        server = HealthServer(0, ready, host="127.0.0.1")
        assert server.start()
        servers.append(server)
        return server.bound_port

    yield start
    for server in servers:
        server.stop()


def test_alive_and_ready(serve: Callable[[Check], int]) -> None:
    port = serve(lambda: True)

    assert _get(port, "/healthz") == (200, "ok\n")
    assert _get(port, "/readyz") == (200, "ready\n")
    assert _get(port, "/") == (404, "not found\n")


def test_alive_but_not_ready(serve: Callable[[Check], int]) -> None:
    port = serve(lambda: False)

    assert _get(port, "/healthz")[0] == 200
    assert _get(port, "/readyz") == (503, "not ready\n")


def test_a_failing_readiness_check_is_not_ready_and_says_why(
    serve: Callable[[Check], int],
) -> None:
    def broken() -> bool:
        raise RuntimeError("no consumer yet")

    port = serve(broken)

    assert _get(port, "/readyz") == (503, "not ready: no consumer yet\n")


def test_a_taken_port_is_reported_not_fatal(serve: Callable[[Check], int]) -> None:
    port = serve(lambda: True)

    assert HealthServer(port, lambda: True, host="127.0.0.1").start() is False


def test_database_reachable() -> None:
    assert database_reachable(create_engine("sqlite://"))
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    unreachable = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{port}/none")
    assert not database_reachable(unreachable)
