"""Dispatch (一窗受理、自动分发): one submission becomes one task per department.

The window admits a submission (known items, a valid identifier of the stated type),
then resolves every requirement of every item: handed in now, already on file for the
holder (reuse, 材料互认), or missing. A missing essential material turns the submission
away; a missing non-essential one is accepted (容缺受理) only with a signed commitment
and only where the item's category — and, for cautious items, the holder's credit —
tolerates the gap. Every rejection is an :class:`ApplicationRejected` naming the field,
item or material at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hub.catalogue import Catalogue, Item, Requirement, Stage
from hub.errors import InvalidIdentifierError, UnknownItemError
from hub.events import Event
from hub.events.applications import ApplicationRejected, ApplicationSubmitted, RejectionReason
from hub.events.commitments import CommitmentKind, CommitmentMade
from hub.events.materials import MaterialRegistered, MaterialReused
from hub.events.tasks import TaskDispatched
from hub.identifiers import kind_for_identifier_type, require_valid
from hub.workdays import WorkCalendar
from projections.processors.base import derived_id, local_day, stamp
from projections.processors.library import Holder, HolderFile, Source, type_segment


@dataclass(frozen=True)
class Refusal:
    """Why the window turns a submission away; it becomes an ApplicationRejected."""

    reason: RejectionReason
    detail: str


@dataclass
class ItemPlan:
    """How one item's requirements are met: handed in, reused from file, or missing."""

    item: Item
    reused: dict[str, Source] = field(default_factory=dict)
    missing: list[Requirement] = field(default_factory=list)

    @property
    def on_commitment(self) -> bool:
        """Whether the item is approved on the applicant's commitment (告知承诺)."""
        return self.item.commitment_allowed and bool(self.missing)

    @property
    def succeeds(self) -> str | None:
        """The holder's license this item replaces: one of the very type it yields, reused."""
        if self.item.license_type is None:
            return None
        own_type = type_segment(self.item.license_type.code)
        return next((s.license_id for s in self.reused.values() if s.code == own_type), None)


def task_id(case_id: str, item_code: str) -> str:
    """The id of the task an item of a case becomes: readable and stable."""
    return f"{case_id}:{item_code}"


def commitment_id(case_id: str, material_code: str) -> str:
    """The id of the commitment to supply ``material_code`` for a case."""
    return f"{case_id}:{material_code}"


