"""Rows of the read models turned into the answers of :mod:`hub.queries.models`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from hub.catalogue import load_catalogue
from hub.queries.models import AccessEntry, CaseSummary, LicenseView, Subject, TaskView


def subject(row: RowMapping | dict[str, Any], prefix: str, name: str | None = None) -> Subject:
    """The subject held in the ``<prefix>_id_type``/``<prefix>_id_number`` columns."""
    return Subject(
        id_type=row[f"{prefix}_id_type"] or "",
        id_number=row[f"{prefix}_id_number"] or "",
        name=row.get(f"{prefix}_name", name),
    )


def department_name(code: str | None) -> str | None:
    """The department's name in the catalogue, None for an unknown code."""
    department = load_catalogue().departments.get(code or "")
    return department.name if department else None


def item_name(code: str | None) -> str | None:
    """The item's name in the catalogue, None for an unknown code."""
    item = load_catalogue().items.get(code or "")
    return item.name if item else None


def task(row: RowMapping) -> TaskView:
    """A ``tasks`` row with the names of its department and item."""
    return TaskView.model_validate(
        {
            **row,
            "department_name": department_name(row["department"]),
            "item_name": item_name(row["item_code"]),
        }
    )


def case_summary(row: RowMapping | dict[str, Any]) -> CaseSummary:
    """A ``cases`` row, with ``overdue`` selected alongside."""
    return CaseSummary.model_validate(case_fields(row, row["overdue"]))


def case_fields(row: RowMapping | dict[str, Any], overdue: bool) -> dict[str, Any]:
    """The fields of a case's answer from its ``cases`` row and whether it is overdue."""
    return {**row, "applicant": subject(row, "applicant"), "overdue": overdue}


def license_view(row: RowMapping) -> LicenseView:
    """A ``licenses`` row."""
    fields = {**row, "holder": subject(row, "holder"), "face_fields": row["face_fields"] or {}}
    return LicenseView.model_validate(fields)


def access_entry(row: RowMapping) -> AccessEntry:
    """An ``access_log`` row."""
    return AccessEntry.model_validate({**row, "subject": subject(row, "subject")})
