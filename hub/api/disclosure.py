"""The one place where the API hands out data that identifies someone.

Every answer passes through :meth:`Disclosure.release` before it leaves a route, the
dashboard included. It finds every :class:`~hub.queries.models.Subject` in the answer
(any object with ``id_type`` and ``id_number``), and

- masks a person's identity number (``110105********002X``), their name (``张**``) and
  the face fields of their licenses, except the fields the caller's :class:`Grant` names
  (``id_number``, ``name``, ``face_fields``); credit codes and names of companies are
  public register data and stay whole;
- records one :class:`~hub.events.access.DataAccessed` per subject shown, through an
  :data:`AccessSink` (publishing to the access topic in the hub, a list in tests).

A :data:`GrantPolicy` decides per caller and resource (``cases``, ``tasks``, ``licenses``,
``verification``, ``access-log``, ``statistics``, ``dashboard``); the default grants no
field and refuses nothing. The data-sharing agreements' ``decide()`` has this shape::

    grants = lambda caller, resource: book.decide(
        caller.department or PUBLIC, resource, PERSONAL_FIELDS, caller.purpose
    )

Callers name themselves with the ``X-Onewindow-Department``, ``X-Onewindow-Accessor`` and
``X-Onewindow-Purpose`` headers until department credentials are checked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from hub.events.access import DataAccessed
from hub.events.base import IdentifierType
from hub.identifiers import mask

SOURCE = "onewindow-api"
WITHHELD = "(withheld)"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """Who asks: the official, their department, and the purpose they gave."""

    accessor: str
    department: str | None
    purpose: str


class Grant(Protocol):
    """What a caller may see of a resource: personal fields in full, or why refused."""

    @property
    def granted_fields(self) -> tuple[str, ...]:
        """Which of ``id_number``, ``name``, ``face_fields`` are shown in full."""
        ...

    @property
    def refused_rule(self) -> str | None:
        """The rule that refuses the request outright, or None."""
        ...


@dataclass(frozen=True)
class Granted:
    """A plain :class:`Grant`."""

    granted_fields: tuple[str, ...] = ()
    refused_rule: str | None = None


AccessSink = Callable[[DataAccessed], None]
GrantPolicy = Callable[[Caller, str], Grant]


def no_grants(_caller: Caller, _resource: str) -> Grant:
    """The default policy: every resource readable, every personal field masked."""
    return Granted()


def log_access(event: DataAccessed) -> None:
    """A sink for an API run without a broker: the access goes to the log."""
    _log.info("data accessed: %s", event.model_dump_json())


class Disclosure:
    """Releases one answer to one caller: masked as their grant says, and recorded."""

    def __init__(
        self, caller: Caller, granted: Sequence[str], sink: AccessSink, resource: str
    ) -> None:
        self.caller = caller
        self.granted = frozenset(granted)
        self._sink = sink
        self._resource = resource

    def release(self, answer: BaseModel | Sequence[BaseModel]) -> Any:
        """The answer as JSON-ready data, subjects masked unless granted, each access recorded."""
        seen: dict[tuple[str, str], str | None] = {}
        shown = _json(answer)
        self._visit(shown, seen, None)
        for (id_type, id_number), case_id in seen.items():
            self._record(id_type, id_number, case_id)
        return shown

    def _visit(self, value: Any, seen: dict[tuple[str, str], str | None], case: Any) -> None:
        """Mask, in place, every subject inside ``value`` (fresh JSON data) and note it."""
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict | list):
                    self._visit(item, seen, case)
            return
        case = value.get("case_id", case)
        if "id_type" in value and "id_number" in value:
            seen.setdefault((value["id_type"], value["id_number"]), case)
            self._mask(value)
            return
        for item in value.values():
            if isinstance(item, dict | list):
                self._visit(item, seen, case)
        if "face_fields" in value and "face_fields" not in self.granted and _of_person(value):
            value["face_fields"] = dict.fromkeys(value["face_fields"], WITHHELD)

    def _mask(self, subject: dict[str, Any]) -> None:
        if subject["id_type"] != IdentifierType.RESIDENT_ID:
            return
        if "id_number" not in self.granted:
            subject["id_number"] = mask(subject["id_number"])
        name = subject.get("name")
        if name and "name" not in self.granted:
            subject["name"] = name[:1] + "*" * (len(name) - 1)

    def _record(self, id_type: str, id_number: str, case_id: Any) -> None:
        self._sink(
            DataAccessed(
                source=SOURCE,
                subject_id_type=IdentifierType(id_type),
                subject_id_number=id_number,
                accessor=self.caller.accessor,
                department=self.caller.department or "unknown",
                purpose=self.caller.purpose,
                resource=self._resource,
                case_id=case_id if isinstance(case_id, str) else None,
            )
        )


def _of_person(value: dict[str, Any]) -> bool:
    holder = value.get("holder")
    return isinstance(holder, dict) and holder.get("id_type") == IdentifierType.RESIDENT_ID


def _json(answer: BaseModel | Sequence[BaseModel]) -> Any:
    if isinstance(answer, BaseModel):
        return answer.model_dump(mode="json")
    return [item.model_dump(mode="json") for item in answer]
