"""The department simulator passes the sink kit: it is a connector like any department's.

It answers through its outbox table here (nothing relays it), on a clock that never
begins, so the kit sees only what the sink received: the tasks it holds on its desk.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Collection
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from connectors.base import Sink
from connectors.simulators import DepartmentSimulator
from connectors.simulators.desk import Desk
from connectors.testing import SinkContract
from hub.events import Event
from hub.events.base import ItemCategory
from hub.events.tasks import TaskDispatched

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 1, tzinfo=UTC)


class TestDepartmentSimulatorContract(SinkContract):
    def make_connector(self, workdir: Path) -> tuple[Sink[Any], dict[str, Any]]:
        return DepartmentSimulator(), {
            "topics": ["replaced by the kit"],
            "department": "MR",
            "channel": "outbox",
            "database_url": f"sqlite:///{workdir / 'MR.db'}",
            "clock_start": START,
            "clock_origin": math.inf,
            "day_seconds": 1.0,
        }

    def make_events(self, count: int) -> list[Event]:
        run = uuid.uuid4().hex[:8]
        return [_task(f"K-{run}-{n}") for n in range(count)]

    def read_output(self, workdir: Path) -> Collection[str]:
        desk = Desk(f"sqlite:///{workdir / 'MR.db'}")
        try:
            with desk.engine.connect() as conn:
                return [row["event_id"] for row in conn.scalars(select(desk.received.c.event))]
        finally:
            desk.engine.dispose()


def _task(case_id: str) -> TaskDispatched:
    return TaskDispatched(
        source="onewindow/casework",
        occurred_at=START,
        case_id=case_id,
        task_id=f"{case_id}:MR-DJ-001",
        department="MR",
        item_code="MR-DJ-001",
        category=ItemCategory.ENCOURAGED,
        commitment_based=False,
        statutory_days=15,
        promised_days=3,
        statutory_due_date=date(2026, 3, 23),
        promised_due_date=date(2026, 3, 5),
    )
