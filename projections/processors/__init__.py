"""The stream processors: the hub's decisions, each a :class:`Processor` with its own state.

========================  ===============================================================
processor (``name``)      decides
========================  ===============================================================
``casework``              dispatch with reuse and gaps on commitment, unified issuance,
                          license changes and renewals, a staged project's next stage
``commitments``           commitments fulfilled or breached; credit and license actions
``deadlines``             warnings and overdue reports of every task's time limits
``license-expiry``        licenses whose validity ended
``supervision``           license actions and credit records from inspections
========================  ===============================================================

Conventions every consumer of their events can rely on:

* ids: an emitted event's id is a UUID 5 of the processor, its cause's event id, its kind
  and its subject (:func:`derived_id`); a timer event's of the subject and kind only;
* a task id is ``<case id>:<item code>``; a commitment id ``<case id>:<material code>``;
  a supervision id ``<task id>:supervision``; a project stage opened automatically is
  the case ``<project code>/<stage>`` (the project code defaults to the first case id);
* working days count days in China (UTC+8), from the day of submission;
* a license id's TYPE is the catalogue license type without underscores, its ISSUER a
  credit code derived from the department (:func:`~.issuance.issuer_code`), and its face
  carries ``item_code``; an approval of an item that needs the holder's own license of
  the type it yields issues the next version (renewal, or change if the form differs);
* a supervised item without a license is supervised under its task id as ``license_id``.

The worker builds them once and feeds them decoded events; their state lives in
``proc_<name>_…`` tables of the projection database::

    from hub.catalogue import load_catalogue
    from hub.db import create_engine_for
    from hub.workdays import load_calendar

    engine = create_engine_for("sqlite:///var/onewindow.db")
    for processor in build_processors(engine, load_catalogue(), load_calendar()):
        published = processor.handle(batch_of_events, now) + processor.tick(now)
"""

from __future__ import annotations

from sqlalchemy import Engine

from hub.catalogue import Catalogue
from hub.workdays import WorkCalendar
from projections.processors.base import Processor, derived_id
from projections.processors.casework import Casework
from projections.processors.commitments import CommitmentKeeper
from projections.processors.deadlines import DeadlineSupervisor
from projections.processors.expiry import LicenseExpiry
from projections.processors.supervision import SupervisionEnforcer


def build_processors(
    engine: Engine, catalogue: Catalogue, calendar: WorkCalendar
) -> list[Processor]:
    """Every processor of the hub, with its state tables created in ``engine``."""
    return [
        Casework(engine, catalogue, calendar),
        CommitmentKeeper(engine, catalogue),
        DeadlineSupervisor(engine, calendar),
        LicenseExpiry(engine),
        SupervisionEnforcer(engine),
    ]


__all__ = [
    "Casework",
    "CommitmentKeeper",
    "DeadlineSupervisor",
    "LicenseExpiry",
    "Processor",
    "SupervisionEnforcer",
    "build_processors",
    "derived_id",
]
