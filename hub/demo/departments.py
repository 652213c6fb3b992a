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
from hub.runtime import HubContext
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
    """Every simulated department and the applicants, as connectors in threads."""

    name = "departments"

    def __init__(self, clock: ScaledClock, seed: int, folder: Path) -> None:
        self.clock, self.seed, self.folder = clock, seed, folder
        self._stop = threading.Event()
        self._ready = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []
        self.failures: list[str] = []

    def runners(self, bootstrap: str) -> list[tuple[str, str, dict[str, Any]]]:
        """``(label, connector, config)`` of every runner."""
        found = [
            (code, "simulated-department", self._department(code, extra, bootstrap))
            for code, extra in DEPARTMENTS.items()
        ]
        found.append(("applicants", "simulated-applicants", self._applicants(bootstrap)))
        relay = {"database_url": self._desk("TAX"), "poll_interval": POLL_INTERVAL}
        found.append(("TAX-outbox", "outbox", relay))
        found += [(f"BANK-{kind}", "file-import", self._inbox(kind)) for kind in ANSWER_TYPES]
        return found

    def start(self, context: HubContext) -> str:
        """Start every runner; returns once each holds its partitions (or after ``JOIN_S``)."""
        bootstrap = context.settings.kafka.bootstrap_servers
        self._prepare()
        for label, name, config in self.runners(bootstrap):
            thread = threading.Thread(
                target=self._run, args=(label, name, config, context), name=label, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        self._wait_joined()
        return (
            f"{len(DEPARTMENTS)} simulated departments, the applicants, the tax bureau's outbox "
            f"relay and {len(ANSWER_TYPES)} file imports of the bank under {self.folder}"
        )

    def _wait_joined(self) -> None:
        deadline = time.monotonic() + JOIN_S
        late = sum(
            not self._ready.acquire(timeout=max(0.0, deadline - time.monotonic()))
            for _ in self._threads
        )
        if late:
            logger.warning("%d runners had not joined their groups after %gs", late, JOIN_S)

    def _prepare(self) -> None:
        """The bank's inboxes and the tax bureau's outbox table exist before any runner."""
        for kind in ANSWER_TYPES:
            (self._files() / kind).mkdir(parents=True, exist_ok=True)
        engine = create_engine_for(self._desk("TAX"))
        try:
            create_outbox(engine)
        finally:
            engine.dispose()

    def stop(self) -> None:
        """Stop every runner after its batch in hand (harmless if never started)."""
        self._stop.set()
        for thread in self._threads:
            thread.join()

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

    def _common(self, code: str, bootstrap: str) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "clock_start": self.clock.start,
            "clock_origin": self.clock.origin,
            "day_seconds": self.clock.day_seconds,
            "database_url": self._desk(code),
            "bootstrap_servers": bootstrap,
            "group_id": f"simulator-{code}",
            "batch_size": 500,
        }

    def _department(self, code: str, extra: Mapping[str, Any], bootstrap: str) -> dict[str, Any]:
        inbox = {"inbox": self._files()} if extra.get("channel") == "files" else {}
        return {
            **self._common(code, bootstrap),
            **extra,
            **inbox,
            "department": code,
            "topics": TASK_TOPICS,
            "event_types": ["TaskDispatched", "SupplementProvided", "SupervisionRequested"],
        }

    def _applicants(self, bootstrap: str) -> dict[str, Any]:
        return {
            **self._common("applicants", bootstrap),
            "topics": [Topic.APPLICATIONS.value],
            "event_types": ["SupplementRequested", "CommitmentMade"],
        }

    def _inbox(self, kind: str) -> dict[str, Any]:
        return {
            "inbox": self._files() / kind,
            "event_type": kind,
            "source": "BANK",
            "poll_interval": POLL_INTERVAL,
        }

    def _desk(self, code: str) -> str:
        return f"sqlite:///{self.folder / f'{code}.db'}"

    def _files(self) -> Path:
        return self.folder / "BANK-drop"