class Dispatcher:
    """Turns a submission into materials registered and reused, tasks and commitments."""

    def __init__(self, catalogue: Catalogue, calendar: WorkCalendar, source: str) -> None:
        self.catalogue = catalogue
        self.calendar = calendar
        self.source = source

    def admit(self, submitted: ApplicationSubmitted) -> tuple[Holder, list[Item]] | Refusal:
        """The holder and the items to dispatch, or why an unknown code or bad id refuses."""
        try:
            kind = kind_for_identifier_type(submitted.applicant_id_type)
            number = require_valid(kind, submitted.applicant_id_number, field="applicant_id_number")
            items = self.items_of(submitted)
        except InvalidIdentifierError as exc:
            return Refusal(RejectionReason.INVALID_IDENTIFIER, str(exc))
        except UnknownItemError as exc:
            return Refusal(RejectionReason.UNKNOWN_ITEM, str(exc))
        if not items:
            return Refusal(RejectionReason.INVALID_FORM, "item_codes: no item and no bundle named")
        return Holder(submitted.applicant_id_type, number), items

    def items_of(self, submitted: ApplicationSubmitted) -> list[Item]:
        """The named items, and of a staged bundle only the submitted (or first) stage's."""
        stage = self.stage_of(submitted)
        if stage is None:
            return self.catalogue.expand(submitted.item_codes, submitted.bundle_code)
        named = [self.catalogue.item(code) for code in submitted.item_codes]
        return list({item.code: item for item in (*stage.items, *named)}.values())

    def stage_of(self, submitted: ApplicationSubmitted) -> Stage | None:
        """The stage a staged-bundle submission is for (the first if unnamed), else None."""
        if submitted.bundle_code is None or not self.catalogue.bundle(submitted.bundle_code).staged:
            return None
        stages = self.catalogue.stages(submitted.bundle_code)
        return next((s for s in stages if s.name == submitted.stage), stages[0])

    def refuse(self, submitted: ApplicationSubmitted, refusal: Refusal) -> ApplicationRejected:
        """The rejection of ``submitted`` for ``refusal``."""
        return ApplicationRejected(
            event_id=derived_id(self.source, submitted.event_id, "ApplicationRejected", ""),
            occurred_at=submitted.occurred_at,
            source=self.source,
            case_id=submitted.case_id,
            applicant_id_type=submitted.applicant_id_type,
            applicant_id_number=submitted.applicant_id_number,
            reason=refusal.reason,
            detail=refusal.detail,
            item_codes=submitted.item_codes,
        )

    def plan(
        self, submitted: ApplicationSubmitted, items: Sequence[Item], on_file: HolderFile
    ) -> list[ItemPlan] | Refusal:
        """Each item's reused and missing requirements, or why a gap is not tolerated.

        A requirement is met, in this order, by a material handed in at a good enough
        grade, by one on file (reuse), or by a license another item of the same
        submission issues (the seal record needs the business license the case issues).
        """
        handed = {m.code: m.trust_grade for m in submitted.materials}
        issued = {item.license_type for item in items if item.license_type}
        plans = [ItemPlan(item) for item in items]
        for plan in plans:
            for requirement in plan.item.requirements:
                if requirement.code in handed and requirement.accepts(handed[requirement.code]):
                    continue
                source = on_file.satisfying(requirement)
                if source is not None:
                    plan.reused[requirement.code] = source
                elif requirement.material.license_type not in issued - {plan.item.license_type}:
                    plan.missing.append(requirement)
        refusals = (self._gap_refusal(submitted, plan, on_file.good_credit) for plan in plans)
        return next((refusal for refusal in refusals if refusal), plans)

    def _gap_refusal(
        self, submitted: ApplicationSubmitted, plan: ItemPlan, good_credit: bool
    ) -> Refusal | None:
        """Why the gaps of one item are not accepted on commitment, or None."""
        promised = {terms.material_code: terms.due_date for terms in submitted.commitments}
        day = local_day(submitted.occurred_at)
        for requirement in plan.missing:
            code = requirement.code
            needs = f"item {plan.item.code} needs {code} (grade {requirement.min_grade})"
            if requirement.essential:
                detail = f"{needs}: essential, neither handed in nor on file"
                return Refusal(RejectionReason.MISSING_ESSENTIAL_MATERIAL, detail)
            if code not in promised:
                detail = f"commitments: {needs}: missing without a signed commitment"
                return Refusal(RejectionReason.INVALID_FORM, detail)
            if promised[code] <= day:
                detail = f"commitments: {code} is due {promised[code]}, not after {day}"
                return Refusal(RejectionReason.INVALID_FORM, detail)
        missing = [r.code for r in plan.missing]
        if self.catalogue.tolerates_missing(plan.item, missing, good_credit):
            return None
        rule = self.catalogue.rule(plan.item)
        credit = "good credit" if good_credit else "a negative credit record in force"
        detail = (
            f"item {plan.item.code} ({rule.category}, tolerance {rule.gap_tolerance}) does not "
            f"accept {', '.join(missing)} missing on commitment with {credit}"
        )
        return Refusal(RejectionReason.INVALID_FORM, detail)

    def dispatched(
        self, submitted: ApplicationSubmitted, holder: Holder, plans: Sequence[ItemPlan]
    ) -> list[Event]:
        """Materials registered and reused, one task per item, one commitment per gap."""
        return [
            *self._registered(submitted, holder),
            *self._reused(submitted, holder, plans),
            *(self._task(submitted, plan) for plan in plans),
            *self._commitments(submitted, holder, plans),
        ]

    def _registered(self, submitted: ApplicationSubmitted, holder: Holder) -> list[Event]:
        return [
            MaterialRegistered(
                **stamp(self.source, submitted, "MaterialRegistered", material.code),
                holder_id_type=holder.id_type,
                holder_id_number=holder.id_number,
                material=material,
                case_id=submitted.case_id,
            )
            for material in submitted.materials
        ]

    def _reused(
        self, submitted: ApplicationSubmitted, holder: Holder, plans: Sequence[ItemPlan]
    ) -> list[Event]:
        return [
            MaterialReused(
                **stamp(self.source, submitted, "MaterialReused", f"{plan.item.code}:{code}"),
                holder_id_type=holder.id_type,
                holder_id_number=holder.id_number,
                material_code=code,
                content_hash=source.content_hash,
                trust_grade=source.grade,
                case_id=submitted.case_id,
                department=plan.item.department.code,
            )
            for plan in plans
            for code, source in plan.reused.items()
        ]

    def _task(self, submitted: ApplicationSubmitted, plan: ItemPlan) -> TaskDispatched:
        item, day = plan.item, local_day(submitted.occurred_at)
        return TaskDispatched(
            **stamp(self.source, submitted, "TaskDispatched", item.code),
            case_id=submitted.case_id,
            task_id=task_id(submitted.case_id, item.code),
            department=item.department.code,
            item_code=item.code,
            category=item.category,
            commitment_based=plan.on_commitment,
            statutory_days=item.statutory_days,
            promised_days=item.promised_days,
            statutory_due_date=self.calendar.add_working_days(day, item.statutory_days),
            promised_due_date=self.calendar.add_working_days(day, item.promised_days),
            reused_material_codes=tuple(plan.reused),
        )

    def _commitments(
        self, submitted: ApplicationSubmitted, holder: Holder, plans: Sequence[ItemPlan]
    ) -> list[Event]:
        gaps = {r.code for plan in plans for r in plan.missing}
        return [
            CommitmentMade(
                **stamp(self.source, submitted, "CommitmentMade", terms.material_code),
                case_id=submitted.case_id,
                commitment_id=f"{submitted.case_id}:{terms.material_code}",
                holder_id_type=holder.id_type,
                holder_id_number=holder.id_number,
                holder_name=submitted.applicant_name,
                kind=CommitmentKind.MISSING_MATERIAL,
                material_code=terms.material_code,
                statement=terms.statement,
                due_date=terms.due_date,
            )
            for terms in submitted.commitments
            if terms.material_code in gaps
        ]
