"""Realistic events for the contract tests: one fully populated instance per event type."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

from hub.events import EVENT_MODELS, Event

COMPANY = {"id_type": "USCC", "id_number": "91350200776049653A", "name": "Xiamen Haiyue Foods Co."}
PERSON = {"id_type": "RESIDENT_ID", "id_number": "11010519491231002X", "name": "Zhang Wei"}
CASE = "C-330481-20260312-0042"
TASK = f"{CASE}/FD-01"
LICENSE = "JY1.11330481MB0000000X.2026000123.001.K"
HASH = hashlib.sha256(b"business licence scan").hexdigest()
WHEN = datetime(2026, 3, 12, 9, 30, 15, 123456, tzinfo=UTC)
MATERIAL = {
    "code": "ID_CARD_COPY",
    "name": "Legal representative identity card",
    "content_hash": HASH,
    "trust_grade": "A",
    "issuer": "Haining Public Security Bureau",
}


def _party(prefix: str, party: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{key}": value for key, value in party.items()}


def _license_id(version: int) -> str:
    return LICENSE.replace(".001.", f".{version:03d}.")


def _license_version(version: int) -> dict[str, Any]:
    return {
        "license_id": _license_id(version),
        "license_type": "FOOD_BUSINESS_LICENSE",
        "license_name": "Food business license",
        **_party("holder", COMPANY),
        "issuer": "11330481MB0000000X",
        "valid_from": date(2026, 3, 20),
        "valid_until": date(2031, 3, 19),
        "face_fields": {"premises": "18 Wenhua Road, Haining", "scope": "prepackaged food"},
        "version": version,
        "predecessor_id": _license_id(version - 1) if version > 1 else None,
        "case_id": CASE,
    }


_CLOCK = {"case_id": CASE, "task_id": TASK, "department": "FD", "due_date": date(2026, 3, 19)}
_STATUS = {"license_id": LICENSE, "authority": "Haining Market Supervision Bureau"}

EXAMPLES: dict[str, dict[str, Any]] = {
    "ApplicationSubmitted": {
        "case_id": CASE,
        **_party("applicant", COMPANY),
        "item_codes": ("NR-XK-003", "HC-QR-001"),
        "bundle_code": "CONSTRUCTION_PROJECT",
        "form_fields": {"project_name": "Wenhua Road school gym", "floor_area_m2": "4200"},
        "materials": (MATERIAL,),
        "commitments": (
            {
                "material_code": "LEASE_CONTRACT",
                "due_date": date(2026, 4, 10),
                "statement": "I will supply the signed lease within 20 working days.",
            },
        ),
        "channel": "COUNTER",
        "window": "HN-SC-W03",
        "project_code": "2026-330481-47-01-000123",
        "stage": "PLANNING_PERMIT",
    },
    "ApplicationRejected": {
        "case_id": CASE,
        "applicant_id_type": "USCC",
        "applicant_id_number": "91350200776049653B",
        "reason": "INVALID_IDENTIFIER",
        "detail": "applicant_id_number: check character should be A, not B",
        "item_codes": ("FD-XK-001",),
    },
    "TaskDispatched": {
        "case_id": CASE,
        "task_id": TASK,
        "department": "FD",
        "item_code": "FD-XK-001",
        "category": "ENCOURAGED",
        "commitment_based": True,
        "statutory_days": 20,
        "promised_days": 3,
        "statutory_due_date": date(2026, 4, 9),
        "promised_due_date": date(2026, 3, 17),
        "reused_material_codes": ("ID_CARD_COPY",),
    },
    "TaskAccepted": {"case_id": CASE, "task_id": TASK, "department": "FD", "officer": "li.na"},
    "SupplementRequested": {
        "case_id": CASE,
        "task_id": TASK,
        "department": "FD",
        "material_codes": ("SITE_PLAN",),
        "reason": "The floor plan does not show the storage room.",
        "due_date": date(2026, 3, 26),
    },
    "SupplementProvided": {"case_id": CASE, "task_id": TASK, "materials": (MATERIAL,)},
    "TaskSuspended": {"case_id": CASE, "task_id": TASK, "reason": "Site survey scheduled"},
    "TaskResumed": {
        "case_id": CASE,
        "task_id": TASK,
        "paused_working_days": 4,
        "statutory_due_date": date(2026, 4, 15),
        "promised_due_date": date(2026, 3, 23),
    },
    "TaskApproved": {
        "case_id": CASE,
        "task_id": TASK,
        "department": "FD",
        "officer": "li.na",
        "commitment_based": False,
        "working_days_used": 2,
    },
    "TaskRejected": {
        "case_id": CASE,
        "task_id": TASK,
        "department": "EE",
        "officer": "wang.fang",
        "reason": "The site lies in a water-source protection zone.",
        "working_days_used": 5,
    },
    "TaskHandledOnBehalf": {
        "case_id": CASE,
        "task_id": TASK,
        "department": "HEALTH",
        "actor": "chen.jie",
        "actor_organisation": "Haining Administrative Service Centre",
        "action": "accepted and checked materials",
    },
    "CaseCompleted": {
        "case_id": CASE,
        "outcome": "PARTIALLY_APPROVED",
        "approved_task_ids": (TASK,),
        "rejected_task_ids": (f"{CASE}/EE-01",),
        "working_days": 3,
    },
    "CaseWithdrawn": {"case_id": CASE, "reason": "Premises lease fell through"},
    "CaseRated": {"case_id": CASE, "score": 5, "comment": "Done in one visit."},
    "LicenseIssued": _license_version(1),
    "LicenseChanged": {
        **_license_version(2),
        "changed_fields": ("premises",),
    },
    "LicenseRenewed": _license_version(3),
    "LicenseSuspended": {
        **_STATUS,
        "reason": "Failed hygiene inspection",
        "until": date(2026, 6, 1),
    },
    "LicenseRevoked": {**_STATUS, "reason": "False materials in the application"},
    "LicenseCancelled": {**_STATUS, "reason": "Business closed at the holder's request"},
    "LicenseExpired": {"license_id": LICENSE, "valid_until": date(2031, 3, 19)},
    "MaterialRegistered": {
        "holder_id_type": "RESIDENT_ID",
        "holder_id_number": PERSON["id_number"],
        "material": MATERIAL,
        "valid_until": date(2036, 1, 1),
        "case_id": CASE,
    },
    "MaterialReused": {
        "holder_id_type": "USCC",
        "holder_id_number": COMPANY["id_number"],
        "material_code": "ID_CARD_COPY",
        "content_hash": HASH,
        "trust_grade": "B",
        "case_id": CASE,
        "department": "TAX",
    },
    "CommitmentMade": {
        "case_id": CASE,
        "commitment_id": f"{CASE}/K-1",
        **_party("holder", COMPANY),
        "kind": "MISSING_MATERIAL",
        "material_code": "LEASE_CONTRACT",
        "statement": "I will supply the signed lease within 20 working days.",
        "due_date": date(2026, 4, 10),
    },
    "CommitmentFulfilled": {"case_id": CASE, "commitment_id": f"{CASE}/K-1", "content_hash": HASH},
    "CommitmentBreached": {
        "case_id": CASE,
        "commitment_id": f"{CASE}/K-1",
        "holder_id_type": "USCC",
        "holder_id_number": COMPANY["id_number"],
        "due_date": date(2026, 4, 10),
        "reason": "Lease not supplied by the due date",
    },
    "CreditRecorded": {
        **_party("subject", COMPANY),
        "effect": "WARNING",
        "cause": "COMMITMENT_BREACH",
        "reason": "Lease not supplied by the due date",
        "valid_until": date(2027, 4, 10),
        "case_id": CASE,
        "license_id": LICENSE,
    },
    "SupervisionRequested": {
        "license_id": LICENSE,
        "supervision_id": f"{LICENSE}/S-1",
        "case_id": CASE,
        **_party("holder", COMPANY),
        "department": "MR",
        "commitment_based": True,
        "due_date": date(2026, 4, 30),
    },
    "InspectionRecorded": {
        "license_id": LICENSE,
        "supervision_id": f"{LICENSE}/S-1",
        "department": "MR",
        "inspector": "zhou.min",
        "result": "RECTIFICATION_REQUIRED",
        "findings": "Cold storage without thermometer",
        "rectify_by": date(2026, 5, 15),
    },
    "DeadlineWarned": {**_CLOCK, "clock": "PROMISED", "working_days_left": 1},
    "DeadlineOverdue": {**_CLOCK, "clock": "STATUTORY", "working_days_overdue": 2},
    "DataAccessed": {
        "subject_id_type": "RESIDENT_ID",
        "subject_id_number": PERSON["id_number"],
        "accessor": "li.na",
        "department": "FD",
        "purpose": "checking the legal representative for case " + CASE,
        "resource": "material:ID_CARD_COPY",
        "case_id": CASE,
    },
    "PersonErased": {
        "pseudonym": "psn:5f0c2a9e1b7d4c63",
        "tombstone": "[erased:5f0c2a9e1b7d4c63]",
        "connector": "connector-bank-mirror",
        "department": "BANK",
        "event_ids": ("4f1b8c2e-0000-4000-8000-000000000001",),
        "aggregate_ids": (LICENSE,),
    },
}


def example(name: str) -> Event:
    """The fully populated example of event type ``name``."""
    return EVENT_MODELS[name](source="haining.window", occurred_at=WHEN, **EXAMPLES[name])
