"""The pure policies of the read models, applied to in-memory rows, and the registry."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from hub.events import EVENT_MODELS
from hub.events.base import IdentifierType, ItemCategory, MaterialRef, TrustGrade
from hub.events.cases import CaseCompleted, CaseOutcome
from hub.events.licenses import LicenseIssued, LicenseSuspended
from hub.events.materials import MaterialRegistered, MaterialReused
from hub.events.tasks import (
    SupplementProvided,
    SupplementRequested,
    TaskDispatched,
    TaskResumed,
    TaskSuspended,
)
from projections import cases, licenses, materials, tasks
from projections.engine import ApplyResult
from projections.model import Row, local_day, new_row, row_template
from projections.registry import IGNORED_EVENTS, PROJECTIONS
from projections.tables import cases as cases_table
from projections.tables import licenses as licenses_table
from projections.tables import materials as materials_table
from projections.tables import tasks as tasks_table

HASH = "0f" * 32
IDS = {"source": "test", "case_id": "C-1", "task_id": "C-1-T1"}


def _on(day: int, hour: int = 2) -> datetime:
    """A moment on March ``day`` 2026 (UTC; 10:00 in Beijing at the default hour)."""
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def _task() -> Row:
    return new_row(row_template(tasks_table), ("task_id",), "C-1-T1")


def _dispatched(day: int = 2) -> TaskDispatched:
    return TaskDispatched(
        **IDS,
        occurred_at=_on(day),
        department="TAX",
        item_code="TAX-DJ-001",
        category=ItemCategory.ENCOURAGED,
        commitment_based=False,
        statutory_days=5,
        promised_days=3,
        statutory_due_date=date(2026, 3, 9),
        promised_due_date=date(2026, 3, 5),
        reused_material_codes=("ID_CARD_COPY",),
    )


def test_every_event_type_is_read_or_deliberately_ignored() -> None:
    handled = set().union(*(projection.handles() for projection in PROJECTIONS.values()))
    assert set(EVENT_MODELS) - handled == IGNORED_EVENTS
    assert not handled & IGNORED_EVENTS


def test_fresh_rows_have_zero_counters_false_flags_and_empty_lists() -> None:
    row = _task()
    assert (row["task_id"], row["paused_working_days"], row["overdue"]) == ("C-1-T1", 0, False)
    assert row["reused_material_codes"] == ()
    assert row["status"] is None


def test_local_day_is_the_beijing_date() -> None:
    assert local_day(datetime(2026, 3, 2, 15, 59, tzinfo=UTC)) == date(2026, 3, 2)
    assert local_day(datetime(2026, 3, 2, 16, 0, tzinfo=UTC)) == date(2026, 3, 3)
    assert local_day(datetime(2026, 3, 2, 16, 0)) == date(2026, 3, 3)  # naive means UTC


def test_supplement_pause_counts_working_days_on_the_calendar() -> None:
    task = _task()
    tasks.dispatched(task, _dispatched())
    tasks.supplement_requested(
        task,
        SupplementRequested(
            **IDS, occurred_at=_on(6), department="TAX", material_codes=("X",), reason="r"
        ),
    )
    assert (task["status"], task["paused_since"]) == ("awaiting_supplement", date(2026, 3, 6))

    # Friday to Tuesday: Monday and Tuesday are paused, the weekend never counted.
    tasks.supplement_provided(task, SupplementProvided(**IDS, occurred_at=_on(10), materials=()))

    assert (task["status"], task["paused_since"], task["paused_working_days"]) == (
        "accepted",
        None,
        2,
    )


def test_resume_after_a_supplement_moves_the_dates_without_counting_twice() -> None:
    task = _task()
    tasks.dispatched(task, _dispatched())
    tasks.suspended(task, TaskSuspended(**IDS, occurred_at=_on(3), reason="专家评审"))
    resume = {"statutory_due_date": date(2026, 3, 12), "promised_due_date": date(2026, 3, 10)}

    tasks.resumed(task, TaskResumed(**IDS, occurred_at=_on(5), paused_working_days=3, **resume))
    tasks.resumed(task, TaskResumed(**IDS, occurred_at=_on(6), paused_working_days=3, **resume))

    assert task["paused_working_days"] == 3
    assert (task["statutory_due_date"], task["promised_due_date"]) == (
        date(2026, 3, 12),
        date(2026, 3, 10),
    )


def test_case_counts_tasks_and_saved_submissions_and_keeps_its_final_status() -> None:
    case = new_row(row_template(cases_table), ("case_id",), "C-1")
    cases.task_dispatched(case, _dispatched())
    cases.completed(
        case,
        CaseCompleted(
            source="t",
            case_id="C-1",
            outcome=CaseOutcome.APPROVED,
            approved_task_ids=("C-1-T1",),
            working_days=2,
        ),
    )
    cases.task_dispatched(case, _dispatched(day=4))  # a late dispatch does not reopen it

    assert (case["status"], case["tasks_total"], case["submissions_saved"]) == ("completed", 2, 2)


def _issued(**changes: object) -> LicenseIssued:
    values: dict[str, object] = {
        "source": "MR",
        "license_id": "L-2",
        "license_type": "BUSINESS_LICENSE",
        "license_name": "营业执照",
        "holder_id_type": IdentifierType.USCC,
        "holder_id_number": "91350200776049653A",
        "holder_name": "鑫源",
        "issuer": "MR",
        "valid_from": date(2026, 3, 4),
        "version": 2,
        "predecessor_id": "L-1",
        "case_id": "C-1",
    }
    return LicenseIssued.model_validate({**values, **changes})


def test_license_history_snapshot_is_plain_json_of_the_state_after() -> None:
    row = new_row(row_template(licenses_table), ("license_id",), "L-2")
    licenses.version(row, _issued())
    suspension = LicenseSuspended(
        source="MR", license_id="L-2", authority="MR", reason="r", until=date(2026, 6, 1)
    )
    licenses.suspended(row, suspension)

    entry = licenses.history(suspension, row)

    assert (entry["status_after"], entry["version"]) == ("suspended", 2)
    assert json.loads(json.dumps(entry["snapshot"]))["suspended_until"] == "2026-06-01"
    assert entry["snapshot"]["valid_from"] == "2026-03-04"


def test_version_links_to_a_predecessor_only_when_it_is_another_row() -> None:
    assert licenses.predecessor_of(_issued()) == "L-1"
    assert licenses.predecessor_of(_issued(predecessor_id="L-2")) is None
    assert licenses.predecessor_of(_issued(predecessor_id=None)) is None


def test_material_row_is_keyed_by_plain_strings_and_counts_reuse() -> None:
    holder = {"holder_id_type": IdentifierType.USCC, "holder_id_number": "91350200776049653A"}
    material = MaterialRef(code="ID_CARD_COPY", name="身份证", content_hash=HASH, trust_grade="A")
    registered = MaterialRegistered(source="MR", **holder, material=material)
    reused = MaterialReused(
        source="TAX",
        **holder,
        material_code="ID_CARD_COPY",
        content_hash=HASH,
        trust_grade=TrustGrade.A,
        case_id="C-2",
        department="TAX",
    )
    key = materials.registered_key(registered)
    assert key == materials.reused_key(reused) == ("USCC", "91350200776049653A", "ID_CARD_COPY")
    assert type(key[0]) is str

    row = new_row(
        row_template(materials_table), ("holder_id_type", "holder_id_number", "material_code"), key
    )
    materials.reused(row, reused)
    materials.registered(row, registered)

    assert (row["times_reused"], row["trust_grade"], row["source"]) == (1, "A", "MR")


def test_apply_results_add_up() -> None:
    assert ApplyResult(1, 2, 3, 4) + ApplyResult(10, 20, 30, 40) == ApplyResult(11, 22, 33, 44)
