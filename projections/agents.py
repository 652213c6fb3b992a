"""The faust agents of the worker: read models fed in batches, processors that publish.

One agent feeds the read models and one per processor runs it. Each takes a batch of raw
messages (``stream.take_events``), decodes them with the hub's serde (a bad message goes
to the dead-letter topic with its reason and the agent goes on) and hands the events to
the read models or its processor. faust acknowledges the batch only when the agent asks
for the next one, so everything a batch causes (rows committed, events confirmed by the
broker) happens before its offsets can be committed: at least once, and idempotent by
event id downstream::

    context = AgentContext(deserializer, publisher)
    attach_projections(app, [Projector(engine)], context)
    for processor in processors:
        attach_processor(app, processor, context)

A batch's work (SQL, the processors' decisions) runs on the event loop itself, not on a
thread: faust-streaming's Kafka consumer, which sends the heartbeats, has a thread and a
loop of its own, and the work is Python that holds the interpreter lock anyway. Handed to
a thread, it made the loop's per-message delivery compete with it for the lock
(``onewindow bench pipeline``, 100,000 events: the faust path ran at 0.29 of the plain
loop with the work on a thread, 0.44 on the loop). A batch whose work fails (the
database or the broker away) is tried again until it succeeds: see :func:`until_done`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

import faust

from hub.clock import Clock, SystemClock
from hub.consuming import decode_or_deadletter
from hub.deadletter import DeadLetterRouter
from hub.events import Event
from hub.publisher import Publisher
from hub.serde import Deserializer
from projections.engine import Projector
from projections.processors.base import Processor

logger = logging.getLogger(__name__)

Position = tuple[str, int, int]

# Larger batches amortise each read model's statements and the pages a commit writes
# (events of one case share them): 5,000 rather than 2,000 made a worker catching up 13%
# faster (``onewindow bench pipeline``, 400,000 events). WITHIN_S bounds the wait for a
# batch, so a row appears at most half a second after its event when traffic is light.
BATCH = 5000
WITHIN_S = 0.5
READ_MODELS = "read-models"
TICK_INTERVAL_S = 5.0
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0
# Decoded messages kept for the other agents of the same topic: a few batches' worth.
RECENT_DECODED = 5 * BATCH
# The exit code of a worker that stopped without finishing a batch (EX_TEMPFAIL).
EXIT_UNFINISHED = 75


@dataclass
class AgentContext:
    """What every agent of a worker shares: the serde, the publisher and the clock.

    Several agents read the same topic (a message of ``onewindow.applications`` reaches
    the read models and three processors); the first to reach a message decodes it, or
    dead-letters it, and the others take that outcome from a small cache of recent ones.
    """

    deserializer: Deserializer
    publisher: Publisher
    clock: Clock = field(default_factory=SystemClock)
    _recent: OrderedDict[Position, Event | None] = field(default_factory=OrderedDict)

    def decode(self, events: Sequence[faust.EventT[Any]], consumer: str) -> list[Event]:
        """The valid events of a batch, in order; bad messages are dead-lettered."""
        router = DeadLetterRouter(self.publisher, consumer=consumer)
        decoded = [self._event(event.message, router) for event in events]
        return [event for event in decoded if event is not None]

    def _event(self, message: faust.types.Message, router: DeadLetterRouter) -> Event | None:
        where = (message.topic, message.partition, message.offset)
        if where in self._recent:
            return self._recent[where]
        received = decode_or_deadletter(
            message.value,
            message.key,
            message.headers,
            message.topic,
            message.partition,
            message.offset,
            deserializer=self.deserializer,
            router=router,
        )
        event = self._recent[where] = None if received is None else received.event
        if len(self._recent) > RECENT_DECODED:
            self._recent.popitem(last=False)
        return event

    async def publish(self, events: Iterable[Event]) -> None:
        """Publish ``events`` and return once the broker has confirmed every one."""
        futures = [asyncio.wrap_future(self.publisher.publish(event)) for event in events]
        if futures:
            await asyncio.gather(*futures)


def projection_topics(projector: Projector) -> list[str]:
    """The topics whose events the projections of ``projector`` read."""
    names = {event_type.topic.value for p in projector.projections for event_type in p.steps}
    return sorted(names)


def attach_projections(
    app: faust.App, projectors: Sequence[Projector], context: AgentContext, name: str = READ_MODELS
) -> str:
    """Add one agent feeding every read model from their topics; returns the agent's name.

    One agent rather than one per read model: faust hands each message to every agent of
    its topic, and on the embedded broker those deliveries, not the SQL, bound the rate.
    The worker passes one projector for all read models, so a batch is one transaction.
    """
    topics = sorted({name for projector in projectors for name in projection_topics(projector)})
    topic = app.topic(*topics, key_type=bytes, value_type=bytes)

    def apply_all(batch: list[Event]) -> None:
        for projector in projectors:
            projector.apply(batch)  # events of types it does not read are skipped cheaply

    async def apply(events: Sequence[faust.EventT[Any]]) -> None:
        batch = context.decode(events, name)
        if batch:
            apply_all(batch)

    async def project(stream: faust.StreamT[Any]) -> None:
        async for events in _batches(stream):
            await until_done(functools.partial(apply, events), name)

    app.agent(topic, name=name)(project)
    return name


def attach_processor(app: faust.App, processor: Processor, context: AgentContext) -> str:
    """Add an agent running ``processor`` on its topics, and a timer calling its tick."""
    agent_name = f"processor-{processor.name}"
    topic = app.topic(*(str(t) for t in processor.topics), key_type=bytes, value_type=bytes)

    async def handle(events: Sequence[faust.EventT[Any]]) -> None:
        batch = context.decode(events, agent_name)
        if batch:
            caused = processor.handle(batch, context.clock.now())
            await context.publish(caused)

    async def process(stream: faust.StreamT[Any]) -> None:
        async for events in _batches(stream):
            await until_done(functools.partial(handle, events), agent_name)

    async def tick() -> None:
        try:
            caused = processor.tick(context.clock.now())
            await context.publish(caused)
        except Exception:
            # Safe to leave to the next tick: it returns again what was not confirmed.
            logger.exception("%s: tick failed; the next one tries again", agent_name)

    app.agent(topic, name=agent_name)(process)
    app.timer(TICK_INTERVAL_S, name=f"{agent_name}-tick")(tick)
    return agent_name


def _batches(stream: faust.StreamT[Any]) -> AsyncIterator[Sequence[faust.EventT[Any]]]:
    # Agents are handed the concrete Stream; only it has take_events, which keeps each
    # message unacknowledged until the agent asks for the next batch.
    return cast(faust.Stream[Any], stream).take_events(BATCH, within=WITHIN_S)


async def until_done(work: Callable[[], Awaitable[None]], agent: str) -> None:
    """Run a batch's work until it succeeds, even through a shutdown.

    ``take_events`` acknowledges a batch as soon as the agent's body returns or raises,
    so the body may do neither before the work is done: a failure (the database or the
    broker away) is retried with a growing pause, and a shutdown waits for the attempt
    in progress. A shutdown during the pause after a failure ends the process before
    anything can acknowledge the batch, so that it is delivered again.
    """
    delay = RETRY_FIRST_S
    while True:
        task = asyncio.ensure_future(work())
        try:
            await asyncio.shield(task)
            return
        except asyncio.CancelledError:
            await _finish_or_abandon(task, agent)
            raise
        except Exception:
            logger.exception("%s: a batch failed; trying it again in %.1fs", agent, delay)
        await _pause(delay, agent)
        delay = min(2 * delay, RETRY_MAX_S)


async def _finish_or_abandon(task: asyncio.Future[None], agent: str) -> None:
    try:
        await task
    except Exception:
        logger.exception("%s: a batch failed during shutdown", agent)
        _abandon(agent)


async def _pause(delay: float, agent: str) -> None:
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        _abandon(agent)


def _abandon(agent: str) -> NoReturn:
    logger.critical("%s: stopping with an unfinished batch; it will be delivered again", agent)
    logging.shutdown()
    os._exit(EXIT_UNFINISHED)
