"""The API app: routers, error handlers, metrics and the dashboard on one FastAPI app.

``create_app`` builds it over a database; ``serve`` runs it with uvicorn, alone
(``onewindow api serve``) or as a component of ``onewindow up``, which passes its hooks::

    >>> from hub.settings import load_settings
    >>> app = create_app(load_settings(database_url="sqlite://"))
    >>> app.openapi()["info"]["title"]
    'onewindow'
"""

from __future__ import annotations

import logging

import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from hub import __version__
from hub.api import dashboard, errors, reuse
from hub.api.context import ApiContext, Hooks
from hub.api.metrics import Metrics, MetricsMiddleware
from hub.api.routers import cases, health, holders, licenses, statistics, tasks
from hub.api.serving import server_config
from hub.collector import settle
from hub.db import create_engine_for, database_errors
from hub.errors import DatabaseError
from hub.queries import StatisticsCache
from hub.settings import HubSettings
from projections.tables import metadata

DESCRIPTION = """\
Read access to the hub's shared projections for data officers and department systems:
cases and their tasks per department, the electronic license store, statistics, and
the access log of each holder. Lists are paged with `limit` and `cursor`. Identity
numbers of persons are masked unless the caller's department (header
`X-Onewindow-Department`) is granted them, and every answer that names a person or
company is recorded as a data access. Errors are JSON: `{"error", "detail"}`.
"""

_log = logging.getLogger(__name__)
#: Every router the app serves, in order; tests walk their routes.
ROUTERS = tuple(
    module.router
    for module in (cases, tasks, licenses, holders, reuse, statistics, health, dashboard)
)


def create_app(
    settings: HubSettings, engine: Engine | None = None, hooks: Hooks | None = None
) -> FastAPI:
    """The API and dashboard over ``engine`` (default: the database the settings name)."""
    engine = engine or create_engine_for(settings.effective_database_url)
    _prepare(engine)
    app = FastAPI(title="onewindow", version=__version__, description=DESCRIPTION)
    hooks = hooks or Hooks()
    metrics = Metrics()
    for name, source in hooks.gauges.items():
        metrics.gauge(name, source)
    app.state.context = ApiContext(engine, StatisticsCache(engine), metrics, hooks)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("hub.api", "static")]), name="static")
    if settings.api.trust:
        from hub.trust.api import install_from_settings  # the trust layer builds on the API

        install_from_settings(app, settings)
    return app


def _prepare(engine: Engine) -> None:
    """Create missing read-model tables and indexes; an unreachable database is left to /readyz.

    ``create_all`` skips a table that exists, so an index that a later version added (one
    the queries count on) is created on its own.
    """
    try:
        with database_errors("cannot create the read-model tables"):
            metadata.create_all(engine)
            for index in (index for table in metadata.sorted_tables for index in table.indexes):
                index.create(engine, checkfirst=True)
    except DatabaseError as exc:
        _log.warning("starting without the database: %s", exc)


def serve(settings: HubSettings, engine: Engine | None = None, hooks: Hooks | None = None) -> None:
    """Run the API on ``settings.api.host:port`` until interrupted."""
    app = create_app(settings, engine, hooks)
    _log.info("API and dashboard on http://%s:%d", settings.api.host, settings.api.port)
    settle()
    uvicorn.Server(server_config(app, settings.api.host, settings.api.port)).run()
