"""The departments of the demo, each a simulator run by the connector SDK's runner.

Most departments produce to Kafka themselves; the tax bureau writes its outbox table,
relayed by the ``outbox`` connector; the bank can only drop files, read by one
``file-import`` connector per event type; the service centre handles the tasks of the
small departments that delegate to it. The applicants answer supplement requests and
commitments. Every runner runs in its own thread of the demo process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from connectors.running import build_runner
from connectors.simulators import ANSWER_TYPES
from connectors.simulators.clock import ScaledClock
from hub.db import create_engine_for
from hub.errors import HubError
from hub.outbox import create_outbox
from hub.registry import registry_from_settings
from hub.runtime import HubContext
from hub.settings import HubSettings
from hub.topics import Topic

logger = logging.getLogger(__name__)

#: Each simulated department and what sets it apart.
DEPARTMENTS: Mapping[str, Mapping[str, Any]] = {
    "MR": {},
    "PS": {},
    "TAX": {"channel": "outbox"},
    "BANK": {"channel": "files"},
    "HRSS": {},
    "HC": {},
    "NR": {},
    "EE": {},
    "FD": {},
    "EB": {},
    "SC": {"delegated": ["DRC", "HEALTH", "FIRE", "WATER"]},
}
TASK_TOPICS = [Topic.APPLICATIONS.value, Topic.SUPERVISION.value]
POLL_INTERVAL = 0.1
#: How long the runners may take to join their consumer groups.
JOIN_S = 30.0


class DepartmentsComponent:
    """Simulated departments (and the applicants), as connectors in threads."""

    name = "departments"

    def __init__(
        self,
        clock: ScaledClock,
        seed: int,
        folder: Path,
        departments: Mapping[str, Mapping[str, Any]] = DEPARTMENTS,
        applicants: bool = True,
    ) -> None:
        self.clock, self.seed, self.folder = clock, seed, folder
        self.departments, self.applicants = departments, applicants
        self._stop = threading.Event()
        self._ready = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []
        self.failures: list[str] = []

    def runners(self, settings: HubSettings) -> list[tuple[str, str, dict[str, Any]]]:
        """``(label, connector, config)`` of every runner."""
        found = []
        for code, extra in self.departments.items():
            common = self._common(code, settings)
            found.append((code, "simulated-department", self._department(code, extra, common)))
            found += self._carriers(code, extra.get("channel", "kafka"))
        if self.applicants:
            common = self._common("applicants", settings)
            found.append(("applicants", "simulated-applicants", self._applicants(common)))
        return found

    def start(self, context: HubContext) -> str:
        """Start every runner; returns once each holds its partitions (or after ``JOIN_S``)."""
        # Every schema registered once here: the runners' threads then only read the
        # embedded registry's file, never write it together.
        registry_from_settings(context.settings)
        self._prepare()
        for label, name, config in self.runners(context.settings):
            thread = threading.Thread(
                target=self._run, args=(label, name, config, context), name=label, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        self._wait_joined()
        if self.failures:
            raise HubError(f"simulated departments failed to start: {'; '.join(self.failures)}")
        carried = {code: extra.get("channel", "kafka") for code, extra in self.departments.items()}
        return f"{len(self._threads)} connectors under {self.folder}: departments {carried}"

    def _wait_joined(self) -> None:
        deadline = time.monotonic() + JOIN_S
        late = sum(
            not self._ready.acquire(timeout=max(0.0, deadline - time.monotonic()))
            for _ in self._threads
        )
        if late:
            logger.warning("%d runners had not joined their groups after %gs", late, JOIN_S)

    def _prepare(self) -> None:
        """Inboxes and outbox tables exist before any runner reads them."""
        for code, extra in self.departments.items():
            if extra.get("channel") == "files":
                for kind in ANSWER_TYPES:
                    (self.inbox(code) / kind).mkdir(parents=True, exist_ok=True)
            if extra.get("channel") == "outbox":
                engine = create_engine_for(self.desk(code))
                try:
                    create_outbox(engine)
                finally:
                    engine.dispose()

    def stop(self) -> None:
        """Stop every runner after its batch in hand (harmless if never started)."""
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def failed(self) -> list[str]:
        """The runners that stopped, each with why."""
        return list(self.failures)

    def desk(self, code: str) -> str:
        """The database of a department's own system (its desk, its outbox)."""
        return f"sqlite:///{self.folder / f'{code}.db'}"

    def inbox(self, code: str) -> Path:
        """Where a department that drops files drops them, one folder per event type."""
        return self.folder / f"{code}-drop"

    def _run(self, label: str, name: str, config: dict[str, Any], context: HubContext) -> None:
        try:
            with build_runner(name, config, context.settings) as runner:
                runner.start()
                while not (self._stop.is_set() or runner.caught_up()):
                    runner.step()  # a sink joins its group: nothing is in its topics yet
                self._ready.release()
                runner.run(self._stop)
        except (HubError, OSError) as exc:
            logger.error("%s stopped: %s", label, exc)
            self.failures.append(f"{label}: {exc}")
            self._ready.release()  # nobody waits for a runner that is gone

    def _carriers(self, code: str, channel: str) -> list[tuple[str, str, dict[str, Any]]]:
        """The connectors that carry a department's answers to the hub, if it does not."""
        if channel == "outbox":
            relay = {"database_url": self.desk(code), "poll_interval": POLL_INTERVAL}
            return [(f"{code}-outbox", "outbox", relay)]
        if channel == "files":
            kinds = ANSWER_TYPES
            return [(f"{code}-{kind}", "file-import", self._import(code, kind)) for kind in kinds]
        return []

    def _common(self, code: str, settings: HubSettings) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "clock_start": self.clock.start,
            "clock_origin": self.clock.origin,
            "day_seconds": self.clock.day_seconds,
            "database_url": self.desk(code),
            "bootstrap_servers": settings.kafka.bootstrap_servers,
            "data_dir": settings.data_dir,
            "group_id": f"simulator-{code}",
            "batch_size": 500,
        }

    def _department(
        self, code: str, extra: Mapping[str, Any], common: dict[str, Any]
    ) -> dict[str, Any]:
        inbox = {"inbox": self.inbox(code)} if extra.get("channel") == "files" else {}
        return {
            **common,
            **extra,
            **inbox,
            "department": code,
            "topics": TASK_TOPICS,
            "event_types": ["TaskDispatched", "SupplementProvided", "SupervisionRequested"],
        }

    def _applicants(self, common: dict[str, Any]) -> dict[str, Any]:
        return {
            **common,
            "topics": [Topic.APPLICATIONS.value],
            "event_types": ["SupplementRequested", "CommitmentMade"],
        }

    def _import(self, code: str, kind: str) -> dict[str, Any]:
        return {
            "inbox": self.inbox(code) / kind,
            "event_type": kind,
            "source": code,
            "poll_interval": POLL_INTERVAL,
        }
