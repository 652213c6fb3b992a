"""The single-process hub of ``onewindow up``: components started in order, then the worker.

With no settings it runs everything on one machine: the embedded broker on 127.0.0.1
with every declared topic, the restore of the event archive into it, a watch that warns
when the broker drops records it cannot keep, the archiver, and the stream processors'
worker, with SQLite under ``data_dir``. When ``ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS`` names
a cluster, the same code runs against it, without the embedded broker, the restore and
the watch::

    exit_code = run_hub(load_settings())  # until SIGINT or SIGTERM

Each component logs one line when it has started. Other parts of the hub (the HTTP API,
connectors) add components through the ``onewindow.components`` entry-point group: each
entry is a callable taking the :class:`HubContext` and returning a :class:`Component`, or
None to stay out of this configuration. They start after the built-in ones, before the
worker, and stop in reverse order after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol

from hub.archive import Archiver, ArchiveStore, archive_url, restore
from hub.broker.discovery import announce, withdraw
from hub.broker.embedded import RETAINED_BYTES, EmbeddedBroker
from hub.broker.lag import LagReader
from hub.broker.retention import RetentionWatch
from hub.db import create_engine_for, database_url
from hub.errors import BrokerError
from hub.settings import HubSettings
from hub.topics import declared_topics

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "onewindow.components"


@dataclass
class HubContext:
    """What components share; the broker component fills in the bootstrap address."""

    settings: HubSettings
    archive: ArchiveStore
    broker: EmbeddedBroker | None = None
    restored: dict[tuple[str, int], int] = field(default_factory=dict)
    """Where the restored log ends, partition by partition (empty without a restore)."""


class Component(Protocol):
    """A part of the hub with a start and a stop, run in ``onewindow up``."""

    name: str

    def start(self, context: HubContext) -> str:
        """Start (returning once ready); returns the one line logged about it."""
        ...

    def stop(self) -> None:
        """Stop and release everything; called once, in reverse order of starting."""
        ...


ComponentFactory = Callable[[HubContext], Component | None]


class BrokerComponent:
    """The embedded broker, with every declared topic (faust's internal ones included)."""

    name = "broker"

    def __init__(self) -> None:
        self._broker: EmbeddedBroker | None = None
        self._announcement: Path | None = None

    def start(self, context: HubContext) -> str:
        """Start the broker, point the hub's Kafka settings at it and announce it locally."""
        settings = context.settings
        topics = declared_topics(settings.topics)
        broker = EmbeddedBroker(settings.kafka.embedded_brokers, topics=topics).start()
        context.broker = self._broker = broker
        kafka = settings.kafka.model_copy(update={"bootstrap_servers": broker.bootstrap_servers})
        context.settings = settings.model_copy(update={"kafka": kafka})
        self._announcement = announce(settings.data_dir, broker.bootstrap_servers)
        return (
            f"embedded Kafka-protocol broker on {broker.bootstrap_servers} with {len(topics)} "
            f"topics (publish with ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS={broker.bootstrap_servers})"
        )

    def stop(self) -> None:
        """Destroy the broker and its in-memory log (the archive keeps it)."""
        if self._announcement is not None:
            withdraw(self._announcement)
        if self._broker is not None:
            self._broker.stop()


class RestoreComponent:
    """Puts the archived log back on the fresh embedded broker before anyone consumes."""

    name = "restore"

    def start(self, context: HubContext) -> str:
        """Re-produce every archived message to its topic and partition."""
        if context.broker is None:
            raise BrokerError("the restore needs the embedded broker, started before it")
        summary = restore(context.archive, context.broker)
        context.restored = summary.ends
        moved = f", {summary.shifted} at new offsets" if summary.shifted else ""
        dropped = f", {summary.dropped} of them in the archive only" if summary.dropped else ""
        return (
            f"restored {summary.messages} messages on {len(summary.topics)} topics "
            f"from the archive in {summary.seconds:.1f}s{moved}{dropped}"
        )

    def stop(self) -> None:
        """Nothing to release: the restore is over once started."""


class RetentionComponent:
    """Warns whenever the embedded broker drops records it can no longer keep."""

    name = "retention"

    def __init__(self) -> None:
        self._watch: RetentionWatch | None = None

    def start(self, context: HubContext) -> str:
        """Watch every declared and restored topic, from where it starts after the restore."""
        names = {spec.name for spec in declared_topics(context.settings.topics)}
        names |= {topic for topic, _partition in context.restored}
        reader = LagReader(context.settings.kafka)
        self._watch = RetentionWatch(reader, names).start()
        return (
            f"warns when the embedded broker drops records (it keeps the newest "
            f"{RETAINED_BYTES // 2**20} MiB of each of the {len(names)} topics' partitions)"
        )

    def stop(self) -> None:
        """Stop the watch's thread."""
        if self._watch is not None:
            self._watch.stop()


class ArchiverComponent:
    """The archiver thread, copying every topic into the archive."""

    name = "archiver"

    def __init__(self) -> None:
        self._archiver: Archiver | None = None

    def start(self, context: HubContext) -> str:
        """Subscribe to every declared and every archived topic, and start copying."""
        store = context.archive
        names = {spec.name for spec in declared_topics(context.settings.topics)}
        names |= set(store.partition_counts())
        # After a restore the log up to its end is archived already: no need to read it.
        self._archiver = Archiver(
            context.settings.kafka, store, sorted(names), start_at=context.restored
        )
        self._archiver.start()
        return f"archiver on {len(names)} topics into {store.engine.url.render_as_string()}"

    def stop(self) -> None:
        """Finish the batch in hand and leave the group."""
        if self._archiver is not None:
            self._archiver.stop()


def components_for(context: HubContext) -> list[Component]:
    """The components of this configuration, in the order they start."""
    built_in: list[Component] = [ArchiverComponent()]
    if context.settings.kafka.embedded:
        built_in = [BrokerComponent(), RestoreComponent(), RetentionComponent(), *built_in]
    plugged = [factory(context) for factory in _factories()]
    return built_in + [component for component in plugged if component is not None]


def run_hub(settings: HubSettings, loglevel: str = "warning") -> int:
    """Start every component, run the worker until a signal, stop them all; the exit code."""
    from projections.worker import build_worker, run_worker  # faust loads only here

    context = HubContext(settings, ArchiveStore(create_engine_for(archive_url(settings))))
    started: list[Component] = []
    try:
        for component in components_for(context):
            line = component.start(context)
            started.append(component)
            logger.info("%s: %s", component.name, line)
        worker = build_worker(context.settings)
        logger.info("worker: %d agents on %s", len(worker.agents), _database(context.settings))
        return run_worker(worker, loglevel=loglevel)
    finally:
        for component in reversed(started):
            component.stop()
            logger.info("%s: stopped", component.name)


def _database(settings: HubSettings) -> str:
    return database_url(settings.effective_database_url).render_as_string()


def _factories() -> list[ComponentFactory]:
    return [entry.load() for entry in entry_points(group=ENTRY_POINT_GROUP)]
