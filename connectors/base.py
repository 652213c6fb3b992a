"""The connector interfaces: a Source brings a department's data in, a Sink takes events out.

Both follow Kafka Connect's ``SourceTask``/``SinkTask``: small classes with a config model,
run by :mod:`connectors.running` as their own process. The runner owns the broker, the
retries and the dead letters; a connector only talks to its department system.

Guarantees, for both kinds: delivery is at least once, order is kept per key (one case,
one license, one holder), and anything that cannot be delivered ends in
``onewindow.deadletter`` with the reason. Errors a connector raises mean:

- :class:`~hub.errors.RetriableError`: try the same call again, with exponential backoff;
- :class:`~hub.errors.BackpressureError`: the same, but wait ``retry_after`` seconds first;
- any other :class:`~hub.errors.ConnectorError`: this input can never succeed (a sink's
  batch is then retried event by event, and the failing events are dead-lettered);
- anything else is a bug: the runner stops without committing, so nothing is lost.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import ClassVar, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.errors import ConnectorError
from hub.events import EVENT_MODELS, Event
from hub.events.erasure import PersonErased
from hub.publisher import Delivery
from hub.serde import Serializer

Kind = Literal["source", "sink"]


class RetryPolicy(BaseModel):
    """Exponential backoff for retriable errors: how often, and how long between tries."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_attempts: int = Field(default=5, ge=1)
    initial_backoff: float = Field(default=0.5, ge=0)
    max_backoff: float = Field(default=30.0, ge=0)
    multiplier: float = Field(default=2.0, ge=1)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_backoff, self.initial_backoff * self.multiplier ** (attempt - 1)))


class ConnectorConfig(BaseModel):
    """Base of every connector's config: unknown keys are refused, so typos are named."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    retry: RetryPolicy = RetryPolicy()


class SourceConfig(ConnectorConfig):
    """Base config of a source."""

    poll_interval: float = Field(default=1.0, ge=0, description="Seconds to idle after no data.")


class SinkConfig(ConnectorConfig):
    """Base config of a sink: what it subscribes to."""

    topics: list[str] = Field(min_length=1)
    event_types: list[str] = Field(default_factory=list, description="Empty: every type.")
    group_id: str | None = Field(default=None, description="Default: connector-NAME.")
    batch_size: int = Field(default=100, ge=1)
    department: str | None = Field(
        default=None, description="Delivers to this department: its agreements decide what goes."
    )
    purpose: str = Field(default="licensing", description="The purpose the department reads for.")

    @field_validator("event_types")
    @classmethod
    def _known_types(cls, names: list[str]) -> list[str]:
        unknown = sorted(set(names) - set(EVENT_MODELS))
        if unknown:
            raise ValueError(f"unknown event types {unknown}")
        return names

    def wants(self, event: Event) -> bool:
        """True when the sink subscribed to events of this type."""
        return not self.event_types or event.event_name in self.event_types


C = TypeVar("C", bound=ConnectorConfig)


@dataclass(frozen=True)
class Rejected:
    """Input a source could not turn into an event: the bytes as they arrived, and why."""

    value: bytes
    reason: str
    error_class: str = "ValidationError"
    key: str | None = None
    origin: Mapping[str, str] = field(default_factory=dict)


class RawSender(Protocol):
    """The runner's producer, for sources that relay records already encoded (the outbox)."""

    def publish_raw(
        self,
        topic: str,
        key: str | bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> Future[Delivery]:
        """Queue one record; the future fails if the broker does not confirm it."""
        ...

    def flush(self, timeout: float = ...) -> int:
        """Wait up to ``timeout`` seconds for queued records; returns how many are left."""
        ...


@dataclass(frozen=True)
class SourceContext:
    """What the runner hands a source at start: its name and where rejected input goes."""

    name: str
    reject: Callable[[Rejected], None]
    serializer: Serializer
    sender: RawSender


class Connector(ABC, Generic[C]):
    """What both kinds share: a name for their kind, a config model and a summary."""

    kind: ClassVar[Kind]
    config_model: ClassVar[type[ConnectorConfig]]

    @classmethod
    def summary(cls) -> str:
        """The first line of the class docstring, shown by ``onewindow connector list``."""
        lines = (cls.__doc__ or "").strip().splitlines()
        return lines[0] if lines else ""

    @abstractmethod
    def stop(self) -> None:
        """Release everything; called once at shutdown, harmless when called again."""


class Source(Connector[C]):
    """Reads a department system and turns what it finds into events.

    Call order: ``start`` once, then ``poll`` and ``commit`` in turn, then ``stop``.
    """

    kind: ClassVar[Kind] = "source"

    @abstractmethod
    def start(self, config: C, context: SourceContext) -> None:
        """Open the system with a validated config; calling it again is harmless."""

    @abstractmethod
    def poll(self) -> list[Event]:
        """The next events, in order per key; ``[]`` when nothing is waiting.

        Input that is not a valid event goes to ``context.reject`` instead, with the reason.
        Event ids should be derived from the input (not random), so that input polled
        again after a crash yields the same ids and consumers drop the duplicates.
        """

    @abstractmethod
    def commit(self, events: Sequence[Event]) -> None:
        """Acknowledge the last poll: the broker has confirmed every event and rejection.

        Only now may the source mark its input as done (move a file, set ``sent_at``).
        A crash before this call means the same input is polled again after restart.
        """


class Sink(Connector[C]):
    """Delivers the events of subscribed topics to a department system.

    Call order: ``start`` once, then ``write`` and ``flush`` per batch, then ``stop``.
    Offsets are committed only after ``flush`` returned, so a crash means redelivery:
    a sink must be idempotent by event id (the same event twice changes nothing).
    """

    kind: ClassVar[Kind] = "sink"

    @abstractmethod
    def start(self, config: C) -> None:
        """Open the target with a validated config; calling it again is harmless."""

    @abstractmethod
    def write(self, batch: Sequence[Event]) -> None:
        """Deliver or buffer ``batch``: in log order per key, possibly seen before."""

    @abstractmethod
    def flush(self) -> None:
        """Make everything written so far durable; called before offsets are committed."""

    def erase(self, notice: PersonErased) -> None:
        """Erase from the target what this sink delivered of an erased person.

        Called, after ``flush``, for each :class:`~hub.events.erasure.PersonErased`
        addressed to this connector's consumer group: ``notice.event_ids`` are the events
        naming the person that it delivered, ``notice.aggregate_ids`` their case and
        license ids. Idempotent: a notice can come again. The default cannot erase, and
        says so: the runner dead-letters the notice with this reason, for someone to act.
        """
        raise ConnectorError(
            f"{type(self).__name__} cannot erase delivered copies: erase events "
            f"{', '.join(notice.event_ids)} from the target by hand"
        )
