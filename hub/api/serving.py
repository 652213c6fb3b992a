"""How the API is served: uvicorn's settings, and uvicorn in a thread of this process.

:func:`server_config` is shared by ``onewindow api`` and :class:`ServerThread` (``onewindow
up``, tests, the bench): no access log (Prometheus counts requests), uvicorn's C parser
and event loop when installed, and :func:`hub.collector.settle` once the app is built, so
that the collector stops walking the start-up objects on every full collection.
"""

from __future__ import annotations

import threading
import time

import uvicorn
from fastapi import FastAPI

from hub.collector import settle
from hub.errors import HubError

STARTUP_TIMEOUT = 15.0


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """uvicorn's settings for the API on ``host:port``."""
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)


class ServerThread:
    """One app served on ``host:port`` by uvicorn in a daemon thread."""

    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        self._server = uvicorn.Server(server_config(app, host, port))
        self._thread = threading.Thread(target=self._server.run, name=f"api-{port}", daemon=True)
        self.url = f"http://{host}:{port}"

    def start(self) -> str:
        """Start serving and return the base URL once the socket listens."""
        settle()
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise HubError(f"the API did not start on {self.url}: is the port in use?")
            time.sleep(0.01)
        return self.url

    def stop(self) -> None:
        """Finish the requests in flight and stop."""
        self._server.should_exit = True
        self._thread.join(STARTUP_TIMEOUT)
