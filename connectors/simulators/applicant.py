"""The simulated applicants: they answer what departments and commitments ask of them.

Subscribed to ``SupplementRequested`` and ``CommitmentMade``: a supplement request is
answered with the material some hours later (``SupplementProvided``); a signed promise to
supply a missing material (容缺受理) is kept by registering it in the holder's library
before the due date — except by the share of applicants who breach, who never do, so the
hub's commitment clock breaches them. Whether a case breaches is drawn from the seed and
the case id alone (:func:`breaches`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field
from sqlalchemy import Connection

from connectors.simulators.behaviour import answer_id, office_time, rng_for, supplied_material
from connectors.simulators.sink import SimulationConfig, SimulatorSink
from hub.events import Event
from hub.events.commitments import CommitmentMade
from hub.events.materials import MaterialRegistered
from hub.events.tasks import SupplementProvided, SupplementRequested
from projections.processors.base import local_day

SOURCE = "sim/applicants"


class ApplicantConfig(SimulationConfig):
    """How often applicants break their commitments."""

    breach_share: float = Field(default=0.3, ge=0, le=1)


def breaches(seed: int, case_id: str, share: float) -> bool:
    """Whether the applicant of ``case_id`` breaks their commitment."""
    return rng_for(seed, f"{case_id}:breach").random() < share


class ApplicantSimulator(SimulatorSink[ApplicantConfig]):
    """Simulates applicants supplying materials on request and keeping (most) commitments."""

    config_model: ClassVar[type[ApplicantConfig]] = ApplicantConfig

    @property
    def name(self) -> str:
        """Who this simulator is."""
        return "applicants"

    def answer(self, conn: Connection, event: Event) -> list[Event]:
        """A supplement for a request; the promised material before its due date."""
        if isinstance(event, SupplementRequested):
            return [self._supplement(event)]
        if isinstance(event, CommitmentMade) and event.material_code is not None:
            config = self._config()
            if not breaches(config.seed, event.case_id, config.breach_share):
                return [self._kept(event, event.material_code)]
        return []

    def _supplement(self, request: SupplementRequested) -> SupplementProvided:
        rng = rng_for(self._config().seed, f"{request.event_id}:supplement")
        materials = tuple(
            supplied_material(request.case_id, code, self.catalogue.materials[code].name)
            for code in request.material_codes
        )
        return SupplementProvided(
            event_id=answer_id(SOURCE, request.event_id, "SupplementProvided"),
            occurred_at=request.occurred_at + timedelta(hours=rng.uniform(4, 60)),
            source=SOURCE,
            case_id=request.case_id,
            task_id=request.task_id,
            materials=materials,
        )

    def _kept(self, made: CommitmentMade, code: str) -> MaterialRegistered:
        rng = rng_for(self._config().seed, f"{made.commitment_id}:kept")
        made_on = local_day(made.occurred_at)
        span = max(1, self.calendar.working_days_between(made_on, made.due_date) - 1)
        day = self.calendar.add_working_days(made_on, rng.randint(1, span))
        name = self.catalogue.materials[code].name
        return MaterialRegistered(
            event_id=answer_id(SOURCE, made.event_id, "MaterialRegistered"),
            occurred_at=max(made.occurred_at, office_time(day, rng)),
            source=SOURCE,
            holder_id_type=made.holder_id_type,
            holder_id_number=made.holder_id_number,
            material=supplied_material(made.holder_id_number, code, name),
            case_id=made.case_id,
        )
