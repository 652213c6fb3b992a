"""The faust agents of the worker: read models fed in batches, processors that publish.

Each agent takes a batch of raw messages (``stream.take_events``), decodes them with the
hub's serde (a bad message goes to the dead-letter topic with its reason and the agent
goes on) and hands the events to its read model or processor. faust acknowledges the
batch only when the agent asks for the next one, so everything a batch causes (rows
committed, events confirmed by the broker) happens before its offsets can be committed:
at least once, and idempotent by event id downstream::

    context = AgentContext(deserializer, publisher)
    attach_projection(app, Projector(engine, "case_view"), context)
    for processor in processors:
        attach_processor(app, processor, context)

Blocking work (SQL, the processors' decisions) runs on a thread, so that the event loop
keeps serving the consumer's heartbeats while a large batch is written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

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

BATCH = 500
WITHIN_S = 0.2
TICK_INTERVAL_S = 5.0


@dataclass
class AgentContext:
    """What every agent of a worker shares: the serde, the publisher and the clock."""

    deserializer: Deserializer
    publisher: Publisher
    clock: Clock = field(default_factory=SystemClock)
    processed: dict[str, int] = field(default_factory=dict)

    def decode(self, events: Sequence[faust.EventT[Any]], consumer: str) -> list[Event]:
        """The valid events of a batch, in order; bad messages are dead-lettered."""
        router = DeadLetterRouter(self.publisher, consumer=consumer)
        decoded = []
        for event in events:
            message = event.message
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
            if received is not None:
                decoded.append(received.event)
        self.processed[consumer] = self.processed.get(consumer, 0) + len(events)
        return decoded

    async def publish(self, events: Iterable[Event]) -> None:
        """Publish ``events`` and return once the broker has confirmed every one."""
        futures = [asyncio.wrap_future(self.publisher.publish(event)) for event in events]
        if futures:
            await asyncio.gather(*futures)


def projection_topics(projector: Projector) -> list[str]:
    """The topics whose events the projections of ``projector`` read."""
    names = {event_type.topic.value for p in projector.projections for event_type in p.steps}
    return sorted(names)


def attach_projection(
    app: faust.App, projector: Projector, context: AgentContext, name: str | None = None
) -> str:
    """Add an agent feeding ``projector`` from its topics; returns the agent's name."""
    agent_name = name or "projection-" + "-".join(p.name for p in projector.projections)
    topic = app.topic(*projection_topics(projector), key_type=bytes, value_type=bytes)

    async def project(stream: faust.StreamT[Any]) -> None:
        async for events in _batches(stream):
            batch = context.decode(events, agent_name)
            if batch:
                await asyncio.to_thread(projector.apply, batch)

    app.agent(topic, name=agent_name)(project)
    return agent_name


def attach_processor(app: faust.App, processor: Processor, context: AgentContext) -> str:
    """Add an agent running ``processor`` on its topics, and a timer calling its tick."""
    agent_name = f"processor-{processor.name}"
    topic = app.topic(*(str(t) for t in processor.topics), key_type=bytes, value_type=bytes)

    async def process(stream: faust.StreamT[Any]) -> None:
        async for events in _batches(stream):
            batch = context.decode(events, agent_name)
            if batch:
                caused = await asyncio.to_thread(processor.handle, batch, context.clock.now())
                await context.publish(caused)

    async def tick() -> None:
        caused = await asyncio.to_thread(processor.tick, context.clock.now())
        await context.publish(caused)

    app.agent(topic, name=agent_name)(process)
    app.timer(TICK_INTERVAL_S, name=f"{agent_name}-tick")(tick)
    return agent_name


def _batches(stream: faust.StreamT[Any]) -> AsyncIterator[Sequence[faust.EventT[Any]]]:
    # Agents are handed the concrete Stream; only it has take_events, which keeps each
    # message unacknowledged until the agent asks for the next batch.
    return cast(faust.Stream[Any], stream).take_events(BATCH, within=WITHIN_S)
