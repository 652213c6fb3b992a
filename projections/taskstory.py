"""The story of one department task inside a simulated case (see :mod:`projections.stories`).

Dispatch with the time limits of the catalogue, materials reused from the library,
acceptance, a supplement or a suspension now and then, help-desk handling, deadline
alerts, data access, and the decision with its license.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from hub.catalogue import Item
from hub.events.access import DataAccessed
from hub.events.base import TrustGrade
from hub.events.deadlines import ClockKind, DeadlineOverdue, DeadlineWarned
from hub.events.materials import MaterialReused
from hub.events.tasks import (
    SupplementProvided,
    SupplementRequested,
    TaskAccepted,
    TaskApproved,
    TaskDispatched,
    TaskHandledOnBehalf,
    TaskRejected,
    TaskResumed,
    TaskSuspended,
)
from hub.workdays import add_working_days, working_days_between
from projections.afterlife import Afterlife
from projections.model import local_day

if TYPE_CHECKING:
    from projections.stories import CaseStory


class TaskStory:
    """Emits the events of task ``n`` of a case, for catalogue item ``item``."""

    def __init__(self, story: CaseStory, n: int, item: Item) -> None:
        self.story, self.n, self.item = story, n, item

    def tell(self, reused: frozenset[str], at: datetime, withdrawn: bool) -> tuple[datetime, bool]:
        """The task from dispatch to decision; returns when it was decided and if approved."""
        n, item = self.n, self.item
        task_id, department = f"{self.story.case_id}-T{n}", item.department.code
        day = local_day(at)
        on_file = tuple(r.code for r in item.requirements if r.code in reused)
        ids = {"case_id": self.story.case_id, "task_id": task_id}
        dispatched = self.story.emit(
            TaskDispatched,
            at,
            **ids,
            department=department,
            item_code=item.code,
            category=item.category,
            commitment_based=item.commitment_allowed and self.story.rng.random() < 0.5,
            statutory_days=item.statutory_days,
            promised_days=item.promised_days,
            statutory_due_date=add_working_days(day, item.statutory_days),
            promised_due_date=add_working_days(day, item.promised_days),
            reused_material_codes=on_file,
        )
        for code in on_file:
            self._reuse(code, department, self.story.later(at, 0.01, 0.05))
        t = self.story.later(at, 0.5, 6)
        self.story.emit(
            TaskAccepted, t, **ids, department=department, officer=f"{department}-{n:02d}"
        )
        if self.story.rng.random() < 0.3:
            self._accessed(department, self.story.later(t, 0.1, 1))
        if withdrawn:
            return t, False
        t, paused = self._pauses(dispatched, item, t)
        t = self._incidents(dispatched, t)
        return self._decide(dispatched, item, t, paused)

    def _reuse(self, code: str, department: str, at: datetime) -> None:
        self.story.emit(
            MaterialReused,
            at,
            holder_id_type=self.story.holder.id_type,
            holder_id_number=self.story.holder.id_number,
            material_code=code,
            content_hash=self.story.material(code, code).content_hash,
            trust_grade=TrustGrade.B,
            case_id=self.story.case_id,
            department=department,
        )

    def _accessed(self, department: str, at: datetime) -> None:
        self.story.emit(
            DataAccessed,
            at,
            subject_id_type=self.story.holder.id_type,
            subject_id_number=self.story.holder.id_number,
            accessor=f"{department}-officer",
            department=department,
            purpose=f"审查 {self.story.case_id}",
            resource="materials,licenses",
            case_id=self.story.case_id,
        )

    def _pauses(self, task: TaskDispatched, item: Item, t: datetime) -> tuple[datetime, int]:
        ids = {"case_id": task.case_id, "task_id": task.task_id}
        paused = 0
        if self.story.rng.random() < 0.15:
            code = item.requirements[-1].code
            t = self.story.later(t, 1, 8)
            self.story.emit(
                SupplementRequested,
                t,
                **ids,
                department=task.department,
                material_codes=(code,),
                reason="材料不清晰",
            )
            back = self.story.later(t, 20, 80)
            paused += working_days_between(local_day(t), local_day(back))
            self.story.emit(
                SupplementProvided, back, **ids, materials=(self.story.material(code, code),)
            )
            t = back
        if self.story.rng.random() < 0.05:
            t = self.story.later(t, 1, 8)
            self.story.emit(TaskSuspended, t, **ids, reason="专家评审")
            back = self.story.later(t, 24, 120)
            days = working_days_between(local_day(t), local_day(back))
            paused += days
            self.story.emit(
                TaskResumed,
                back,
                **ids,
                paused_working_days=days,
                statutory_due_date=add_working_days(task.statutory_due_date, paused),
                promised_due_date=add_working_days(task.promised_due_date, paused),
            )
            t = back
        return t, paused

    def _incidents(self, task: TaskDispatched, t: datetime) -> datetime:
        ids = {"case_id": task.case_id, "task_id": task.task_id, "department": task.department}
        if self.story.rng.random() < 0.1:
            t = self.story.later(t, 0.5, 4)
            self.story.emit(
                TaskHandledOnBehalf,
                t,
                case_id=task.case_id,
                task_id=task.task_id,
                department=task.department,
                actor="帮办员-07",
                actor_organisation="政务服务中心",
                action="代为录入审查意见",
            )
        if self.story.rng.random() < 0.1:
            t = self.story.later(t, 1, 24)
            due = task.promised_due_date
            self.story.emit(
                DeadlineWarned,
                t,
                **ids,
                clock=ClockKind.PROMISED,
                due_date=due,
                working_days_left=1,
            )
            if self.story.rng.random() < 0.3:
                t = self.story.later(t, 24, 48)
                self.story.emit(
                    DeadlineOverdue,
                    t,
                    **ids,
                    clock=ClockKind.PROMISED,
                    due_date=due,
                    working_days_overdue=1,
                )
        return t

    def _decide(
        self, task: TaskDispatched, item: Item, t: datetime, paused: int
    ) -> tuple[datetime, bool]:
        decided = self.story.later(t, 2, 24 * item.promised_days)
        used = max(
            0, working_days_between(local_day(task.occurred_at), local_day(decided)) - paused
        )
        ids = {"case_id": task.case_id, "task_id": task.task_id, "department": task.department}
        officer = f"{task.department}-chief"
        if self.story.rng.random() < 0.07:
            self.story.emit(
                TaskRejected,
                decided,
                **ids,
                officer=officer,
                reason="不符合条件",
                working_days_used=used,
            )
            return decided, False
        self.story.emit(
            TaskApproved,
            decided,
            **ids,
            officer=officer,
            commitment_based=task.commitment_based,
            working_days_used=used,
        )
        if item.license_type is not None:
            Afterlife(self.story).license(item, task, self.story.later(decided, 0.2, 2))
        return decided, True
