"""Settings: one validated model per component, read from the environment and a file.

Environment variables use the prefix ``ONEWINDOW_`` and ``__`` for nesting; an optional
``onewindow.toml`` in the working directory (or the file named by ``ONEWINDOW_CONFIG``)
supplies the same keys. The environment wins over the file::

    >>> import os
    >>> os.environ["ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS"] = "kafka-1:9092"
    >>> load_settings().kafka.bootstrap_servers
    'kafka-1:9092'
    >>> del os.environ["ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS"]

An invalid value stops start-up with a :class:`~hub.errors.SettingsError` that names the
setting as it is spelled in the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from hub.errors import SettingsError

ENV_PREFIX = "ONEWINDOW_"
DEFAULT_CONFIG_FILE = "onewindow.toml"


class KafkaSettings(BaseModel):
    """Where the event log lives. Empty ``bootstrap_servers`` means the embedded broker."""

    bootstrap_servers: str = ""
    client_id: str = "onewindow"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    embedded_brokers: int = Field(default=1, ge=1, le=9)

    @property
    def embedded(self) -> bool:
        """True when no cluster is configured and the hub runs its own broker."""
        return not self.bootstrap_servers

    def librdkafka_config(self) -> dict[str, str]:
        """The dotted librdkafka dictionary for confluent-kafka clients."""
        config = {
            "bootstrap.servers": self.bootstrap_servers,
            "client.id": self.client_id,
            "security.protocol": self.security_protocol,
        }
        if self.sasl_mechanism:
            config["sasl.mechanism"] = self.sasl_mechanism
        if self.sasl_username:
            config["sasl.username"] = self.sasl_username
        if self.sasl_password:
            config["sasl.password"] = self.sasl_password.get_secret_value()
        return config


class SchemaRegistrySettings(BaseModel):
    """A Confluent Schema Registry or Karapace URL; empty means the embedded registry."""

    url: str = ""
    username: str | None = None
    password: SecretStr | None = None


class ApiSettings(BaseModel):
    """The HTTP API and dashboard."""

    host: str = "127.0.0.1"
    port: int = Field(default=8600, ge=1, le=65535)
    # /readyz fails while the processors' consumer group is more messages behind than this.
    max_processor_lag: int = Field(default=10_000, ge=0)
    # Department bearer tokens, the data-sharing agreements and license seals (hub.trust).
    # Without them the API answers anyone, so it listens beyond loopback only with insecure.
    trust: bool = False
    insecure: bool = False


class TopicSettings(BaseModel):
    """Production overrides of the topic registry (partitions per topic name, replication)."""

    partitions: dict[str, int] = Field(default_factory=dict)
    replication_factor: int | None = Field(default=None, ge=1)
    min_insync_replicas: int | None = Field(default=None, ge=1)


class HubSettings(BaseSettings):
    """All settings of one hub process."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
    )

    data_dir: Path = Path("var")
    database_url: str = ""
    kafka: KafkaSettings = KafkaSettings()
    schema_registry: SchemaRegistrySettings = SchemaRegistrySettings()
    api: ApiSettings = ApiSettings()
    topics: TopicSettings = TopicSettings()
    # Seal personal fields with per-person keys, so erasure reaches the log (hub.trust).
    encrypt_personal_data: bool = False

    @property
    def effective_database_url(self) -> str:
        """The configured database, or SQLite under ``data_dir`` on the embedded default."""
        return self.database_url or f"sqlite:///{self.data_dir / 'onewindow.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get(f"{ENV_PREFIX}CONFIG", DEFAULT_CONFIG_FILE))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file)
        return (init_settings, env_settings, toml)


def load_settings(**overrides: Any) -> HubSettings:
    """Read and validate the settings, or raise a SettingsError naming the bad one."""
    try:
        return HubSettings(**overrides)
    except pydantic.ValidationError as exc:
        raise SettingsError(_describe(exc)) from exc


def _describe(exc: pydantic.ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = ENV_PREFIX + "__".join(str(part) for part in error["loc"]).upper()
        problems.append(f"{name}: {error['msg']} (got {error.get('input')!r})")
    return "invalid settings: " + "; ".join(problems)
