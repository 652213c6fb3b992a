"""The worker: every read model and processor as faust agents in one consumer group.

``onewindow worker`` runs it against ``ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS`` and
``ONEWINDOW_DATABASE_URL``; start as many as the topics have partitions and they share
the work. ``onewindow up`` runs the same worker beside the embedded broker::

    worker = build_worker(load_settings())
    exit_code = run_worker(worker)  # until SIGINT or SIGTERM

Shutdown is clean on either signal: agents finish the batch in hand, offsets of what
was done are committed, the publisher is flushed and the database released.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import faust
from mode import ServiceT
from sqlalchemy import Engine

from hub import collector
from hub.db import create_engine_for
from hub.errors import SettingsError
from hub.health import database_reachable
from hub.publisher import Publisher
from hub.registry import registry_from_settings
from hub.settings import HubSettings
from hub.trust.sealing import deserializer_for, serializer_for
from hub.trust.signing import LicenseSealer
from projections.agents import AgentContext, attach_processor, attach_projections
from projections.app import APP_ID, create_app
from projections.engine import Projector
from projections.processors.base import Processor


@dataclass
class Worker:
    """A faust app with its agents, and what they share; :meth:`close` releases it all."""

    app: faust.App
    context: AgentContext
    engine: Engine
    agents: list[str] = field(default_factory=list)
    assigned: bool = False
    """Whether the consumer group has given this worker its partitions at least once."""

    def ready(self) -> bool:
        """Assigned its partitions, not in a rebalance, and its database answers."""
        return self.assigned and not self.app.rebalancing and database_reachable(self.engine)

    async def _on_assigned(self, *_args: Any, **_kwargs: Any) -> None:
        self.assigned = True

    def close(self) -> None:
        """Flush the publisher and release the database."""
        self.context.publisher.close()
        self.engine.dispose()


def build_worker(
    settings: HubSettings,
    processors: Sequence[Processor] | None = None,
    app_id: str = APP_ID,
    session_timeout: float | None = None,
) -> Worker:
    """The worker's app: one agent for the read models, one per processor (default: all)."""
    if settings.kafka.embedded:
        raise SettingsError(
            "the worker needs a broker: set ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS "
            "(or run 'onewindow up', which starts an embedded one)"
        )
    engine = create_engine_for(settings.effective_database_url)
    registry = registry_from_settings(settings)
    publisher = Publisher(settings.kafka, serializer_for(settings, registry))
    context = AgentContext(deserializer_for(settings, registry), publisher)
    app = create_app(settings, settings.kafka.bootstrap_servers, app_id, session_timeout)
    worker = Worker(app, context, engine)
    app.on_partitions_assigned.connect(worker._on_assigned)
    # One projector for every read model: one transaction, one lock and one commit per batch.
    worker.agents.append(attach_projections(app, [Projector(engine)], context))
    if processors is None:  # the license sealer needs the data dir, for the departments' keys
        processors = [*default_processors(engine), LicenseSealer.from_settings(settings, engine)]
    worker.agents += [attach_processor(app, processor, context) for processor in processors]
    return worker


def default_processors(engine: Engine) -> list[Processor]:
    """Every processor of the hub, over the shipped catalogue and working-day calendar."""
    from hub.catalogue import load_catalogue
    from hub.workdays import load_calendar
    from projections.processors import build_processors

    return list(build_processors(engine, load_catalogue(), load_calendar()))


def run_worker(worker: Worker, services: Sequence[ServiceT] = (), loglevel: str = "info") -> int:
    """Run until SIGINT or SIGTERM (or a crash); returns the process exit code.

    The collector is set for batch work first, and what start-up built is settled out of
    its way (:mod:`hub.collector`).
    """
    collector.for_batches()
    collector.settle()
    runner = faust.Worker(
        worker.app,
        *services,
        loglevel=loglevel,
        quiet=True,
        redirect_stdouts=False,
        override_logging=False,
    )
    runner.spinner = None  # its terminal escapes would mangle our one-line-per-component log
    try:
        runner.execute_from_commandline()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    finally:
        worker.close()
    return 0
