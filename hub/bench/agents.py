"""The faust path of the pipeline bench: the worker's agents on the embedded broker."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from confluent_kafka import Producer

from hub.bench.loop import tracked_records
from hub.broker.clients import producer_config
from hub.broker.embedded import RETAINED_BYTES, EmbeddedBroker
from hub.broker.lag import LagReader
from hub.consuming import RawMessage
from hub.db import create_engine_for
from hub.errors import HubError
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer
from hub.settings import load_settings
from hub.topics import declared_topics

# The faust path gives up when no record is written for this long.
STALL_S = 120.0
# How often the faust path counts records: often enough to time it, rarely enough not to
# compete with the worker it times.
WATCH_S = 0.2


def faust_seconds(
    messages: list[RawMessage], tracked: int, registry: EmbeddedRegistry, tmp: Path
) -> float:
    """Seconds the worker's agents take to apply ``messages`` from the embedded broker."""
    from projections.agents import AgentContext, attach_projections
    from projections.app import create_app
    from projections.engine import Projector
    from projections.worker import Worker, run_worker

    with EmbeddedBroker(topics=declared_topics()) as broker:
        bootstrap = broker.bootstrap_servers
        _produce(bootstrap, messages)
        _check_retained(bootstrap, messages)
        settings = load_settings(data_dir=tmp, kafka={"bootstrap_servers": bootstrap})
        engine = create_engine_for(f"sqlite:///{tmp / 'faust.db'}")
        app = create_app(settings, bootstrap, f"bench-{uuid.uuid4().hex[:8]}")
        context = AgentContext(Deserializer(registry), Publisher(bootstrap))
        attach_projections(app, [Projector(engine)], context)
        watch = _Watch(lambda: tracked_records(engine), tracked)
        app.on_rebalance_complete.connect(watch.rebalanced)
        app.task(watch.until_done)
        run_worker(Worker(app, context, engine), loglevel="error")
    return watch.seconds()


def _produce(bootstrap: str, messages: list[RawMessage]) -> None:
    producer = Producer(producer_config(bootstrap))
    for message in messages:
        while True:
            try:
                producer.produce(
                    message.topic, message.value, message.key, headers=list(message.headers)
                )
                break
            except BufferError:
                producer.poll(0.05)
    unconfirmed = producer.flush(60)
    if unconfirmed:
        raise HubError(f"the embedded broker did not confirm {unconfirmed:,} of the messages")


def _check_retained(bootstrap: str, messages: list[RawMessage]) -> None:
    """A HubError, before the worker starts, when the broker already dropped some messages."""
    starts = LagReader(bootstrap).log_starts({message.topic for message in messages})
    dropped = sum(starts.values())
    if dropped:
        raise HubError(
            f"the embedded broker kept {len(messages) - dropped:,} of the {len(messages):,} "
            f"messages: it holds the newest {RETAINED_BYTES // 2**20} MiB of a partition and "
            "drops the rest; run the faust path on fewer events (--faust-events)"
        )


class _Watch:
    """Times the faust path from the partitions being assigned until every record is in."""

    def __init__(self, count: Callable[[], int], expected: int) -> None:
        self._count, self._expected = count, expected
        self._started = 0.0
        self._done = 0.0
        self._last = (time.perf_counter(), 0)

    async def rebalanced(self, _sender: Any, /, *_args: Any, **_kwargs: Any) -> None:
        """Connected to ``on_rebalance_complete``: from here on, the agents consume."""
        self._started = self._started or time.perf_counter()

    async def until_done(self) -> None:
        """Poll; once every record is written, or none for a long while, stop the worker."""
        while not self._finished(await asyncio.to_thread(self._count), time.perf_counter()):
            await asyncio.sleep(WATCH_S)
        signal.raise_signal(signal.SIGTERM)  # the worker stops as it does in production

    def _finished(self, found: int, now: float) -> bool:
        if found != self._last[1]:
            self._last = (now, found)
        if found >= self._expected:
            self._done = now
        return bool(self._done) or now - self._last[0] > STALL_S

    def seconds(self) -> float:
        """From the assignment of the partitions to the last record written."""
        if not (self._started and self._done):
            raise HubError(
                f"the faust worker applied {self._last[1]} of {self._expected} tracking records "
                f"and then nothing for {STALL_S:g}s"
            )
        return self._done - self._started
