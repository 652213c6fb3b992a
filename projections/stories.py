"""The story of one case as events, told by :mod:`projections.testing` from a seeded rng.

A story emits the window's, the departments' and the license store's events of one case
with plausible timings: minutes at the window, hours to accept, days to decide, months
until a license changes. Probabilities are rough shares of what the sources report
(most cases approved, some supplements, few breaches), not measured rates.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from hub.catalogue import Bundle, Catalogue, Item
from hub.events.applications import (
    ApplicationRejected,
    ApplicationSubmitted,
    Channel,
    CommitmentTerms,
    RejectionReason,
)
from hub.events.base import Event, IdentifierType, MaterialRef
from hub.events.cases import CaseCompleted, CaseOutcome, CaseRated, CaseWithdrawn
from hub.events.commitments import CommitmentKind, CommitmentMade
from hub.events.materials import MaterialRegistered
from hub.ids import uuid7
from hub.workdays import add_working_days, working_days_between
from projections.afterlife import Afterlife
from projections.model import local_day
from projections.taskstory import TaskStory

E = TypeVar("E", bound=Event)

#: Materials a returning holder has on file and departments reuse instead of asking again.
REUSABLE = frozenset(
    {"ID_CARD_COPY", "BUSINESS_LICENSE_COPY", "LEASE_CONTRACT", "ARTICLES_OF_ASSOCIATION"}
)
_SURNAMES = "王李张刘陈杨黄赵吴周"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰")
_TRADES = ("鑫源", "华兴", "瑞丰", "海川", "金桥", "恒达", "锦程", "宏图", "启航", "东方")


@dataclass(frozen=True)
class Holder:
    """An applicant: a company (credit code) or a person (resident id)."""

    id_type: IdentifierType
    id_number: str
    name: str

    @classmethod
    def company(cls, uscc: str, n: int) -> Holder:
        """A company with a credit code and a plausible name."""
        return cls(IdentifierType.USCC, uscc, f"{_TRADES[n % 10]}{n}号贸易有限公司")

    @classmethod
    def person(cls, resident_id: str, n: int) -> Holder:
        """A person with a resident id and a plausible name."""
        return cls(
            IdentifierType.RESIDENT_ID, resident_id, _SURNAMES[n % 10] + _GIVEN[n // 10 % 10]
        )


def event_id(rng: random.Random, at: datetime) -> str:
    """A version-7 UUID for ``at`` with bits drawn from ``rng``: the same ids for a seed."""
    return uuid7(at, rng.getrandbits(74))


def content_hash(holder: Holder, code: str) -> str:
    """The SHA-256 of a holder's copy of a material (stable across cases)."""
    return hashlib.sha256(f"{holder.id_number}/{code}".encode()).hexdigest()


