"""Agreements enforced where events leave the hub: a sink delivers only what is granted.

:class:`AgreedSink` wraps any sink connector that delivers to one department. Each event
is checked against the department's agreements for its topic and purpose: an event of a
topic no agreement grants is left out; in the others every personal field not granted is
masked (identity numbers as ``110105********002X``, names as ``张**``, a person's license
face fields withheld). Each person whose data goes out is recorded as a
:class:`~hub.events.access.DataAccessed`, so deliveries appear in the access log as API
reads do. An event addressed to a department (:func:`addressee`: its task, its inspection)
reaches it under the agreement every department holds to process its own work. What was
delivered of whom goes into the :class:`~hub.trust.deliveries.DeliveryLedger`, so that an
erasure tells this sink which of its deliveries to erase (:meth:`AgreedSink.erase` passes
the notice on). A sink's config names its department (``department = "BANK"``,
``purpose``) and ``onewindow connector run`` wraps it (:func:`agreed`)::

    bank = Recipient("BANK", "account opening")
    sink = AgreedSink(WebhookSink(), bank, load_agreements(), record)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from connectors.base import Sink, SinkConfig
from hub.api.component import publishing
from hub.catalogue.model import ITEM_CODE
from hub.events import Event
from hub.events.access import DataAccessed
from hub.events.base import IdentifierType
from hub.events.erasure import PersonErased
from hub.events.supervision import SupervisionEvent
from hub.events.tasks import TaskEvent
from hub.identifiers import mask
from hub.publisher import Publisher
from hub.trust.agreements import PERSONAL_FIELDS, Agreements, load_agreements
from hub.trust.identities import known_department
from hub.trust.sealing import FACE_FIELDS, personal_prefixes

WITHHELD = "(withheld)"
Delivered = Callable[[Sequence[Event]], None]
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    """To whom a sink delivers and what for: the department and its stated purpose."""

    department: str
    purpose: str
    accessor: str = "sink connector"


class AgreedSink(Sink[Any]):
    """A sink that hands the inner sink only what the department's agreements grant."""

    def __init__(
        self,
        inner: Sink[Any],
        recipient: Recipient,
        agreements: Agreements,
        record: Callable[[DataAccessed], None],
        delivered: Delivered | None = None,
    ) -> None:
        self.inner = inner
        self.recipient = recipient
        self._agreements = agreements
        self._record = record
        self._delivered = delivered

    def start(self, config: Any) -> None:
        """Start the inner sink."""
        self.inner.start(config)

    def write(self, batch: Sequence[Event]) -> None:
        """Deliver the granted events of ``batch``, masked as granted, and record each access."""
        shown = {e.event_id: view for e in batch if (view := self.disclosed(e)) is not None}
        self.inner.write(list(shown.values()))
        if self._delivered is not None:
            self._delivered([event for event in batch if event.event_id in shown])

    def erase(self, notice: PersonErased) -> None:
        """Hand the erasure notice to the inner sink: it names no one, so it goes as it is."""
        self.inner.erase(notice)

    def flush(self) -> None:
        """Flush the inner sink."""
        self.inner.flush()

    def stop(self) -> None:
        """Stop the inner sink."""
        self.inner.stop()

    def disclosed(self, event: Event) -> Event | None:
        """``event`` as the department may see it, None if no agreement grants its topic."""
        who = self.recipient
        decision = self._agreements.decide(
            who.department, event.topic, PERSONAL_FIELDS, who.purpose, addressee(event)
        )
        if decision.refused_rule is not None:
            _log.debug("left out %s: %s", event.event_id, decision.refused_rule)
            return None
        record = event.to_record()
        for prefix in personal_prefixes(record):
            self._record(self._access(event, record, prefix))
        return type(event).from_record(masked(record, frozenset(decision.granted_fields)))

    def _access(self, event: Event, record: dict[str, Any], prefix: str) -> DataAccessed:
        who = self.recipient
        return DataAccessed(
            source=f"onewindow-sink/{who.department}",
            subject_id_type=IdentifierType.RESIDENT_ID,
            subject_id_number=record[f"{prefix}_id_number"],
            accessor=who.accessor,
            department=who.department,
            purpose=who.purpose,
            resource=f"{event.topic}/{event.event_name}",
            case_id=record.get("case_id"),
        )


def addressee(event: Event) -> str | None:
    """The department ``event`` is addressed to: the one it names, or its task's item's."""
    if isinstance(event, SupervisionEvent):
        return event.department
    if not isinstance(event, TaskEvent):
        return None
    named = getattr(event, "department", None)  # a supplement or a suspension names none
    return named if isinstance(named, str) else _item_department(event.task_id)


def _item_department(task_id: str) -> str | None:
    # A task id is "{case id}:{item code}" and an item code begins with its department's.
    item = ITEM_CODE.match(task_id.rpartition(":")[2])
    return item["department"] if item else None


def agreed(
    sink: Sink[Any], config: SinkConfig, publisher: Publisher, delivered: Delivered | None = None
) -> Sink[Any]:
    """``sink`` under the agreements of the department it names; as it is when it names none.

    ``delivered`` is told which events (plain) the sink was handed, for the delivery ledger.
    """
    if config.department is None:
        return sink
    recipient = Recipient(known_department(config.department), config.purpose)
    return AgreedSink(sink, recipient, load_agreements(), publishing(publisher), delivered)


def masked(record: dict[str, Any], granted: frozenset[str]) -> dict[str, Any]:
    """``record`` with every personal field outside ``granted`` masked or withheld."""
    shown = dict(record)
    for prefix in personal_prefixes(record):
        number, name = f"{prefix}_id_number", f"{prefix}_name"
        if "id_number" not in granted:
            shown[number] = mask(shown[number])
        if "name" not in granted and shown.get(name):
            shown[name] = shown[name][:1] + "*" * (len(shown[name]) - 1)
        if prefix == "holder" and "face_fields" not in granted and shown.get(FACE_FIELDS):
            shown[FACE_FIELDS] = dict.fromkeys(shown[FACE_FIELDS], WITHHELD)
    return shown
