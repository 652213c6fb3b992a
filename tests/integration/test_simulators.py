"""The department simulators answer their tasks through real connectors on a real broker.

Three departments on a broker of their own (so no other test's tasks are theirs), each
receiving what the agreements address to it: one producing to Kafka, one writing its
outbox table (relayed by the ``outbox`` connector), one dropping files (read by
``file-import``). Each gets tasks, one twice, and answers each exactly once: accepted,
then decided or asked for a supplement.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.simulators import ApplicantSimulator, ScaledClock
from connectors.testing.support import read_back, registry
from hub.archive import ArchiveStore
from hub.db import create_engine_for
from hub.demo.departments import DepartmentsComponent
from hub.events import Event
from hub.events.base import IdentifierType, ItemCategory
from hub.events.commitments import CommitmentKind, CommitmentMade
from hub.events.materials import MaterialRegistered
from hub.events.supervision import InspectionRecorded, SupervisionRequested
from hub.events.tasks import (
    SupplementProvided,
    SupplementRequested,
    TaskAccepted,
    TaskDispatched,
    TaskEvent,
)
from hub.outbox import outbox
from hub.publisher import Publisher
from hub.runtime import HubContext
from hub.serde import Deserializer, Serializer
from hub.settings import load_settings
from hub.testing.processes import own_broker
from hub.topics import Topic
from projections.processors.base import CHINA

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 1, tzinfo=UTC)  # a Monday, 09:00 in China
ITEMS = ("MR-DJ-001", "PS-BA-001", "TAX-DJ-001", "HRSS-DJ-001", "FD-XK-001", "EE-BA-001")
DECISIONS = {"TaskApproved", "TaskRejected", "SupplementRequested"}
WAIT_S = 60.0


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    """A broker of this test alone: the session's one holds other tests' tasks of these."""
    with own_broker() as bootstrap:
        yield bootstrap


@pytest.fixture
def departments(kafka_bootstrap: str, tmp_path: Path) -> Iterator[DepartmentsComponent]:
    """Three departments, one per channel, on a clock where a day passes in 50 ms."""
    codes = {"kafka": "PS", "outbox": "TAX", "files": "BANK"}
    clock = ScaledClock(START, day_seconds=0.05)
    component = DepartmentsComponent(
        clock,
        seed=3,
        folder=tmp_path,
        departments={code: {"channel": channel} for channel, code in codes.items()},
        applicants=False,
    )
    settings = load_settings(data_dir=tmp_path, kafka={"bootstrap_servers": kafka_bootstrap})
    component.start(HubContext(settings, ArchiveStore(create_engine_for("sqlite://"))))
    yield component
    component.stop()
    assert component.failures == []


def _task(department: str, item: str, n: int) -> TaskDispatched:
    case_id = f"SIM-{department}-{n}"
    return TaskDispatched(
        source="onewindow/casework",
        occurred_at=START,
        case_id=case_id,
        task_id=f"{case_id}:{item}",
        department=department,
        item_code=item,
        category=ItemCategory.ENCOURAGED,
        commitment_based=False,
        statutory_days=5,
        promised_days=2,
        statutory_due_date=date(2026, 3, 9),
        promised_due_date=date(2026, 3, 4),
    )


def _supervision(department: str) -> SupervisionRequested:
    return SupervisionRequested(
        source="onewindow/casework",
        occurred_at=START,
        license_id=f"SIM-{department}-0:EE-BA-001",
        supervision_id=f"SIM-{department}-0:EE-BA-001:supervision",
        department=department,
        case_id=f"SIM-{department}-0",
        holder_id_type=IdentifierType.USCC,
        holder_id_number="91350200776049653A",
        holder_name="鑫源0号贸易有限公司",
        commitment_based=True,
        due_date=date(2026, 3, 16),
    )


def _answers(bootstrap: str, keys: set[str]) -> list[Event]:
    """Every message keyed by ``keys`` that is not one of this test's own, decoded."""
    deserializer = Deserializer(registry())
    found = []
    for topic in (Topic.APPLICATIONS, Topic.SUPERVISION):
        for message in read_back(bootstrap, topic, keys):
            assert message.value is not None
            found.append(deserializer.decode(message.value).to_event())
    return [event for event in found if event.source != "onewindow/casework"]


def _decided(answers: list[Event]) -> list[str]:
    return [e.task_id for e in answers if isinstance(e, TaskEvent) and e.event_name in DECISIONS]


def _wait_for_answers(
    bootstrap: str, tasks: list[TaskDispatched], keys: set[str], inspected: bool
) -> list[Event]:
    deadline = time.monotonic() + WAIT_S
    while True:
        answers = _answers(bootstrap, keys)
        done = set(_decided(answers)) >= {t.task_id for t in tasks}
        if done and (not inspected or any(isinstance(e, InspectionRecorded) for e in answers)):
            return answers
        assert time.monotonic() < deadline, f"so far: {Counter(e.event_name for e in answers)}"
        time.sleep(0.5)


