"""The API as a component of ``onewindow up``, and the hooks that tie it to the broker.

:func:`api_component` is registered in the ``onewindow.components`` entry-point group, so
``onewindow up`` serves the API and dashboard next to the worker. :func:`broker_hooks`
gives the API what only a hub with a broker has: data-access events published on
``onewindow.access``, ``broker`` and ``processors`` readiness checks (the processors
caught up to within ``api.max_processor_lag`` messages) and the ``onewindow_consumer_lag``
gauge; ``onewindow api`` uses it too.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future

from hub.api.app import create_app
from hub.api.context import Check, Hooks
from hub.api.disclosure import AccessSink
from hub.api.lag import LagWatch, processor_groups
from hub.api.serving import ServerThread
from hub.broker.admin import TopicAdmin
from hub.broker.lag import LagReader
from hub.errors import BrokerError
from hub.events.access import DataAccessed
from hub.publisher import Delivery, Publisher
from hub.runtime import HubContext
from hub.settings import HubSettings
from hub.topics import Topic

_log = logging.getLogger(__name__)
READINESS_TIMEOUT = 2.0


def broker_hooks(settings: HubSettings) -> tuple[Hooks, Publisher]:
    """Hooks publishing data accesses, checking the broker and the processors' lag."""
    publisher = Publisher.from_settings(settings)
    admin = TopicAdmin(settings.kafka, timeout=READINESS_TIMEOUT)
    reader = LagReader(settings.kafka, timeout=READINESS_TIMEOUT)
    lag = LagWatch(reader, processor_groups(), settings.api.max_processor_lag)
    hooks = Hooks(
        access_sink=publishing(publisher),
        readiness={"broker": reachable(admin), "processors": lag.check},
        gauges={"onewindow_consumer_lag": lag.gauge()},
        publish=publisher.publish_async,
    )
    return hooks, publisher


def publishing(publisher: Publisher) -> AccessSink:
    """A sink that queues each access on its topic without holding up the request."""

    def sink(event: DataAccessed) -> None:
        publisher.publish(event).add_done_callback(_report)

    return sink


def _report(delivery: Future[Delivery]) -> None:
    error = delivery.exception()
    if error is not None:
        _log.error("a data-access event was not confirmed by the broker: %s", error)


def reachable(admin: TopicAdmin) -> Check:
    """Ready when the broker answers and holds the access topic."""

    def check() -> str | None:
        try:
            found = admin.observe([Topic.ACCESS])
        except BrokerError as exc:
            return str(exc)
        return None if Topic.ACCESS in found else f"topic {Topic.ACCESS} is missing"

    return check


class ApiComponent:
    """The HTTP API and dashboard, served by uvicorn in a thread of the hub process."""

    name = "api"

    def __init__(self) -> None:
        self._serving: ServerThread | None = None
        self._publisher: Publisher | None = None

    def start(self, context: HubContext) -> str:
        """Serve on ``api.host:api.port``; returns once the server listens."""
        settings = context.settings
        hooks, self._publisher = broker_hooks(settings)
        app = create_app(settings, hooks=hooks)
        self._serving = ServerThread(app, settings.api.host, settings.api.port)
        return f"API and dashboard on {self._serving.start()}"

    def stop(self) -> None:
        """Stop serving, then flush the data-access events still queued."""
        if self._serving is not None:
            self._serving.stop()
        if self._publisher is not None:
            self._publisher.close()


def api_component(_context: HubContext) -> ApiComponent:
    """The entry point of ``onewindow.components``: the API runs in every hub."""
    return ApiComponent()
