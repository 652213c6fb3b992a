"""What the routes of one API app share: the database, the statistics cache and the hooks.

The hooks let the process that runs the API plug in what it knows: where data-access
events go, which departments see full identity numbers, how licenses' seals are checked,
and whether the broker is reachable and the processors caught up (for ``/readyz``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine

from hub.api.disclosure import AccessSink, GrantPolicy, log_access, no_grants
from hub.api.metrics import GaugeSource, Metrics
from hub.events import Event
from hub.queries import StatisticsCache
from hub.queries.licenses import SignatureChecker, not_checked
from projections.model import CHINA

#: How an event reaches the broker: ``Publisher.publish_async`` in a hub with one.
Publish = Callable[[Event], Awaitable[object]]
#: A readiness check: None when ready, else why not.
Check = Callable[[], str | None]


def china_today() -> date:
    """Today's date in China, the day a license's validity is judged on."""
    return datetime.now(CHINA).date()


@dataclass
class Hooks:
    """What the hosting process plugs into the API; every one has a safe default.

    ``readiness`` maps check names (``broker``, ``processors``) to checks for ``/readyz``;
    ``gauges`` maps metric names (``onewindow_consumer_lag``, …) to their sources, published
    on ``/metrics``;
    ``publish`` sends an event to the broker (the HTTP ingress of :mod:`hub.trust` uses it).
    ``grants`` and ``access_sink`` are called on the event loop, so they must answer from
    memory and queue rather than wait (as the agreements and the publisher do).
    """

    access_sink: AccessSink = log_access
    grants: GrantPolicy = no_grants
    check_signature: SignatureChecker = not_checked
    readiness: dict[str, Check] = field(default_factory=dict)
    gauges: dict[str, GaugeSource] = field(default_factory=dict)
    today: Callable[[], date] = china_today
    publish: Publish | None = None


@dataclass
class ApiContext:
    """The state behind one app: its engine, statistics, metrics and hooks."""

    engine: Engine
    statistics: StatisticsCache
    metrics: Metrics
    hooks: Hooks
