"""How simulated officers answer: seeded-random outcomes and delays in working days.

Each answer is drawn from a generator seeded by the simulation seed and the task (or
supervision) id, so a task gets the same answers whatever order tasks arrive in, and a
redelivered task plans exactly the answers it planned before. Shares are rough readings
of the sources (most tasks approved within the promised limit, some supplements, a few
late or rejected), not measured rates. Answers happen in the morning, China time.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid5

from hub.catalogue import Catalogue
from hub.events import Event
from hub.events.base import MaterialRef, TrustGrade
from hub.events.supervision import InspectionRecorded, InspectionResult, SupervisionRequested
from hub.events.tasks import (
    SupplementProvided,
    SupplementRequested,
    TaskAccepted,
    TaskApproved,
    TaskDispatched,
    TaskHandledOnBehalf,
    TaskRejected,
)
from hub.workdays import WorkCalendar
from projections.processors.base import CHINA, local_day

NAMESPACE = UUID("0b7c3f0e-5d2a-4e61-9a57-73696d756c61")
SUPPLEMENT_SHARE = 0.12
REJECT_SHARE = 0.04  # a quarter of it for project stages, prepared with the departments
LATE_SHARE = 0.1
INSPECTION_RESULTS = {
    InspectionResult.PASSED: 0.86,
    InspectionResult.RECTIFICATION_REQUIRED: 0.10,
    InspectionResult.FAILED: 0.04,
}
REJECTIONS = ("材料与实际情况不符", "不符合规划条件", "经营场所不符合要求")


def answer_id(department: str, cause: str, kind: str) -> str:
    """The id of a simulated answer: derived from its cause, so replanning gives the same."""
    return str(uuid5(NAMESPACE, f"{department}:{cause}:{kind}"))


def rng_for(seed: int, subject: str) -> random.Random:
    """The generator of one task's or inspection's answers."""
    return random.Random(f"{seed}:{subject}")


def material_hash(owner: str, code: str) -> str:
    """A stable content hash of one applicant's copy of one material."""
    return hashlib.sha256(f"{owner}/{code}".encode()).hexdigest()


def office_time(day: date, rng: random.Random) -> datetime:
    """A moment of ``day`` between 09:00 and 12:00 China time.

    Working days end at midnight in China; a morning answer leaves the simulated
    afternoon (a fraction of a real second) for it to reach the hub's clocks in time.
    """
    minutes = rng.randint(9 * 60, 12 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), CHINA)


