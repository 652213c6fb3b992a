"""Entries of the append-only logs: the credit record and the data-access log."""

from __future__ import annotations

from hub.events.access import DataAccessed
from hub.events.credit import CreditRecorded
from projections.model import Row


def credit_entry(event: CreditRecorded, _state: Row | None) -> Row:
    """One ``credit_records`` row: an entry in the subject's integrity record."""
    return {
        "event_id": event.event_id,
        "subject_id_type": event.subject_id_type,
        "subject_id_number": event.subject_id_number,
        "subject_name": event.subject_name,
        "effect": event.effect,
        "cause": event.cause,
        "reason": event.reason,
        "valid_until": event.valid_until,
        "case_id": event.case_id,
        "license_id": event.license_id,
        "recorded_at": event.occurred_at,
    }


def access_entry(event: DataAccessed, _state: Row | None) -> Row:
    """One ``access_log`` row: who read whose data, for what (the citizen's Data Tracker)."""
    return {
        "event_id": event.event_id,
        "subject_id_type": event.subject_id_type,
        "subject_id_number": event.subject_id_number,
        "accessor": event.accessor,
        "department": event.department,
        "purpose": event.purpose,
        "resource": event.resource,
        "case_id": event.case_id,
        "accessed_at": event.occurred_at,
    }
