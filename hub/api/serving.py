"""uvicorn in a thread of the calling process: for ``onewindow up``, tests and the bench."""

from __future__ import annotations

import threading
import time

import uvicorn
from fastapi import FastAPI

from hub.errors import HubError

STARTUP_TIMEOUT = 15.0


class ServerThread:
    """One app served on ``host:port`` by uvicorn in a daemon thread."""

    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"api-{port}", daemon=True)
        self.url = f"http://{host}:{port}"

    def start(self) -> str:
        """Start serving and return the base URL once the socket listens."""
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
