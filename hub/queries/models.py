"""What a query answers: the JSON shapes the API publishes and the CLI prints.

Every identity of a person or company appears as a :class:`Subject` (``id_type``,
``id_number``, ``name``), and nowhere else, so the one disclosure step of the API can find
and mask them all (see :mod:`hub.api.disclosure`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class View(BaseModel):
    """Base of the answers: frozen values."""

    model_config = ConfigDict(frozen=True)


class Subject(View):
    """Whose data this is: an applicant, a license holder, the subject of an access."""

    id_type: str = Field(description="USCC (credit code) or RESIDENT_ID (identity number)")
    id_number: str = Field(description="Masked unless the caller's department is granted it")
    name: str | None = None


class Page(View, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next one."""

    items: list[T]
    limit: int
    next_cursor: str | None = Field(description="None on the last page")


class TaskView(View):
    """One department's task within a case, with its working-day clock."""

    task_id: str
    case_id: str | None
    department: str | None
    department_name: str | None
    item_code: str | None
    item_name: str | None
    category: str | None
    commitment_based: bool
    status: str | None
    officer: str | None
    dispatched_on: date | None
    accepted_on: date | None
    decided_on: date | None
    statutory_due_date: date | None
    promised_due_date: date | None
    working_days_used: int | None
    paused_since: date | None
    pause_reason: str | None
    warned: bool
    overdue: bool
    on_behalf_actor: str | None
    reused_material_codes: list[str]
    rejection_reason: str | None


class TimelineEntry(View):
    """One step of a case: the day (China time), the department and what happened."""

    day: date
    department: str | None
    event: str
    detail: str | None = None


class CaseSummary(View):
    """A case as a list shows it."""

    case_id: str
    applicant: Subject
    bundle_code: str | None
    item_codes: list[str]
    status: str | None
    outcome: str | None
    submitted_at: datetime | None
    completed_at: datetime | None
    working_days: int | None
    tasks_total: int
    tasks_approved: int
    tasks_rejected: int
    submissions_saved: int
    rating_score: int | None
    overdue: bool = Field(description="Some task of the case passed a time limit")


class CaseDetail(CaseSummary):
    """A case with its tasks and its department timeline."""

    channel: str | None
    window: str | None
    project_code: str | None
    stage: str | None
    license_ids: list[str]
    materials_submitted: int
    commitments_signed: int
    rejection_reason: str | None
    withdrawal_reason: str | None
    rating_comment: str | None
    tasks: list[TaskView]
    timeline: list[TimelineEntry]


class LicenseView(View):
    """The current state of one license version in the electronic license store."""

    license_id: str
    holder: Subject
    license_type: str | None
    license_name: str | None
    issuer: str | None
    valid_from: date | None
    valid_until: date | None
    version: int | None
    predecessor_id: str | None
    superseded_by: str | None
    status: str | None
    status_authority: str | None
    status_reason: str | None
    suspended_until: date | None
    case_id: str | None
    issued_at: datetime | None
    face_fields: dict[str, str] = Field(description="Withheld for persons unless granted")


class LicenseHistoryEntry(View):
    """The license as it stood after one of its events."""

    event_id: str
    event_name: str
    occurred_at: datetime
    status_after: str | None
    version: int | None
    holder: Subject
    face_fields: dict[str, str] = Field(description="Withheld for persons unless granted")
    snapshot: dict[str, Any] = Field(description="The other fields after the event")


class SignatureCheck(View):
    """The result of checking the license's seal; not performed until signing lands."""

    checked: bool
    valid: bool | None
    detail: str
    holder_erased: bool = Field(
        default=False,
        description="The holder was erased: the seal is checked over the fields naming no one",
    )


class Verification(View):
    """What anyone holding a license number may learn: is it real and valid today."""

    license_id: str
    well_formed: bool
    problem: str | None = Field(description="Why the number is malformed or not valid")
    found: bool
    status: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    valid_today: bool = False
    superseded_by: str | None = None
    license_name: str | None = None
    issuer: str | None = None
    signature: SignatureCheck


class AccessEntry(View):
    """One recorded look at a subject's data: who, from which department, and why."""

    event_id: str
    subject: Subject
    accessor: str
    department: str
    purpose: str
    resource: str
    case_id: str | None
    accessed_at: datetime


class GroupStats(View):
    """Throughput and quality of one department or one item."""

    code: str
    name: str | None
    cases: int
    tasks: int
    decided: int
    on_time_share: float | None = Field(description="Decided tasks never overdue, 0..1")
    median_working_days: float | None
    submissions_saved: int
    licenses_issued: int
    rating_average: float | None


class DayCount(View):
    """Tasks decided on one day (China time)."""

    day: date
    decided: int


class Statistics(View):
    """Per-department and per-item statistics as of ``computed_at``."""

    computed_at: datetime
    departments: list[GroupStats]
    items: list[GroupStats]
    daily: list[DayCount]
