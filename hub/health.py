"""Liveness and readiness over HTTP for the processes that serve no API: worker, archiver.

Kubernetes probes them on :data:`hub.deploy.workloads.HEALTH_PORT`: ``/healthz``
answers 200 while the process runs, ``/readyz`` 200 when ``ready()`` holds and 503
otherwise. The server is the standard library's, on a daemon thread::

    server = HealthServer(8601, ready=lambda: True)
    server.start()
    ...
    server.stop()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy
from sqlalchemy import Engine

logger = logging.getLogger(__name__)


class HealthServer:
    """Answers ``/healthz`` and ``/readyz`` on ``port`` (all interfaces) until stopped."""

    def __init__(self, port: int, ready: Callable[[], bool], host: str = "0.0.0.0") -> None:
        self.port = port
        self.host = host
        self.ready = ready
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> bool:
        """Serve on a daemon thread; False (and a warning) if the port cannot be bound."""
        try:
            self._server = ThreadingHTTPServer((self.host, self.port), _handler(self.ready))
        except OSError as exc:
            logger.warning("no health endpoints on port %s: %s", self.port, exc)
            return False
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="health", daemon=True).start()
        return True

    @property
    def bound_port(self) -> int:
        """The port served on: ``port``, or the one the system chose for port 0."""
        if self._server is None:
            return self.port
        return int(self._server.server_address[1])

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def database_reachable(engine: Engine) -> bool:
    """Whether ``engine``'s database answers a trivial query."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1").all()
    except sqlalchemy.exc.SQLAlchemyError:
        return False
    return True


def _handler(ready: Callable[[], bool]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/healthz":
                self._answer(HTTPStatus.OK, "ok")
            elif self.path == "/readyz":
                self._answer(*_readiness(ready))
            else:
                self._answer(HTTPStatus.NOT_FOUND, "not found")

        def _answer(self, status: HTTPStatus, text: str) -> None:
            body = f"{text}\n".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Probes every few seconds would flood the log; nothing is logged."""

    return Handler


def _readiness(ready: Callable[[], bool]) -> tuple[HTTPStatus, str]:
    try:
        is_ready = ready()
    except Exception as exc:  # a failing check means not ready, and says why
        return HTTPStatus.SERVICE_UNAVAILABLE, f"not ready: {exc}"
    if is_ready:
        return HTTPStatus.OK, "ready"
    return HTTPStatus.SERVICE_UNAVAILABLE, "not ready"