@dataclass(frozen=True)
class Officer:
    """One department's way of answering, with the catalogue and working-day calendar."""

    department: str
    seed: int
    catalogue: Catalogue
    calendar: WorkCalendar
    on_behalf: bool = False

    def stamp(self, cause: Event, kind: str, at: datetime) -> dict[str, Any]:
        """Id, time and source of an answer."""
        return {
            "event_id": answer_id(self.department, cause.event_id, kind),
            "occurred_at": at,
            "source": f"sim/{self.department}",
        }

    def receive(self, task: TaskDispatched) -> list[Event]:
        """Acceptance (on behalf, if delegated), then a supplement request or the decision."""
        rng = rng_for(self.seed, task.task_id)
        accepted_at = task.occurred_at + timedelta(hours=rng.uniform(1, 20))
        ids = {"case_id": task.case_id, "task_id": task.task_id, "department": task.department}
        officer = f"{task.department}-{rng.randint(1, 12):02d}"
        answers: list[Event] = []
        if self.on_behalf:
            answers.append(
                TaskHandledOnBehalf(
                    **self.stamp(task, "TaskHandledOnBehalf", accepted_at),
                    **ids,
                    actor=f"{self.department}-helpdesk-{rng.randint(1, 6):02d}",
                    actor_organisation=self.department,
                    action="accepted and reviewed on behalf of the department",
                )
            )
            accepted_at += timedelta(minutes=5)
        accepted = self.stamp(task, "TaskAccepted", accepted_at)
        answers.append(TaskAccepted(**accepted, **ids, officer=officer))
        if rng.random() < SUPPLEMENT_SHARE:
            return [*answers, self._supplement(task, rng, accepted_at)]
        return [*answers, self._decision(task, rng, accepted_at, local_day(task.occurred_at), 0)]

    def _supplement(self, task: TaskDispatched, rng: random.Random, after: datetime) -> Event:
        item = self.catalogue.item(task.item_code)
        code = rng.choice(item.requirements).code
        at = after + timedelta(hours=rng.uniform(2, 30))
        return SupplementRequested(
            **self.stamp(task, "SupplementRequested", at),
            case_id=task.case_id,
            task_id=task.task_id,
            department=task.department,
            material_codes=(code,),
            reason="材料不清晰, 请补正",
            due_date=self.calendar.add_working_days(local_day(at), 5),
        )

    def resume(self, task: TaskDispatched, supplied: SupplementProvided, paused: int) -> Event:
        """The decision on a task after its supplement came in, ``paused`` days later."""
        rng = rng_for(self.seed, f"{task.task_id}:resumed")
        return self._decision(task, rng, supplied.occurred_at, local_day(task.occurred_at), paused)

    def _decision(
        self, task: TaskDispatched, rng: random.Random, after: datetime, started: date, paused: int
    ) -> Event:
        days = self._working_days(task, rng)
        day = max(self.calendar.add_working_days(started, days + paused), local_day(after))
        at = max(office_time(day, rng), after + timedelta(hours=1))
        used = max(0, self.calendar.working_days_between(started, local_day(at)) - paused)
        common = {
            "case_id": task.case_id,
            "task_id": task.task_id,
            "department": task.department,
            "officer": f"{task.department}-{rng.randint(1, 12):02d}",
            "working_days_used": used,
        }
        staged = self.catalogue.item(task.item_code).stage is not None
        if rng.random() < (REJECT_SHARE / 4 if staged else REJECT_SHARE):
            reason = rng.choice(REJECTIONS)
            return TaskRejected(**self.stamp(task, "decision", at), **common, reason=reason)
        commitment = {"commitment_based": task.commitment_based}
        return TaskApproved(**self.stamp(task, "decision", at), **common, **commitment)

    def _working_days(self, task: TaskDispatched, rng: random.Random) -> int:
        """Working days after dispatch: mostly a day inside the promised limit, else late.

        On time means a day to spare (or the same day for a one-day promise); late means
        three to five days past the promise, past the statutory limit too when it is close.
        """
        if rng.random() >= LATE_SHARE:
            return rng.randint(0, task.promised_days - 1)
        return task.promised_days + rng.randint(3, 5)

    def inspect(self, request: SupervisionRequested) -> Event:
        """The inspection of an approval, before the due date."""
        rng = rng_for(self.seed, request.supervision_id)
        started = local_day(request.occurred_at)
        span = max(1, self.calendar.working_days_between(started, request.due_date))
        at = office_time(self.calendar.add_working_days(started, rng.randint(1, span)), rng)
        results = list(INSPECTION_RESULTS)
        result = rng.choices(results, weights=list(INSPECTION_RESULTS.values()))[0]
        rectify = result is InspectionResult.RECTIFICATION_REQUIRED
        return InspectionRecorded(
            **self.stamp(request, "InspectionRecorded", at),
            license_id=request.license_id,
            supervision_id=request.supervision_id,
            department=request.department,
            inspector=f"{request.department}-inspector-{rng.randint(1, 9):02d}",
            result=result,
            findings=_findings(result),
            rectify_by=self.calendar.add_working_days(local_day(at), 10) if rectify else None,
        )


def _findings(result: InspectionResult) -> str:
    return {
        InspectionResult.PASSED: "现场核查与承诺一致",
        InspectionResult.RECTIFICATION_REQUIRED: "消防通道堆放杂物, 限期整改",
        InspectionResult.FAILED: "现场条件与承诺严重不符",
    }[result]


def supplied_material(owner: str, code: str, name: str) -> MaterialRef:
    """An applicant's copy of a material, checked against the original at the window."""
    return MaterialRef(
        code=code, name=name, content_hash=material_hash(owner, code), trust_grade=TrustGrade.B
    )
