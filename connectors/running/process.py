"""One connector as its own process: ``onewindow connector run NAME --config FILE``.

The broker and the schema registry come from the hub's settings
(``ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS``, ``ONEWINDOW_SCHEMA_REGISTRY__URL``), the
connector's own settings from its file, validated before anything starts. A process that
runs the embedded broker itself (``onewindow up``) passes its address as ``connection``
and the connector's settings as a mapping::

    with build_runner("webhook", {"topics": [...], ...}, settings, broker.bootstrap_servers) as r:
        r.run(stop)
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from connectors.base import Sink, SinkConfig, Source, SourceConfig
from connectors.config import load_config
from connectors.registry import connector_class
from connectors.running.loop import Runner, RunStats
from connectors.running.sink import SinkRunner, group_of
from connectors.running.source import SourceRunner
from hub.db import create_engine_for
from hub.errors import SettingsError
from hub.publisher import Publisher
from hub.registry import registry_from_settings
from hub.settings import HubSettings, KafkaSettings
from hub.trust.deliveries import DeliveryLedger
from hub.trust.sealing import deserializer_for, serializer_for
from hub.trust.sinks import Delivered, agreed

ConfigSource = Path | Mapping[str, Any]


@contextlib.contextmanager
def build_runner(
    name: str,
    config: ConfigSource,
    settings: HubSettings,
    connection: str | KafkaSettings | None = None,
) -> Iterator[Runner]:
    """The runner of connector ``name`` with its config (a file or a mapping), ready to run."""
    cls = connector_class(name)
    validated = load_config(cls.config_model, config, where=name)
    broker = connection or settings.kafka
    if isinstance(broker, KafkaSettings) and broker.embedded:
        raise SettingsError("ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS: a connector needs the broker")
    registry = registry_from_settings(settings)
    serializer = serializer_for(settings, registry)
    with Publisher(broker, serializer) as publisher:
        connector = cls()
        if isinstance(connector, Source) and isinstance(validated, SourceConfig):
            yield SourceRunner(connector, validated, publisher, serializer, name)
        elif isinstance(connector, Sink) and isinstance(validated, SinkConfig):
            deserializer = deserializer_for(settings, registry)
            sink = agreed(connector, validated, publisher, _ledger(settings, validated, name))
            yield SinkRunner(sink, validated, broker, deserializer, publisher, name)
        else:
            raise SettingsError(
                f"connector {name!r}: {cls.config_model.__name__} is not a "
                "SourceConfig or SinkConfig"
            )


def _ledger(settings: HubSettings, config: SinkConfig, name: str) -> Delivered | None:
    """Where a department sink notes what it delivered of whom, for erasure notices."""
    if config.department is None:
        return None  # delivered as it is, outside the agreements: see docs/connectors.md
    ledger = DeliveryLedger(create_engine_for(settings.effective_database_url))
    return functools.partial(ledger.record, group_of(config, name), config.department)


def run_connector(
    name: str, config: ConfigSource, settings: HubSettings, stop: threading.Event, once: bool
) -> RunStats:
    """Run connector ``name`` until ``stop`` is set (or, with ``once``, until it is idle)."""
    with build_runner(name, config, settings) as runner:
        return runner.run(stop, once)
