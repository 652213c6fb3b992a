"""What happens to a case's outcomes afterwards, for the simulated streams.

Licenses are issued and later changed, renewed, cancelled or left to expire; approvals
with supervision get an inspection that may suspend or revoke the license and leave a
credit record; commitments are kept or broken, a breach also leaving a credit record.
"""

from __future__ import annotations

import random
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from hub.catalogue import Item, Supervision
from hub.events.commitments import CommitmentBreached, CommitmentFulfilled, CommitmentMade
from hub.events.credit import CreditCause, CreditEffect, CreditRecorded
from hub.events.licenses import (
    LicenseCancelled,
    LicenseChanged,
    LicenseExpired,
    LicenseIssued,
    LicenseRenewed,
    LicenseRevoked,
    LicenseSuspended,
    LicenseVersionEvent,
)
from hub.events.supervision import InspectionRecorded, InspectionResult, SupervisionRequested
from hub.events.tasks import TaskDispatched
from hub.identifiers.generate import random_uscc
from hub.identifiers.license import generate_license_id, next_version
from hub.workdays import add_working_days
from projections.model import local_day

if TYPE_CHECKING:
    from projections.stories import CaseStory

_DAY = 24.0


class Afterlife:
    """Emits the later events of one story's licenses and commitments."""

    def __init__(self, story: CaseStory) -> None:
        self.story = story
        self.holder = story.holder

    def commitment(self, made: CommitmentMade, delivered_hash: str) -> None:
        """The commitment is kept (most of the time) or broken after its due date."""
        ids = {"case_id": made.case_id, "commitment_id": made.commitment_id}
        if self.story.rng.random() < 0.8:
            kept = self.story.later(made.occurred_at, _DAY, 9 * _DAY)
            self.story.emit(CommitmentFulfilled, kept, **ids, content_hash=delivered_hash)
            return
        broken = self.story.later(made.occurred_at, 15 * _DAY, 16 * _DAY)
        self.story.emit(
            CommitmentBreached,
            broken,
            **ids,
            holder_id_type=self.holder.id_type,
            holder_id_number=self.holder.id_number,
            due_date=made.due_date,
            reason="逾期未补交材料",
        )
        self._credit(broken, CreditEffect.WARNING, CreditCause.COMMITMENT_BREACH, None)

    def license(self, item: Item, task: TaskDispatched, at: datetime) -> None:
        """Issue the item's license, then maybe supervise it and change it later."""
        kind, department = item.license_type, item.department.code
        if kind is None:
            return
        serial = f"{task.case_id[2:]}{task.task_id.rsplit('T', 1)[1]}"
        issued = self.story.emit(
            LicenseIssued,
            at,
            license_id=generate_license_id(
                kind.code.replace("_", ""),
                issuer_code(department),
                serial,
            ),
            license_type=kind.code,
            license_name=kind.name,
            holder_id_type=self.holder.id_type,
            holder_id_number=self.holder.id_number,
            holder_name=self.holder.name,
            issuer=department,
            valid_from=local_day(at),
            valid_until=local_day(at).replace(year=local_day(at).year + 5),
            face_fields={"名称": self.holder.name, "住所": "莱州市文化东路1号"},
            version=1,
            case_id=task.case_id,
        )
        if item.supervision is None or self._inspected(item.supervision, issued):
            self._later_life(issued)

    def _inspected(self, supervision: Supervision, issued: LicenseIssued) -> bool:
        """Supervise the license; False when the inspection failed and it was suspended."""
        rng, department = self.story.rng, supervision.department.code
        ids = {
            "license_id": issued.license_id,
            "supervision_id": f"S-{issued.license_id}",
            "department": department,
        }
        asked = self.story.later(issued.occurred_at, 1, _DAY)
        self.story.emit(
            SupervisionRequested,
            asked,
            **ids,
            case_id=issued.case_id,
            holder_id_type=self.holder.id_type,
            holder_id_number=self.holder.id_number,
            holder_name=self.holder.name,
            commitment_based=rng.random() < 0.3,
            due_date=add_working_days(local_day(asked), supervision.within_days),
        )
        result = rng.choices(list(InspectionResult), weights=[80, 12, 8])[0]
        checked = self.story.later(asked, 2 * _DAY, 15 * _DAY)
        self.story.emit(
            InspectionRecorded,
            checked,
            **ids,
            inspector=f"{department}-inspector",
            result=result,
            findings="现场核查",
            rectify_by=None,
        )
        if result is not InspectionResult.FAILED:
            return True
        self._failed(issued, department, checked)
        return False

    def _failed(self, issued: LicenseIssued, department: str, at: datetime) -> None:
        suspended = self.story.later(at, 1, _DAY)
        self.story.emit(
            LicenseSuspended,
            suspended,
            license_id=issued.license_id,
            authority=department,
            reason="核查不合格",
            until=None,
        )
        if self.story.rng.random() < 0.5:
            revoked = self.story.later(suspended, 5 * _DAY, 20 * _DAY)
            self.story.emit(
                LicenseRevoked,
                revoked,
                license_id=issued.license_id,
                authority=department,
                reason="承诺不实",
            )
            self._credit(revoked, CreditEffect.BLACKLIST, CreditCause.LICENSE_REVOKED, issued)

    def _later_life(self, issued: LicenseIssued) -> None:
        roll = self.story.rng.random()
        at = self.story.later(issued.occurred_at, 30 * _DAY, 200 * _DAY)
        ids = {"license_id": issued.license_id, "authority": issued.issuer}
        if roll < 0.10:
            self._version(issued, LicenseChanged, at, changed_fields=("住所",))
        elif roll < 0.14:
            self._version(issued, LicenseRenewed, at)
        elif roll < 0.17:
            self.story.emit(LicenseCancelled, at, **ids, reason="申请注销")
        elif roll < 0.20:
            self.story.emit(
                LicenseExpired, at, license_id=issued.license_id, valid_until=local_day(at)
            )

    def _version(
        self, issued: LicenseIssued, model: type[LicenseVersionEvent], at: datetime, **extra: object
    ) -> None:
        values = issued.model_dump(exclude={"event_id", "occurred_at", "source"})
        values.update(
            license_id=next_version(issued.license_id),
            predecessor_id=issued.license_id,
            version=issued.version + 1,
            valid_from=local_day(at),
            face_fields={**issued.face_fields, "住所": "莱州市府前东街9号"},
            **extra,
        )
        self.story.emit(model, at, **values)

    def _credit(
        self,
        at: datetime,
        effect: CreditEffect,
        cause: CreditCause,
        issued: LicenseIssued | None,
    ) -> None:
        self.story.emit(
            CreditRecorded,
            self.story.later(at, 0.1, 2),
            subject_id_type=self.holder.id_type,
            subject_id_number=self.holder.id_number,
            subject_name=self.holder.name,
            effect=effect,
            cause=cause,
            reason=cause.value,
            case_id=issued.case_id if issued else self.story.case_id,
            license_id=issued.license_id if issued else None,
        )


@cache
def issuer_code(department: str) -> str:
    """The credit code of a department, the issuer segment of its license ids."""
    return random_uscc(random.Random(department))
