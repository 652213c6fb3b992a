"""Schema registries: where each Avro schema gets the id that the wire format carries.

Pick one from the settings: an empty ``ONEWINDOW_SCHEMA_REGISTRY__URL`` gives the embedded
registry (persisted under ``data_dir``), a URL gives a Confluent Schema Registry or
Karapace client::

    >>> from hub.settings import load_settings
    >>> settings = load_settings(schema_registry={"url": "http://karapace:8081"})
    >>> registry_from_settings(settings).url
    'http://karapace:8081'
"""

from __future__ import annotations

from pathlib import Path

from hub.registry.base import SchemaRegistry, subject_for
from hub.registry.confluent import ConfluentRegistry
from hub.registry.embedded import REGISTRY_FILE, EmbeddedRegistry
from hub.settings import HubSettings
from schemas import SCHEMA_DIR

__all__ = [
    "ConfluentRegistry",
    "EmbeddedRegistry",
    "SchemaRegistry",
    "registry_from_settings",
    "subject_for",
]


def registry_from_settings(settings: HubSettings, schema_dir: Path = SCHEMA_DIR) -> SchemaRegistry:
    """The registry the settings name: Confluent/Karapace at a URL, else the embedded one."""
    config = settings.schema_registry
    if not config.url:
        return EmbeddedRegistry(settings.data_dir / REGISTRY_FILE, schema_dir=schema_dir)
    auth = None
    if config.username:
        password = config.password.get_secret_value() if config.password else ""
        auth = (config.username, password)
    return ConfluentRegistry(config.url, auth=auth)
