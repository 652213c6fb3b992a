"""The event contracts: one immutable pydantic model per Avro schema in ``schemas/``.

Every event knows its topic, its key and its schema version, and turns into a record that
fastavro writes with the current schema; records written by older versions are upcast::

    >>> from hub.events import model_for
    >>> rated = model_for("CaseRated")(source="window", case_id="C-1", score=5)
    >>> rated.topic.value, rated.key(), rated.schema_version
    ('onewindow.applications', 'C-1', 1)
    >>> model_for("CaseRated").from_record(rated.to_record()) == rated
    True
"""

from __future__ import annotations

from hub.errors import UnknownSchemaError
from hub.events.access import DataAccessed
from hub.events.applications import ApplicationRejected, ApplicationSubmitted
from hub.events.avsc import current_version, event_names, load_schema
from hub.events.base import Event
from hub.events.cases import CaseCompleted, CaseRated, CaseWithdrawn
from hub.events.commitments import CommitmentBreached, CommitmentFulfilled, CommitmentMade
from hub.events.credit import CreditRecorded
from hub.events.deadlines import DeadlineOverdue, DeadlineWarned
from hub.events.erasure import PersonErased
from hub.events.licenses import (
    LicenseCancelled,
    LicenseChanged,
    LicenseExpired,
    LicenseIssued,
    LicenseRenewed,
    LicenseRevoked,
    LicenseSuspended,
)
from hub.events.materials import MaterialRegistered, MaterialReused
from hub.events.supervision import InspectionRecorded, SupervisionRequested
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
from hub.events.upcasting import upcast

EVENT_MODELS: dict[str, type[Event]] = {
    model.event_name: model
    for model in (
        ApplicationSubmitted,
        ApplicationRejected,
        TaskDispatched,
        TaskAccepted,
        SupplementRequested,
        SupplementProvided,
        TaskSuspended,
        TaskResumed,
        TaskApproved,
        TaskRejected,
        TaskHandledOnBehalf,
        CaseCompleted,
        CaseWithdrawn,
        CaseRated,
        LicenseIssued,
        LicenseChanged,
        LicenseRenewed,
        LicenseSuspended,
        LicenseRevoked,
        LicenseCancelled,
        LicenseExpired,
        MaterialRegistered,
        MaterialReused,
        CommitmentMade,
        CommitmentFulfilled,
        CommitmentBreached,
        CreditRecorded,
        SupervisionRequested,
        InspectionRecorded,
        DeadlineWarned,
        DeadlineOverdue,
        DataAccessed,
        PersonErased,
    )
}


def model_for(name: str) -> type[Event]:
    """The model class of event type ``name``."""
    try:
        return EVENT_MODELS[name]
    except KeyError:
        raise UnknownSchemaError(f"no event model named {name!r}") from None


__all__ = [
    "EVENT_MODELS",
    "Event",
    "current_version",
    "event_names",
    "load_schema",
    "model_for",
    "upcast",
]
