"""Prometheus metrics of the API: request latency per route, and gauges others feed.

Each app has its own registry, so several apps in one process (tests, the bench) never
share counters. Other components register what only they know, without importing the
API's internals, as gauges with labels read at each scrape::

    >>> metrics = Metrics()
    >>> lag = GaugeSource("Messages behind", lambda: {("applications",): 3.0}, ("topic",))
    >>> metrics.gauge("onewindow_consumer_lag", lag)
    >>> b'onewindow_consumer_lag{topic="applications"} 3.0' in metrics.render()
    True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: From 250 µs to 2.5 s: the bench targets are a millisecond or a few.
BUCKETS = (0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 2.5)


@dataclass(frozen=True)
class GaugeSource:
    """A gauge others feed: help text, and at each scrape its value per label values.

    ``read`` returns ``{label values: value}`` in the order of ``labels``; a gauge
    without labels returns ``{(): value}``, and nothing at all when it has no reading.
    """

    documentation: str
    read: Callable[[], Mapping[tuple[str, ...], float]]
    labels: tuple[str, ...] = ()


class Metrics:
    """The registry of one app, with the request metrics already in it."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "onewindow_api_request_seconds",
            "Time to answer a request, by route template and method",
            ["route", "method"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.requests = Counter(
            "onewindow_api_requests",
            "Requests answered, by route template, method and status code",
            ["route", "method", "status"],
            registry=self.registry,
        )

    def gauge(self, name: str, source: GaugeSource) -> None:
        """Publish ``source`` as gauge ``name``, read at each scrape (events processed, lag…)."""
        self.registry.register(_FedGauge(name, source))

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)


class _FedGauge(Collector):
    """A gauge whose samples are read from its source when Prometheus scrapes."""

    def __init__(self, name: str, source: GaugeSource) -> None:
        self.name = name
        self.source = source

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(self.name, self.source.documentation, labels=self.source.labels)
        for values, value in self.source.read().items():
            family.add_metric(list(values), value)
        yield family

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """Only the name, so registering never reads the source."""
        yield GaugeMetricFamily(self.name, self.source.documentation, labels=self.source.labels)


class MetricsMiddleware:
    """ASGI middleware timing each HTTP request under its route template, not its raw path."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = ["500"]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = str(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._observe(scope, status[0], time.perf_counter() - started)

    def _observe(self, scope: Scope, status: str, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", "unmatched")
        self.metrics.latency.labels(route, scope["method"]).observe(seconds)
        self.metrics.requests.labels(route, scope["method"], status).inc()
