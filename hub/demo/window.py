"""The demo's one window: each applicant submits once, handing in only what is not on file.

When an application's time comes on the simulated clock, the window asks the reuse
answer (:mod:`hub.queries.reuse`) what the holder already has for the items, recorded as
a data access like any use, and hands in only the rest: copies checked against the
original (grade B), or documents fetched from their issuing authority where an item asks
for grade A. Materials that a license issued within the same submission will satisfy
are left to it. A promising applicant leaves out one non-essential material that every
item tolerates missing, and signs to supply it within ten working days.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine

from connectors.simulators.behaviour import material_hash
from connectors.simulators.clock import ScaledClock
from hub.api.disclosure import Caller, Disclosure
from hub.catalogue import Catalogue, Item
from hub.demo.stream import Application
from hub.events.access import DataAccessed
from hub.events.applications import ApplicationSubmitted, Channel, CommitmentTerms
from hub.events.base import ItemCategory, MaterialRef, TrustGrade
from hub.publisher import Publisher
from hub.queries.reuse import NeededMaterial, reuse_answer
from hub.workdays import WorkCalendar
from projections.processors.base import CHINA, local_day

logger = logging.getLogger(__name__)

SOURCE = "sim/window"
PROMISE_DAYS = 10
OFFICE_HOURS = 8.0
CALLER = Caller(accessor="window-clerk", department="SC", purpose="prefill an application")


class Window:
    """Submits the planned applications at their simulated times, until stopped."""

    def __init__(
        self,
        plans: Sequence[Application],
        clock: ScaledClock,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        engine: Engine,
        publisher: Publisher,
    ) -> None:
        self.plans, self.clock, self.catalogue, self.calendar = plans, clock, catalogue, calendar
        self.engine, self.publisher = engine, publisher
        self.submitted = 0
        self.failed = False

    def arrival(self, plan: Application) -> datetime:
        """When ``plan`` reaches the window: its working day, in office hours."""
        first = local_day(self.clock.start)
        day = self.calendar.add_working_days(first, int(plan.arrival))
        hours = 9 + (plan.arrival % 1) * OFFICE_HOURS
        return datetime.combine(day, time(9), CHINA) + timedelta(hours=hours - 9)

    def run(self, stop: threading.Event) -> None:
        """Submit each application when the clock reaches it; stop early when told.

        A submission that fails is a bug of the demo: it is logged, and the window closes
        with ``failed`` set, so that the demo ends saying so instead of waiting forever.
        """
        try:
            self._submit_all(stop)
        except Exception:
            logger.exception("the window closed after %d applications", self.submitted)
            self.failed = True

    def _submit_all(self, stop: threading.Event) -> None:
        for plan in self.plans:
            at = self.arrival(plan)
            if stop.wait(max(0.0, self.clock.wall(at) - self.clock.wall(self.clock.now()))):
                return
            self.publisher.publish_sync(self.submission(plan, at))
            self.submitted += 1

    def submission(self, plan: Application, at: datetime) -> ApplicationSubmitted:
        """The application as the window submits it on ``at``."""
        rng = random.Random(f"{plan.case_id}:window")
        items, day = self.catalogue.expand(plan.item_codes, plan.bundle_code), local_day(at)
        needed = self._still_needed(plan, items, day)
        handed = [self._material(plan, need) for need in needed]
        promised = self._promise(plan, items, needed, day, rng) if plan.promise else None
        if promised is not None:
            handed = [m for m in handed if m.code != promised.material_code]
        window = self.catalogue.bundle(plan.bundle_code).window if plan.bundle_code else None
        return ApplicationSubmitted(
            occurred_at=at,
            source=SOURCE,
            case_id=plan.case_id,
            applicant_id_type=plan.holder.id_type,
            applicant_id_number=plan.holder.id_number,
            applicant_name=plan.holder.name,
            item_codes=plan.item_codes,
            bundle_code=plan.bundle_code,
            materials=tuple(handed),
            commitments=(promised,) if promised else (),
            channel=rng.choice(list(Channel)),
            window=(window or items[0].department).code,
            project_code=plan.project_code,
        )

    def _still_needed(
        self, plan: Application, items: Sequence[Item], day: date
    ) -> list[NeededMaterial]:
        """What the holder must hand in: not on file, and not issued by this submission."""
        codes = [item.code for item in items]
        holder = plan.holder
        with self.engine.connect() as conn:
            answer = reuse_answer(conn, holder.id_number, codes, day, holder.id_type.value)
        Disclosure(CALLER, ("id_number", "name"), self._record, "reuse").release(answer)
        return [need for need in answer.still_needed if not self._issued_here(need, items)]

    def _issued_here(self, need: NeededMaterial, items: Sequence[Item]) -> bool:
        """Whether another item of the submission issues the license that satisfies it."""
        kind = self.catalogue.materials[need.material_code].license_type
        issued = {item.license_type for item in items if item.license_type}
        asking = [item for item in items if item.code in need.items]
        return kind is not None and all(kind in issued - {item.license_type} for item in asking)

    def _record(self, event: DataAccessed) -> None:
        self.publisher.publish(event)

    def _material(self, plan: Application, need: NeededMaterial) -> MaterialRef:
        material = self.catalogue.materials[need.material_code]
        grade = TrustGrade.A if need.min_grade == TrustGrade.A.value else TrustGrade.B
        return MaterialRef(
            code=material.code,
            name=material.name,
            content_hash=material_hash(plan.holder.id_number, material.code),
            trust_grade=grade,
            issuer=self._issuer(material.code) if grade is TrustGrade.A else None,
        )

    def _issuer(self, material_code: str) -> str | None:
        kind = self.catalogue.materials[material_code].license_type
        issuing = (i for i in self.catalogue.items.values() if kind and i.license_type == kind)
        return next((item.department.code for item in issuing), None)

    def _promise(
        self,
        plan: Application,
        items: Sequence[Item],
        needed: Sequence[NeededMaterial],
        day: date,
        rng: random.Random,
    ) -> CommitmentTerms | None:
        """One missing material every item tolerates, promised within ten working days."""
        if plan.project_code is not None:
            return None
        tolerated = [need.material_code for need in needed if _tolerated(items, need)]
        if not tolerated:
            return None
        return CommitmentTerms(
            material_code=rng.choice(tolerated),
            due_date=self.calendar.add_working_days(day, PROMISE_DAYS),
            statement=f"承诺{PROMISE_DAYS}个工作日内补交",
        )


def _tolerated(items: Sequence[Item], need: NeededMaterial) -> bool:
    """Whether every item asking for the material may go without it on commitment."""
    asking = [item for item in items if item.code in need.items]
    return not need.essential and all(i.category is not ItemCategory.CONTROLLED for i in asking)