def test_each_channel_answers_every_task_once(
    departments: DepartmentsComponent, kafka_bootstrap: str
) -> None:
    codes = list(departments.departments)
    tasks = [_task(code, item, n) for code in codes for n, item in enumerate(ITEMS)]
    inspection = _supervision(codes[0])
    with Publisher(kafka_bootstrap, Serializer(registry())) as publisher:
        publisher.publish_many([*tasks, tasks[0], inspection]).wait()  # the first one twice
    keys = {task.case_id for task in tasks} | {inspection.license_id}
    answers = _wait_for_answers(kafka_bootstrap, tasks, keys, inspected=True)

    accepted = [e for e in answers if isinstance(e, TaskAccepted)]
    assert Counter(e.task_id for e in accepted) == Counter(t.task_id for t in tasks), "once each"
    assert set(Counter(_decided(answers)).values()) == {1}, "each task decided (or paused) once"
    kafka, outboxed, files = codes
    sources = {e.source for e in accepted}
    assert sources == {f"sim/{kafka}", f"sim/{outboxed}", files}, "file-import names the department"
    inspections = [e for e in answers if isinstance(e, InspectionRecorded)]
    assert [e.department for e in inspections] == [kafka]


def test_answers_went_through_the_outbox_and_the_file_drop(
    departments: DepartmentsComponent, kafka_bootstrap: str
) -> None:
    _, outboxed, files = list(departments.departments)
    tasks = [_task(code, "TAX-DJ-001", 7) for code in (outboxed, files)]
    with Publisher(kafka_bootstrap, Serializer(registry())) as publisher:
        publisher.publish_many(tasks).wait()
    _wait_for_answers(kafka_bootstrap, tasks, {task.case_id for task in tasks}, inspected=False)

    engine = create_engine_for(departments.desk(outboxed))
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.c.aggregateid, outbox.c.sent_at)).all()
    engine.dispose()
    assert rows, "the department wrote its answers into its outbox table"
    assert all(sent is not None for _, sent in rows), "every outbox row was relayed"
    done = list((departments.inbox(files) / "TaskAccepted" / "done").glob("*.jsonl"))
    assert done, "the accepted answer was imported from a dropped file"


def test_applicants_supply_what_is_asked_and_keep_or_break_their_promises(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    applicants = ApplicantSimulator()
    config = applicants.config_model.model_validate(
        {
            "topics": [Topic.APPLICATIONS.value],
            "clock_start": START,
            "clock_origin": math.inf,  # never begins: the answers stay planned on the desk
            "day_seconds": 1.0,
            "database_url": f"sqlite:///{tmp_path / 'applicants.db'}",
            "bootstrap_servers": kafka_bootstrap,
            "breach_share": 0.5,
        }
    )
    requests = [_request(n) for n in range(4)]
    promises = [_promise(n) for n in range(20)]
    applicants.start(config)
    try:
        applicants.write([*requests, *promises, requests[0]])
        assert applicants.desk is not None
        with applicants.desk.engine.connect() as conn:
            planned = applicants.desk.due(conn, START + timedelta(days=365))
    finally:
        applicants.stop()
    supplied = [e for e in planned if isinstance(e, SupplementProvided)]
    assert sorted(e.task_id for e in supplied) == sorted(r.task_id for r in requests)
    assert all(e.occurred_at > START for e in supplied)
    kept = [e for e in planned if isinstance(e, MaterialRegistered)]
    assert 0 < len(kept) < len(promises), "some promises are kept, some broken"
    due = datetime(2026, 3, 16, tzinfo=CHINA)
    assert all(START < e.occurred_at < due for e in kept), "kept before the due date"


def _request(n: int) -> SupplementRequested:
    return SupplementRequested(
        source="sim/MR",
        occurred_at=START,
        case_id=f"APP-{n}",
        task_id=f"APP-{n}:MR-DJ-001",
        department="MR",
        material_codes=("LEASE_CONTRACT",),
        reason="材料不清晰",
    )


def _promise(n: int) -> CommitmentMade:
    return CommitmentMade(
        source="onewindow/casework",
        occurred_at=START,
        case_id=f"PROMISE-{n}",
        commitment_id=f"PROMISE-{n}:POWER_OF_ATTORNEY",
        holder_id_type=IdentifierType.USCC,
        holder_id_number="91350200776049653A",
        holder_name="鑫源0号贸易有限公司",
        kind=CommitmentKind.MISSING_MATERIAL,
        material_code="POWER_OF_ATTORNEY",
        statement="承诺十个工作日内补交",
        due_date=date(2026, 3, 16),
    )
