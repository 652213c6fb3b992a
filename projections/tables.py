"""The SQL read models: one SQLAlchemy Core table per thing a data officer looks up.

Portable across SQLite and PostgreSQL: strings, integers, booleans, dates, UTC timestamps
and JSON only. Every table can be dropped and rebuilt from the events; ``processed_events``
holds the tracking records that make each projection idempotent. Statuses are the
lowercase values of the enums below, enforced by CHECK constraints.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

metadata = MetaData()


class CaseStatus(StrEnum):
    """Where a case stands in the one window."""

    SUBMITTED = "submitted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class TaskStatus(StrEnum):
    """Where one department's task stands."""

    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    SUSPENDED = "suspended"
    APPROVED = "approved"
    REJECTED = "rejected"


class LicenseStatus(StrEnum):
    """Status of a license in the electronic license store."""

    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class CommitmentStatus(StrEnum):
    """Whether a commitment (容缺/告知承诺) is still open, kept or broken."""

    OPEN = "open"
    FULFILLED = "fulfilled"
    BREACHED = "breached"


class SupervisionStatus(StrEnum):
    """Where a post-approval supervision task stands."""

    OPEN = "open"
    RECTIFYING = "rectifying"
    CLOSED = "closed"


def _one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IS NULL OR {column} IN ({allowed})", name=f"{column}_known")


def _holder(prefix: str, primary_key: bool = False) -> list[Column[str]]:
    return [
        Column(f"{prefix}_id_type", String, primary_key=primary_key),
        Column(f"{prefix}_id_number", String, primary_key=primary_key),
    ]


def _stamp() -> Column[datetime]:
    return Column("updated_at", DateTime(timezone=True))