class CaseStory:
    """Collects the events of one case in :attr:`events` (sorted by the caller)."""

    def __init__(self, catalogue: Catalogue, rng: random.Random, case_id: str, start: datetime):
        self.catalogue, self.rng, self.case_id, self.start = catalogue, rng, case_id, start
        self.events: list[Event] = []
        self.holder = Holder(IdentifierType.USCC, "", "")

    def emit(self, model: type[E], at: datetime, **values: Any) -> E:
        """Record one event of ``model`` at ``at``."""
        event = model(event_id=event_id(self.rng, at), occurred_at=at, source="sim", **values)
        self.events.append(event)
        return event

    def later(self, at: datetime, low_hours: float, high_hours: float) -> datetime:
        """A moment between ``low_hours`` and ``high_hours`` after ``at``."""
        return at + timedelta(hours=self.rng.uniform(low_hours, high_hours))

    def tell(self, bundle: Bundle, holder: Holder, returning: bool) -> None:
        """The whole case: submission, tasks, licenses, completion, rating."""
        self.holder = holder
        items, stage = self._items(bundle)
        codes = tuple(item.code for item in items)
        if self.rng.random() < 0.03:
            self._rejected(codes)
            return
        reused = REUSABLE if returning else frozenset()
        self._submitted(bundle, codes, stage, items, reused)
        withdrawn = self.rng.random() < 0.02
        dispatch = self.later(self.start, 0.05, 0.5)
        outcomes = [
            TaskStory(self, n, item).tell(reused, dispatch, withdrawn)
            for n, item in enumerate(items, 1)
        ]
        if withdrawn:
            self.emit(
                CaseWithdrawn, self.later(dispatch, 2, 30), case_id=self.case_id, reason="改期办理"
            )
            return
        self._completed(outcomes)

    def _items(self, bundle: Bundle) -> tuple[tuple[Item, ...], Any]:
        if not bundle.staged:
            return bundle.items, None
        stage = self.rng.choice(self.catalogue.stages(bundle))
        return stage.items, stage.name

    def _rejected(self, codes: tuple[str, ...]) -> None:
        self.emit(
            ApplicationRejected,
            self.start,
            case_id=self.case_id,
            applicant_id_type=self.holder.id_type,
            applicant_id_number=self.holder.id_number,
            reason=RejectionReason.MISSING_ESSENTIAL_MATERIAL,
            detail="缺少申请书",
            item_codes=codes,
        )

    def _submitted(
        self,
        bundle: Bundle,
        codes: tuple[str, ...],
        stage: Any,
        items: tuple[Item, ...],
        reused: frozenset[str],
    ) -> None:
        needed = {r.code: r.material for item in items for r in item.requirements}
        handed = [self.material(code, m.name) for code, m in needed.items() if code not in reused]
        promised = self._promise(items, reused)
        if promised:
            handed = [m for m in handed if m.code != promised.material_code]
        self.emit(
            ApplicationSubmitted,
            self.start,
            case_id=self.case_id,
            applicant_id_type=self.holder.id_type,
            applicant_id_number=self.holder.id_number,
            applicant_name=self.holder.name,
            item_codes=codes,
            bundle_code=bundle.code,
            materials=tuple(handed),
            commitments=(promised,) if promised else (),
            channel=self.rng.choice(list(Channel)),
            window=bundle.window.code,
            project_code=f"P-{self.case_id}" if stage else None,
            stage=stage,
        )
        for material in handed:
            self._register(material)
        if promised:
            self._commitment(promised)

    def material(self, code: str, name: str) -> MaterialRef:
        """The holder's copy of a material, as handed in at the window."""
        return MaterialRef(
            code=code, name=name, content_hash=content_hash(self.holder, code), trust_grade="B"
        )

    def _register(self, material: MaterialRef) -> None:
        self.emit(
            MaterialRegistered,
            self.later(self.start, 0.01, 0.05),
            holder_id_type=self.holder.id_type,
            holder_id_number=self.holder.id_number,
            material=material,
            case_id=self.case_id,
        )

    def _promise(self, items: tuple[Item, ...], reused: frozenset[str]) -> CommitmentTerms | None:
        optional = [
            r.code
            for i in items
            for r in i.requirements
            if not r.essential and r.code not in reused
        ]
        if not optional or self.rng.random() > 0.1:
            return None
        due = add_working_days(local_day(self.start), 10)
        return CommitmentTerms(
            material_code=self.rng.choice(optional), due_date=due, statement="承诺十个工作日内补交"
        )

    def _commitment(self, terms: CommitmentTerms) -> None:
        made = self.emit(
            CommitmentMade,
            self.later(self.start, 0.01, 0.05),
            case_id=self.case_id,
            commitment_id=f"{self.case_id}-K1",
            holder_id_type=self.holder.id_type,
            holder_id_number=self.holder.id_number,
            holder_name=self.holder.name,
            kind=CommitmentKind.MISSING_MATERIAL,
            material_code=terms.material_code,
            statement=terms.statement,
            due_date=terms.due_date,
        )
        Afterlife(self).commitment(made, content_hash(self.holder, terms.material_code))

    def _completed(self, outcomes: list[tuple[datetime, bool]]) -> None:
        closed = self.later(max(at for at, _ in outcomes), 0.5, 3)
        approved = [f"{self.case_id}-T{n}" for n, (_, ok) in enumerate(outcomes, 1) if ok]
        rejected = [f"{self.case_id}-T{n}" for n, (_, ok) in enumerate(outcomes, 1) if not ok]
        outcome = CaseOutcome.PARTIALLY_APPROVED if approved and rejected else CaseOutcome.APPROVED
        self.emit(
            CaseCompleted,
            closed,
            case_id=self.case_id,
            outcome=outcome if approved else CaseOutcome.REJECTED,
            approved_task_ids=tuple(approved),
            rejected_task_ids=tuple(rejected),
            working_days=working_days_between(local_day(self.start), local_day(closed)),
        )
        if self.rng.random() < 0.7:
            score = self.rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 4, 3])[0]
            self.emit(CaseRated, self.later(closed, 1, 72), case_id=self.case_id, score=score)
