"""One connector as its own process: ``onewindow connector run NAME --config FILE``.

The broker and the schema registry come from the hub's settings
(``ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS``, ``ONEWINDOW_SCHEMA_REGISTRY__URL``), the
connector's own settings from its file, validated before anything starts.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from connectors.base import Sink, SinkConfig, Source, SourceConfig
from connectors.config import load_config
from connectors.registry import connector_class
from connectors.running.loop import Runner, RunStats
from connectors.running.sink import SinkRunner
from connectors.running.source import SourceRunner
from hub.errors import SettingsError
from hub.publisher import Publisher
from hub.registry import registry_from_settings
from hub.serde import Deserializer, Serializer
from hub.settings import HubSettings


@contextlib.contextmanager
def build_runner(
    name: str, config_path: Path, settings: HubSettings, **consumer_overrides: Any
) -> Iterator[Runner]:
    """The runner of connector ``name`` with the config in ``config_path``, ready to run."""
    cls = connector_class(name)
    config = load_config(cls.config_model, config_path)
    if settings.kafka.embedded:
        raise SettingsError("ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS: a connector needs the broker")
    registry = registry_from_settings(settings)
    serializer = Serializer(registry)
    with Publisher(settings.kafka, serializer) as publisher:
        connector = cls()
        if isinstance(connector, Source) and isinstance(config, SourceConfig):
            yield SourceRunner(connector, config, publisher, serializer, name)
        elif isinstance(connector, Sink) and isinstance(config, SinkConfig):
            deserializer = Deserializer(registry)
            yield SinkRunner(
                connector,
                config,
                settings.kafka,
                deserializer,
                publisher,
                name,
                consumer_overrides=consumer_overrides,
            )
        else:
            raise SettingsError(
                f"connector {name!r}: {cls.config_model.__name__} is not a "
                "SourceConfig or SinkConfig"
            )


def run_connector(
    name: str, config_path: Path, settings: HubSettings, stop: threading.Event, once: bool
) -> RunStats:
    """Run connector ``name`` until ``stop`` is set (or, with ``once``, until it is idle)."""
    with build_runner(name, config_path, settings) as runner:
        return runner.run(stop, once)
