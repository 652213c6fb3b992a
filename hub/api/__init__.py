"""The HTTP API (JSON under ``/api/v1``) and the data officers' dashboard, on one app.

>>> from hub.settings import load_settings
>>> from fastapi.testclient import TestClient
>>> app = create_app(load_settings(database_url="sqlite://"))
>>> TestClient(app).get("/healthz").json()
{'status': 'ok'}
"""

from hub.api.app import create_app, serve
from hub.api.context import Hooks
from hub.api.disclosure import AccessSink, Caller, Disclosure, Grant, Granted, GrantPolicy

__all__ = [
    "AccessSink",
    "Caller",
    "Disclosure",
    "Grant",
    "GrantPolicy",
    "Granted",
    "Hooks",
    "create_app",
    "serve",
]
