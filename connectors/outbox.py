"""The ``outbox`` source: a department's transactional outbox table, relayed to the topics.

This is :class:`hub.outbox.Relay` run as a connector, so it is listed, configured and
tested like the others. The relay does the work: it reads unsent rows in ``seq`` order,
sends each event (or its dead letter) through the runner's producer, and marks a row
sent only once the broker confirmed it. So ``poll`` returns no events itself; what it
sent is confirmed by the runner in the same step. Config (TOML)::

    database_url = "postgresql://tax@db.tax.example.gov/tax"
    batch_size = 500
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field

from connectors.base import Source, SourceConfig, SourceContext
from hub.db import create_engine_for
from hub.errors import ConnectorError, DatabaseError, RetriableError
from hub.events import Event
from hub.outbox import Relay
from hub.outbox.relay import DEFAULT_BATCH


class OutboxConfig(SourceConfig):
    """The department database that holds the outbox table (``onewindow outbox init``)."""

    database_url: str
    batch_size: int = Field(default=DEFAULT_BATCH, ge=1)


class OutboxSource(Source[OutboxConfig]):
    """Relays a department database's outbox table to the hub, in order per aggregate."""

    config_model: ClassVar[type[OutboxConfig]] = OutboxConfig

    def __init__(self) -> None:
        self._relay: Relay | None = None

    def start(self, config: OutboxConfig, context: SourceContext) -> None:
        """Connect to the database; the relay sends through the runner's producer."""
        if self._relay is None:
            engine = create_engine_for(config.database_url)
            self._relay = Relay(engine, context.sender, context.serializer, config.batch_size)

    def poll(self) -> list[Event]:
        """Relay one batch of rows; the events go out from here, so none is returned."""
        if self._relay is None:
            raise ConnectorError("outbox: poll() before start()")
        try:
            stats = self._relay.relay_batch()
        except DatabaseError as exc:
            raise RetriableError(str(exc)) from exc
        if stats.unconfirmed:
            raise RetriableError(f"{stats.unconfirmed} outbox rows were not confirmed")
        return []

    def commit(self, events: Sequence[Event]) -> None:
        """Nothing to do: the relay marked the rows it sent once the broker confirmed them."""

    def stop(self) -> None:
        """Close the database pool."""
        if self._relay is not None:
            self._relay.engine.dispose()
            self._relay = None
