"""A loopback log for tests and simulations: processors fed as the real log would feed them.

Each event goes to every processor subscribed to its topic; what they emit is fed back
the same way until nothing new comes out, and each event id is delivered once, as the
hub's consumers de-duplicate. Time comes from a :class:`~hub.clock.Clock`, so a test
moves a :class:`~hub.clock.ManualClock` and calls :meth:`LoopbackLog.tick`::

    log = LoopbackLog(build_processors(engine, catalogue, calendar), ManualClock(start))
    caused = log.feed(submitted)          # tasks, materials, commitments...
    clock.advance(timedelta(days=9))
    warnings = log.tick()                 # deadline warnings, breaches, expiries
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.clock import Clock
from hub.events import Event
from projections.processors.base import Processor


class LoopbackLog:
    """Delivers events to processors and feeds their output back, each event id once."""

    def __init__(self, processors: Sequence[Processor], clock: Clock) -> None:
        self.processors = list(processors)
        self.clock = clock
        self.delivered: list[Event] = []
        self._seen: set[str] = set()

    def feed(self, *events: Event) -> list[Event]:
        """Deliver ``events`` and everything they cause; return the caused events in order."""
        return self._run(self._new(events))

    def tick(self) -> list[Event]:
        """Run every processor's timer now; return what fired and everything it caused."""
        fired = self._new([event for p in self.processors for event in p.tick(self.clock.now())])
        return fired + self._run(fired)

    def _run(self, pending: list[Event]) -> list[Event]:
        caused: list[Event] = []
        while pending:
            self.delivered += pending
            emitted = [e for p in self.processors for e in self._deliver(p, pending)]
            pending = self._new(emitted)
            caused += pending
        return caused

    def processor(self, name: str) -> Processor:
        """The processor called ``name``."""
        return next(p for p in self.processors if p.name == name)

    def _new(self, events: Sequence[Event]) -> list[Event]:
        """The events not delivered yet, each once, marked as delivered from now on."""
        fresh = list({e.event_id: e for e in events if e.event_id not in self._seen}.values())
        self._seen |= {event.event_id for event in fresh}
        return fresh

    def _deliver(self, processor: Processor, events: Sequence[Event]) -> list[Event]:
        mine = [event for event in events if event.topic in processor.topics]
        return processor.handle(mine, self.clock.now()) if mine else []
