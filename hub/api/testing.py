"""Test helpers for the API: a filled read model, a recording sink, a live server.

Used by the project's own API, browser and bench code, and usable by anyone testing
against the API::

    >>> from hub.api import create_app
    >>>     >>> with running_server(create_app(load_settings(database_url="sqlite://"))) as url:
    ...     httpx.get(f"{url}/healthz").json()
    {'status': 'ok'}
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

from fastapi import FastAPI

from hub.api.serving import ServerThread
from hub.events.access import DataAccessed
from projections.engine import Projector
from projections.testing import event_stream

__all__ = ["AccessRecorder", "fill", "free_port", "running_server"]


class AccessRecorder(list[DataAccessed]):
    """An access sink that keeps every event, for tests to inspect."""

    def __call__(self, event: DataAccessed) -> None:
        self.append(event)


def fill(url: str, cases: int, seed: int = 7) -> None:
    """Apply the generated events of ``cases`` cases to the read models at ``url``."""
    projector = Projector(url)
    try:
        projector.apply(list(event_stream(seed=seed, cases=cases)))
    finally:
        projector.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port in a thread; yields its base URL."""
    serving = ServerThread(app, "127.0.0.1", free_port())
    try:
        yield serving.start()
    finally:
        serving.stop()
