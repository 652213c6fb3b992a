"""A simulated department: it receives its tasks and inspections and answers them.

Subscribed to ``TaskDispatched``, ``SupplementProvided`` and ``SupervisionRequested``, it
answers the tasks of its own department (and, for the service centre, of the small
departments that delegate to it, recorded as ``TaskHandledOnBehalf``): acceptance, now and
then a supplement request (its decision waits for the applicant's supplement), approval
or rejection after some working days; and it records the inspection of each approval
pushed to it for supervision. Licenses are not its business: the hub issues them when a
case's last task is approved.

It names the department it plays in ``department``, like any department's sink: the
data-sharing agreements then hand it, for ``processing``, what is addressed to that
department (and, for the service centre, to those that delegate to it). Config (TOML)::

    topics = ["onewindow.applications", "onewindow.supervision"]
    event_types = ["TaskDispatched", "SupplementProvided", "SupervisionRequested"]
    department = "MR"
    channel = "kafka"                     # or "outbox", or "files" with inbox = "…"
    database_url = "sqlite:///var/demo/departments/MR.db"
    bootstrap_servers = "127.0.0.1:9092"
    clock_start = 2026-03-02T01:00:00Z
    clock_origin = 1790000000.0
    day_seconds = 1.0
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field
from sqlalchemy import Connection

from connectors.simulators.behaviour import Officer, answer_id
from connectors.simulators.desk import Channel, Desk, FileChannel, OutboxChannel
from connectors.simulators.sink import SimulationConfig, SimulatorSink
from hub.errors import ConnectorError
from hub.events import Event
from hub.events.supervision import SupervisionRequested
from hub.events.tasks import SupplementProvided, SupplementRequested, TaskDispatched
from hub.trust.agreements import PROCESSING
from projections.processors.base import local_day

#: The event types a department answers with, each a file-import inbox when it drops files.
ANSWER_TYPES = ("TaskAccepted", "SupplementRequested", "TaskApproved", "TaskRejected")


class DepartmentConfig(SimulationConfig):
    """Which department, which small departments it works for, and how it answers."""

    department: str = Field(pattern=r"^[A-Z]{2,6}$", description="The department it plays")
    purpose: str = Field(default=PROCESSING, description="It processes the tasks it receives.")
    delegated: list[str] = Field(default_factory=list, description="Handled on their behalf")
    channel: Literal["kafka", "outbox", "files"] = "kafka"
    inbox: Path | None = Field(default=None, description="Where files drop (channel 'files')")


class DepartmentSimulator(SimulatorSink[DepartmentConfig]):
    """Simulates a department answering its tasks and inspections with seeded delays."""

    config_model: ClassVar[type[DepartmentConfig]] = DepartmentConfig

    @property
    def name(self) -> str:
        """The department's code."""
        return self.config.department if self.config else "department"

    def channel(self, config: DepartmentConfig, desk: Desk) -> Channel:
        """Kafka, the department's outbox table, or files in its inbox."""
        if config.channel == "outbox":
            return OutboxChannel(desk)
        if config.channel == "files":
            if config.inbox is None:
                raise ConnectorError(f"{config.department}: channel 'files' needs an inbox")
            return FileChannel(config.inbox, ANSWER_TYPES)
        return super().channel(config, desk)

    def officer(self, department: str) -> Officer:
        """Who answers tasks of ``department``: its own officers or the delegate's."""
        config = self._config()
        behalf = department != config.department
        return Officer(config.department, config.seed, self.catalogue, self.calendar, behalf)

    def answer(self, conn: Connection, event: Event) -> list[Event]:
        """Answer a task or a supervision request of ours, or a supplement for our task."""
        config, desk = self._config(), self._started()
        mine = {config.department, *config.delegated}
        if isinstance(event, TaskDispatched) and event.department in mine:
            desk.keep(conn, event.task_id, event)
            return self.officer(event.department).receive(event)
        if isinstance(event, SupervisionRequested) and event.department in mine:
            return [self.officer(event.department).inspect(event)]
        if isinstance(event, SupplementProvided):
            return self._resume(conn, desk, event)
        return []

    def _resume(self, conn: Connection, desk: Desk, supplied: SupplementProvided) -> list[Event]:
        """The decision of our task waiting for this supplement; nothing for other tasks."""
        task = desk.kept(conn, supplied.task_id, "TaskDispatched")
        if not isinstance(task, TaskDispatched):
            return []
        officer = self.officer(task.department)
        request_id = answer_id(officer.department, task.event_id, "SupplementRequested")
        requested = desk.planned(conn, request_id)
        if not isinstance(requested, SupplementRequested):
            return []
        paused = self.calendar.working_days_between(
            local_day(requested.occurred_at), local_day(supplied.occurred_at)
        )
        return [officer.resume(task, supplied, paused)]
