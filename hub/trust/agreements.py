"""Data-sharing agreements: which department may read what, of whom, for which purpose.

The agreements live in a declarative file (``hub/data/agreements.toml``). Each names a
department, the resources it may read (API resources such as ``licenses`` or
``access-log``, and Kafka topics such as ``onewindow.licenses``), the personal fields it
sees in full, and the purposes it may give. :func:`decide` answers one request::

    >>> book = load_agreements()
    >>> decision = book.decide("MR", "licenses", ("id_number", "name"), "licensing")
    >>> decision.granted_fields, decision.masked_fields, decision.refused_rule
    (('id_number', 'name'), (), None)

A field an agreement does not grant is masked (identity numbers as ``110105********002X``)
or left out; a resource or purpose no agreement grants is refused with the rule that said no.
The department ``public`` stands for callers without a credential.

An agreement with ``addressed_to`` covers only the events of its topics addressed to those
departments (their tasks, their inspections). Besides the file, every department of the
catalogue holds one such agreement (:func:`own_work`): it may always receive, for
``processing``, what is addressed to it::

    >>> book.decide("PS", "onewindow.applications", ("name",), "processing", addressee="PS")
    Decision(granted_fields=('name',), masked_fields=(), refused_rule=None)
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.catalogue import load_catalogue
from hub.errors import SettingsError
from hub.topics import Topic, declared_topics

PUBLIC = "public"
ANY_PURPOSE = "*"
PROCESSING = "processing"
#: The topics a department's own work travels on: its tasks and its inspections.
WORK_TOPICS = (Topic.APPLICATIONS.value, Topic.SUPERVISION.value)
#: The personal fields an answer may carry, each masked or left out unless granted.
PERSONAL_FIELDS = ("id_number", "name", "face_fields")
Resource = Literal[
    "cases", "tasks", "licenses", "verification", "access-log", "statistics", "dashboard"
]


class Agreement(BaseModel):
    """One agreement: a department's grant over some resources, fields and purposes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    department: str = Field(min_length=1)
    resources: tuple[Resource, ...] = ()
    topics: tuple[str, ...] = ()
    fields: tuple[Literal["id_number", "name", "face_fields"], ...] = ()
    purposes: tuple[str, ...] = Field(min_length=1)
    addressed_to: tuple[str, ...] = ()
    legal_basis: str = ""

    @model_validator(mode="after")
    def _reads_something(self) -> Agreement:
        if not self.resources and not self.topics:
            raise ValueError("an agreement must name resources or topics")
        if self.addressed_to and self.resources:
            raise ValueError("addressed_to picks events of topics; it cannot name resources")
        return self

    def covers(self, resource: str, addressee: str | None = None) -> bool:
        """Whether this agreement names ``resource`` (API resource or topic) for ``addressee``."""
        named = resource in self.resources or resource in self.topics
        return named and (not self.addressed_to or addressee in self.addressed_to)

    def allows(self, purpose: str) -> bool:
        """Whether ``purpose`` is one this agreement was made for."""
        return ANY_PURPOSE in self.purposes or purpose in self.purposes


@dataclass(frozen=True)
class Decision:
    """The answer to one request: fields shown in full, fields masked, or why refused."""

    granted_fields: tuple[str, ...]
    masked_fields: tuple[str, ...]
    refused_rule: str | None

    @property
    def refused(self) -> bool:
        """Whether the request is refused outright."""
        return self.refused_rule is not None


class Agreements(BaseModel):
    """Every agreement in force; the evaluator of requests against them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agreement: tuple[Agreement, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Agreements:
        ids = [item.id for item in self.agreement]
        twice = sorted({name for name in ids if ids.count(name) > 1})
        if twice:
            raise ValueError(f"agreement ids used twice: {twice}")
        for item in self.agreement:
            _check(item)
        return self

    def of(self, department: str) -> tuple[Agreement, ...]:
        """The agreements ``department`` holds."""
        return tuple(item for item in self.agreement if item.department == department)

    def decide(
        self,
        department: str,
        resource: str,
        fields: Sequence[str],
        purpose: str,
        addressee: str | None = None,
    ) -> Decision:
        """Which of ``fields`` of ``resource`` (or topic) ``department`` may see for ``purpose``."""
        covering = [item for item in self.of(department) if item.covers(resource, addressee)]
        if not covering:
            rule = f"no agreement lets department {department!r} read {resource!r}"
            return Decision((), tuple(fields), rule)
        fitting = [item for item in covering if item.allows(purpose)]
        if not fitting:
            allowed = sorted({p for item in covering for p in item.purposes})
            rule = (
                f"agreements {[item.id for item in covering]} let {department!r} read "
                f"{resource!r} only for {allowed}, not for {purpose!r}"
            )
            return Decision((), tuple(fields), rule)
        granted = {name for item in fitting for name in item.fields}
        return Decision(
            tuple(f for f in fields if f in granted),
            tuple(f for f in fields if f not in granted),
            None,
        )

    def topics_of(self, department: str) -> frozenset[str]:
        """Every Kafka topic the agreements let ``department`` read whole."""
        # Agreements over addressed events grant none: an ACL cannot pick a topic's events,
        # so those reach the department through a sink that does (hub.trust.sinks.AgreedSink).
        whole = [item for item in self.of(department) if not item.addressed_to]
        return frozenset(topic for item in whole for topic in item.topics)


def own_work(department: str) -> Agreement:
    """The agreement every department holds: what is addressed to it, to process it."""
    return Agreement(
        id=f"{department}-own-work",
        department=department,
        topics=WORK_TOPICS,
        fields=("id_number", "name"),
        purposes=(PROCESSING,),
        addressed_to=(department,),
        legal_basis="A department processes the tasks and inspections addressed to it.",
    )


def _check(item: Agreement) -> None:
    """Raise if ``item`` names a department or topic the hub does not know."""
    departments = {PUBLIC, *load_catalogue().departments}
    for named in (item.department, *item.addressed_to):
        if named not in departments:
            raise ValueError(f"agreement {item.id!r}: unknown department {named!r}")
    unknown = sorted(set(item.topics) - {str(spec.name) for spec in declared_topics()})
    if unknown:
        raise ValueError(f"agreement {item.id!r}: undeclared topics {unknown}")


def default_path() -> Path:
    """The agreements file that ships with the hub."""
    return Path(str(files("hub.data").joinpath("agreements.toml")))


def load_agreements(path: Path | None = None) -> Agreements:
    """The agreements in ``path`` (default: the shipped file) and :func:`own_work`, validated."""
    source = path or default_path()
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
        written = Agreements.model_validate(raw).agreement
        built_in = tuple(own_work(code) for code in load_catalogue().departments)
        return Agreements(agreement=(*written, *built_in))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read the agreements file {source}: {exc}") from exc
    except pydantic.ValidationError as exc:
        raise SettingsError(f"{source}: {_describe(exc)}") from exc


def _describe(exc: pydantic.ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']} (got {error['input']!r})"
        for error in exc.errors()
    )