cases = Table(
    "cases",
    metadata,
    Column("case_id", String, primary_key=True),
    *_holder("applicant"),
    Column("applicant_name", String),
    Column("bundle_code", String),
    Column("item_codes", JSON, nullable=False),
    Column("channel", String),
    Column("window", String),
    Column("project_code", String),
    Column("stage", String),
    Column("status", String),
    Column("outcome", String),
    Column("submitted_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    Column("withdrawn_at", DateTime(timezone=True)),
    Column("withdrawal_reason", String),
    Column("working_days", Integer),
    Column("tasks_total", Integer, nullable=False),
    Column("tasks_approved", Integer, nullable=False),
    Column("tasks_rejected", Integer, nullable=False),
    Column("license_ids", JSON, nullable=False),
    Column("materials_submitted", Integer, nullable=False),
    Column("submissions_saved", Integer, nullable=False),
    Column("commitments_signed", Integer, nullable=False),
    Column("rating_score", Integer),
    Column("rating_comment", String),
    Column("rejection_reason", String),
    Column("rejection_detail", String),
    _stamp(),
    _one_of("status", CaseStatus),
    CheckConstraint("rating_score IS NULL OR rating_score BETWEEN 1 AND 5", name="rating_1_5"),
    Index("ix_cases_applicant", "applicant_id_type", "applicant_id_number"),
    Index("ix_cases_status", "status"),
)

tasks = Table(
    "tasks",
    metadata,
    Column("task_id", String, primary_key=True),
    Column("case_id", String),
    Column("department", String),
    Column("item_code", String),
    Column("category", String),
    Column("commitment_based", Boolean, nullable=False),
    Column("status", String),
    Column("officer", String),
    Column("dispatched_on", Date),
    Column("accepted_on", Date),
    Column("decided_on", Date),
    Column("statutory_days", Integer),
    Column("promised_days", Integer),
    Column("statutory_due_date", Date),
    Column("promised_due_date", Date),
    Column("working_days_used", Integer),
    Column("paused_since", Date),
    Column("paused_working_days", Integer, nullable=False),
    Column("pause_reason", String),
    Column("warned", Boolean, nullable=False),
    Column("overdue", Boolean, nullable=False),
    Column("on_behalf_actor", String),
    Column("on_behalf_organisation", String),
    Column("on_behalf_action", String),
    Column("reused_material_codes", JSON, nullable=False),
    Column("rejection_reason", String),
    _stamp(),
    _one_of("status", TaskStatus),
    Index("ix_tasks_case", "case_id"),
    Index("ix_tasks_status", "status"),
    Index("ix_tasks_department_status", "department", "status"),
    Index("ix_tasks_overdue", "overdue", "department"),
)
# The dashboard's attention list: the first tasks of each (overdue, warned, status), latest
# due first, read in index order without a sort; its counts read the index, not the table.
Index(
    "ix_tasks_attention",
    tasks.c.overdue,
    tasks.c.warned,
    tasks.c.status,
    tasks.c.promised_due_date.desc(),
    tasks.c.task_id,
)

deadline_alerts = Table(
    "deadline_alerts",
    metadata,
    Column("event_id", String, primary_key=True),
    Column("case_id", String, nullable=False),
    Column("task_id", String, nullable=False),
    Column("department", String, nullable=False),
    Column("clock", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("working_days", Integer, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("kind IN ('warning', 'overdue')", name="alert_kind_known"),
    Index("ix_deadline_alerts_task", "task_id"),
    Index("ix_deadline_alerts_department", "department", "kind"),
)

licenses = Table(
    "licenses",
    metadata,
    Column("license_id", String, primary_key=True),
    *_holder("holder"),
    Column("holder_name", String),
    Column("license_type", String),
    Column("license_name", String),
    Column("issuer", String),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("face_fields", JSON),
    Column("version", Integer),
    Column("predecessor_id", String),
    Column("superseded_by", String),
    Column("status", String),
    Column("status_authority", String),
    Column("status_reason", String),
    Column("suspended_until", Date),
    Column("case_id", String),
    Column("issued_at", DateTime(timezone=True)),
    _stamp(),
    _one_of("status", LicenseStatus),
    CheckConstraint("version IS NULL OR version >= 1", name="version_positive"),
    Index("ix_licenses_holder", "holder_id_type", "holder_id_number"),
    Index("ix_licenses_case", "case_id"),
)

license_history = Table(
    "license_history",
    metadata,
    Column("event_id", String, primary_key=True),
    Column("license_id", String, nullable=False),
    Column("event_name", String, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("status_after", String),
    Column("version", Integer),
    Column("snapshot", JSON, nullable=False),
    Index("ix_license_history_license", "license_id", "occurred_at"),
)

materials = Table(
    "materials",
    metadata,
    *_holder("holder", primary_key=True),
    Column("material_code", String, primary_key=True),
    Column("name", String),
    Column("content_hash", String),
    Column("trust_grade", String),
    Column("issuer", String),
    Column("source", String),
    Column("valid_until", Date),
    Column("case_id", String),
    Column("registered_at", DateTime(timezone=True)),
    Column("times_reused", Integer, nullable=False),
    Column("last_reused_by", String),
    Column("last_reused_at", DateTime(timezone=True)),
)

commitments = Table(
    "commitments",
    metadata,
    Column("commitment_id", String, primary_key=True),
    Column("case_id", String),
    *_holder("holder"),
    Column("holder_name", String),
    Column("kind", String),
    Column("material_code", String),
    Column("statement", String),
    Column("due_date", Date),
    Column("status", String),
    Column("made_at", DateTime(timezone=True)),
    Column("fulfilled_at", DateTime(timezone=True)),
    Column("content_hash", String),
    Column("breached_at", DateTime(timezone=True)),
    Column("breach_reason", String),
    _one_of("status", CommitmentStatus),
    Index("ix_commitments_case", "case_id"),
    Index("ix_commitments_status_due", "status", "due_date"),
    Index("ix_commitments_holder", "holder_id_type", "holder_id_number"),
)

supervision_tasks = Table(
    "supervision_tasks",
    metadata,
    Column("supervision_id", String, primary_key=True),
    Column("license_id", String),
    Column("case_id", String),
    Column("department", String),
    *_holder("holder"),
    Column("holder_name", String),
    Column("commitment_based", Boolean, nullable=False),
    Column("due_date", Date),
    Column("status", String),
    Column("inspection_result", String),
    Column("inspector", String),
    Column("findings", String),
    Column("rectify_by", Date),
    Column("inspections", Integer, nullable=False),
    Column("requested_at", DateTime(timezone=True)),
    Column("inspected_at", DateTime(timezone=True)),
    _one_of("status", SupervisionStatus),
    Index("ix_supervision_license", "license_id"),
    Index("ix_supervision_department_status", "department", "status"),
)

credit_records = Table(
    "credit_records",
    metadata,
    Column("event_id", String, primary_key=True),
    *_holder("subject"),
    Column("subject_name", String, nullable=False),
    Column("effect", String, nullable=False),
    Column("cause", String, nullable=False),
    Column("reason", String, nullable=False),
    Column("valid_until", Date),
    Column("case_id", String),
    Column("license_id", String),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_credit_subject", "subject_id_type", "subject_id_number"),
)

access_log = Table(
    "access_log",
    metadata,
    Column("event_id", String, primary_key=True),
    *_holder("subject"),
    Column("accessor", String, nullable=False),
    Column("department", String, nullable=False),
    Column("purpose", String, nullable=False),
    Column("resource", String, nullable=False),
    Column("case_id", String),
    Column("accessed_at", DateTime(timezone=True), nullable=False),
    Index("ix_access_subject", "subject_id_type", "subject_id_number", "accessed_at"),
    Index("ix_access_department", "department"),
)

# Keyed by event id first: a batch asks for its ids once, whatever the projections, and
# with time-ordered ids (hub.ids) new records go to the end of the key. Without a rowid
# SQLite keeps the rows in that key's B-tree alone instead of a table and an index.
processed_events = Table(
    "processed_events",
    metadata,
    Column("projection", String, nullable=False),
    Column("event_id", String, nullable=False),
    PrimaryKeyConstraint("event_id", "projection"),
    sqlite_with_rowid=False,
)
