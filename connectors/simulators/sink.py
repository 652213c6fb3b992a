"""What every simulator shares: a sink that plans answers on its desk, and a clerk sending them.

``write`` asks the simulator what each event it subscribed to calls for, and plans the
answers on the desk in one transaction, so ``flush`` has nothing left to make durable: a
redelivered event plans the same answers (same ids) and changes nothing. The clerk sends
them once the simulated clock reaches their time, through the simulator's channel.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import AwareDatetime, Field
from sqlalchemy import Connection

from connectors.base import Sink, SinkConfig
from connectors.simulators.clock import ScaledClock
from connectors.simulators.desk import Channel, Clerk, Desk, KafkaChannel
from hub.catalogue import Catalogue, load_catalogue
from hub.errors import ConnectorError
from hub.events import Event
from hub.publisher import Publisher
from hub.settings import load_settings
from hub.workdays import WorkCalendar, load_calendar


class SimulationConfig(SinkConfig):
    """The simulated clock, the seed, and the simulated system's own database."""

    seed: int = 7
    clock_start: AwareDatetime = Field(description="Simulated time at clock_origin")
    clock_origin: float = Field(description="Wall-clock seconds since the epoch at clock_start")
    day_seconds: float = Field(gt=0, description="Real seconds per simulated day")
    database_url: str = Field(min_length=1, description="The simulated system's own database")
    bootstrap_servers: str = Field(default="", description="Broker for a Kafka-capable system")
    data_dir: Path = Field(default=Path("var"), description="The hub's, for its schema registry")

    def clock(self) -> ScaledClock:
        """The simulated clock every simulator of one run shares."""
        return ScaledClock(self.clock_start, self.day_seconds, self.clock_origin)


C = TypeVar("C", bound=SimulationConfig)


class SimulatorSink(Sink[C], Generic[C]):
    """A simulated system answering the events it subscribed to, on the simulated clock."""

    def __init__(self) -> None:
        self.config: C | None = None
        self.catalogue: Catalogue = load_catalogue()
        self.calendar: WorkCalendar = load_calendar()
        self.desk: Desk | None = None
        self.clerk: Clerk | None = None
        self._publisher: Publisher | None = None

    def start(self, config: C) -> None:
        """Open the desk and start the clerk."""
        if self.desk is not None:
            return
        self.config, self.desk = config, Desk(config.database_url)
        self.clerk = Clerk(self.desk, self.channel(config, self.desk), config.clock(), self.name)
        self.clerk.start()

    @property
    @abstractmethod
    def name(self) -> str:
        """Who this simulator is, in logs and event sources."""

    def channel(self, config: C, desk: Desk) -> Channel:
        """How the answers reach the hub; a Kafka-capable system by default."""
        if not config.bootstrap_servers:
            raise ConnectorError(f"{self.name}: bootstrap_servers is needed to produce")
        broker = {"bootstrap_servers": config.bootstrap_servers}
        settings = load_settings(kafka=broker, data_dir=config.data_dir)
        self._publisher = Publisher.from_settings(settings)
        return KafkaChannel(self._publisher)

    def write(self, batch: Sequence[Event]) -> None:
        """Plan the answers ``batch`` calls for, in one transaction of the desk."""
        desk = self._started()
        with desk.engine.begin() as conn:
            for event in batch:
                desk.plan(conn, self.answer(conn, event))

    @abstractmethod
    def answer(self, conn: Connection, event: Event) -> list[Event]:
        """The answers ``event`` calls for (none if it is not for this simulator)."""

    def flush(self) -> None:
        """Nothing to do: ``write`` committed the plan."""

    def stop(self) -> None:
        """Stop the clerk and release the desk and the producer."""
        if self.clerk is not None:
            self.clerk.stop()
        if self._publisher is not None:
            self._publisher.close()
        if self.desk is not None:
            self.desk.engine.dispose()
        self.clerk, self.desk, self._publisher = None, None, None

    def _started(self) -> Desk:
        if self.desk is None:
            raise ConnectorError(f"{self.name}: write() before start()")
        return self.desk

    def _config(self) -> C:
        if self.config is None:
            raise ConnectorError(f"{self.name}: used before start()")
        return self.config
