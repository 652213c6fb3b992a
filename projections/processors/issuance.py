"""Unified issuance (统一发证): a case completes when every task is decided, all at once.

On completion the case's licenses are issued together, each linked to the holder's one
identifier; an item that needs the holder's own license of the type it yields (a change
or a renewal) produces that license's next version instead, linked to its predecessor —
:class:`LicenseChanged` when the application's form differs from the license face,
:class:`LicenseRenewed` otherwise. Every approval the catalogue marks for supervision, and
every approval on commitment, is pushed to the enforcement department (事中事后监管).
A staged construction project's next stage then opens as a new window submission.

License identifiers (:func:`hub.identifiers.generate_license_id`) take the catalogue
license type without underscores as TYPE (``BUSINESS_LICENSE`` → ``BUSINESSLICENSE``),
the issuing department's credit code (:func:`issuer_code`) as ISSUER, and a serial derived
from the task, so a replay issues the very same id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from hub.catalogue import Catalogue, Item
from hub.events import Event
from hub.events.applications import ApplicationSubmitted
from hub.events.cases import CaseCompleted, CaseOutcome
from hub.events.licenses import LicenseChanged, LicenseIssued, LicenseRenewed, LicenseVersionEvent
from hub.events.supervision import SupervisionRequested
from hub.identifiers import generate_license_id, next_version, parse_license_id
from hub.identifiers.checks import organisation_code_check, uscc_check
from hub.workdays import WorkCalendar
from projections.processors.base import local_day, stamp
from projections.processors.casebook import CaseRecord, TaskRecord
from projections.processors.library import type_segment

#: Administrative division of the issuing departments' credit codes (Ouhai District,
#: Wenzhou, where the food bundle comes from) until each department's real code is set.
ISSUER_DIVISION: Final = "330304"

#: Validity in years of the license types that expire (食品经营许可管理办法 5 years,
#: 公共场所卫生许可 4, 劳务派遣行政许可 3, 排水许可 5); the others do not expire.
VALIDITY_YEARS: Final[Mapping[str, int]] = {
    "FOOD_BUSINESS_LICENSE": 5,
    "PUBLIC_HYGIENE_LICENSE": 4,
    "LABOUR_DISPATCH_LICENSE": 3,
    "DRAINAGE_PERMIT": 5,
}

#: Face field naming the catalogue item a license was issued for.
ITEM_FIELD: Final = "item_code"


def issuer_code(department: str) -> str:
    """A valid credit code of an organ (机关, type 11) derived from the department code."""
    digits = int(hashlib.sha256(department.encode()).hexdigest(), 16) % 10**8
    organisation = f"{digits:08d}"
    body = f"11{ISSUER_DIVISION}{organisation}{organisation_code_check(organisation)}"
    return body + uscc_check(body)


def _serial(task_id: str, day: date) -> str:
    digest = int(hashlib.sha256(task_id.encode()).hexdigest(), 16)
    return f"{day:%Y}{_base36(digest)[:12]}"


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"


def _valid_until(license_type: str, day: date) -> date | None:
    years = VALIDITY_YEARS.get(license_type)
    if years is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February has no anniversary in a common year
        return day.replace(year=day.year + years, day=28)


class Issuer:
    """Decides what a completed case issues, pushes to supervision and opens next."""

    def __init__(self, catalogue: Catalogue, calendar: WorkCalendar, source: str) -> None:
        self.catalogue = catalogue
        self.calendar = calendar
        self.source = source

    def complete(
        self,
        cause: Event,
        case: CaseRecord,
        tasks: Sequence[TaskRecord],
        predecessor_faces: Mapping[str, Mapping[str, str]],
    ) -> list[Event]:
        """Licenses, supervision requests and the CaseCompleted of a fully decided case."""
        day = local_day(cause.occurred_at)
        approved = [task for task in tasks if task.approved]
        licenses = {
            task.task_id: self._license(cause, case, task, day, predecessor_faces)
            for task in approved
            if self.catalogue.item(task.item_code).license_type is not None
        }
        supervised = [
            self._supervision(cause, case, task, licenses.get(task.task_id), day)
            for task in approved
            if self.catalogue.item(task.item_code).supervision is not None
        ]
        return [*licenses.values(), *supervised, self._completed(cause, case, tasks, day)]

    def _license(
        self,
        cause: Event,
        case: CaseRecord,
        task: TaskRecord,
        day: date,
        predecessor_faces: Mapping[str, Mapping[str, str]],
    ) -> LicenseVersionEvent:
        item = self.catalogue.item(task.item_code)
        face = {**case.form_fields, ITEM_FIELD: item.code}
        fields = self._version_fields(cause, case, task, item, day) | {"face_fields": face}
        if task.predecessor_id is None:
            return LicenseIssued(**fields)
        before = predecessor_faces.get(task.predecessor_id, {})
        changed = tuple(
            sorted(k for k, v in face.items() if before.get(k) != v and k != ITEM_FIELD)
        )
        successor = fields | self._successor(task.predecessor_id)
        if changed:
            return LicenseChanged(**successor, changed_fields=changed)
        return LicenseRenewed(**successor)

    def _version_fields(
        self, cause: Event, case: CaseRecord, task: TaskRecord, item: Item, day: date
    ) -> dict[str, Any]:
        """Every field of a first version, but for the face."""
        license_type = item.license_type
        assert license_type is not None  # only items that yield a license get here
        issuer = item.department.code
        serial = _serial(task.task_id, day)
        return {
            **stamp(self.source, cause, "License", task.task_id),
            "license_id": generate_license_id(
                type_segment(license_type.code), issuer_code(issuer), serial
            ),
            "license_type": license_type.code,
            "license_name": license_type.name,
            "holder_id_type": case.holder.id_type,
            "holder_id_number": case.holder.id_number,
            "holder_name": case.holder_name,
            "issuer": issuer,
            "valid_from": day,
            "valid_until": _valid_until(license_type.code, day),
            "version": 1,
            "case_id": case.case_id,
        }

    @staticmethod
    def _successor(predecessor_id: str) -> dict[str, Any]:
        """The id, version and predecessor link of the version after ``predecessor_id``."""
        license_id = next_version(predecessor_id)
        version = parse_license_id(license_id).version
        return {"license_id": license_id, "version": version, "predecessor_id": predecessor_id}

    def _supervision(
        self,
        cause: Event,
        case: CaseRecord,
        task: TaskRecord,
        issued: LicenseVersionEvent | None,
        day: date,
    ) -> SupervisionRequested:
        """The push of one approval to its enforcement department (its license, or the task)."""
        supervision = self.catalogue.item(task.item_code).supervision
        assert supervision is not None  # only supervised items get here
        return SupervisionRequested(
            **stamp(self.source, cause, "SupervisionRequested", task.task_id),
            license_id=task.task_id if issued is None else issued.license_id,
            supervision_id=f"{task.task_id}:supervision",
            department=supervision.department.code,
            case_id=case.case_id,
            holder_id_type=case.holder.id_type,
            holder_id_number=case.holder.id_number,
            holder_name=case.holder_name,
            commitment_based=task.commitment_based,
            due_date=self.calendar.add_working_days(day, supervision.within_days),
        )

    def _completed(
        self, cause: Event, case: CaseRecord, tasks: Sequence[TaskRecord], day: date
    ) -> CaseCompleted:
        approved = tuple(task.task_id for task in tasks if task.approved)
        rejected = tuple(task.task_id for task in tasks if not task.approved)
        outcome = CaseOutcome.PARTIALLY_APPROVED
        if not rejected:
            outcome = CaseOutcome.APPROVED
        elif not approved:
            outcome = CaseOutcome.REJECTED
        return CaseCompleted(
            **stamp(self.source, cause, "CaseCompleted", case.case_id),
            case_id=case.case_id,
            outcome=outcome,
            approved_task_ids=approved,
            rejected_task_ids=rejected,
            working_days=self.calendar.working_days_between(case.submitted_on, day),
        )

    def next_stage(self, cause: Event, case: CaseRecord) -> ApplicationSubmitted | None:
        """The submission that opens the project's next stage, if the stage just completed."""
        if case.bundle_code is None or case.stage is None:
            return None
        names = [stage.name for stage in self.catalogue.stages(case.bundle_code)]
        following = self.catalogue.stages(case.bundle_code)[names.index(case.stage) + 1 :]
        if not following:
            return None
        stage = following[0]
        return ApplicationSubmitted(
            **stamp(self.source, cause, "ApplicationSubmitted", stage.name),
            case_id=f"{case.project_code}/{stage.name}",
            applicant_id_type=case.holder.id_type,
            applicant_id_number=case.holder.id_number,
            applicant_name=case.holder_name,
            item_codes=(),
            bundle_code=case.bundle_code,
            form_fields=dict(case.form_fields),
            channel=case.channel,
            window=stage.lead.code,
            project_code=case.project_code,
            stage=stage.name,
        )
