"""How fast the publish path runs, and how long an event takes from publish to consumer.

Measured in one run on a fresh embedded broker with realistic ApplicationSubmitted events:

* throughput: :meth:`Publisher.publish_many` of pre-built event models until the broker
  confirmed every one (encoding, envelope, ``produce``, delivery reports), against raw
  ``fastavro.schemaless_writer`` encoding of the same records into bytes. The publisher
  encodes with the writer compiled for the schema (:mod:`hub.avro`), the same bytes at a
  fraction of fastavro's cost, which pays for the rest of the path; the rate of our
  encoding alone beside it shows what the rest costs.

  Rounds alternate which side runs first, and the best round of each side counts. Raw
  encoding is timed by the CPU time of its thread, what it achieves with a core to itself;
  publishing needs the wall clock, since it waits for the broker. On a busy machine this
  can only lower the ratio, never flatter it. The CPU time of the publishing thread per
  event, beside raw encoding's, bounds what the ratio can reach on an idle machine.
* latency: events published at a steady pace (1,000 per second by default) and read by
  an :class:`~hub.consuming.EventConsumer` in the same process; each latency runs from
  just before ``publish`` to the handler receiving the decoded event.
"""

from __future__ import annotations

import functools
import gc
import statistics
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from io import BytesIO
from typing import Any

import fastavro

from hub.bench.serde import sample_record
from hub.broker.embedded import EmbeddedBroker
from hub.consuming import EventConsumer, Received
from hub.errors import BrokerError
from hub.events.applications import ApplicationSubmitted
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer, Serializer
from hub.topics import topic_spec

THROUGHPUT_TARGET = 0.85
JOIN_TIMEOUT = 30.0
WARM_UP = 500
DRAIN_TIMEOUT = 10.0
# The consumer asks the broker to answer fetches at once rather than wait to fill them:
# what a latency-sensitive processor would configure.
LOW_LATENCY_CONSUMER: dict[str, Any] = {
    "fetch.wait.max.ms": 10,
    "fetch.error.backoff.ms": 10,
    "auto.offset.reset": "latest",
}


@dataclass(frozen=True)
class PublishBench:
    """Throughput against raw fastavro, and publish-to-consume latency at a steady pace."""

    records: int
    rounds: int
    message_bytes: int
    raw_encode_per_s: float
    encode_per_s: float
    publish_per_s: float
    ratio: float
    median_ratio: float
    thread_cpu_ratio: float
    paced_rate: int
    sent: int
    received: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    target: float = THROUGHPUT_TARGET

    @property
    def passed(self) -> bool:
        """True when the ratio meets its target and every paced event was consumed."""
        return self.ratio >= self.target and self.received == self.sent

    def as_dict(self) -> dict[str, Any]:
        """The figures, with ``passed``, for ``--json``."""
        return {**asdict(self), "passed": self.passed}

    def lines(self) -> list[str]:
        """The figures for people."""
        verdict = "pass" if self.ratio >= self.target else "FAIL"
        return [
            f"publish: {self.publish_per_s:,.0f} events/s confirmed,"
            f" raw fastavro encoding {self.raw_encode_per_s:,.0f}/s,"
            f" ratio {self.ratio:.2f} (target {self.target:.2f}) {verdict}",
            f"  median rounds: ratio {self.median_ratio:.2f}; CPU of the publishing thread:"
            f" ratio {self.thread_cpu_ratio:.2f}; our encoding alone: {self.encode_per_s:,.0f}/s",
            f"  {self.message_bytes} bytes per event, best of {self.rounds} x {self.records}",
            f"latency at {self.paced_rate:,}/s: p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms,"
            f" max {self.max_ms:.1f} ms ({self.received} of {self.sent} consumed)",
        ]


def run(
    records: int = 20_000, rounds: int = 3, rate: int = 1000, seconds: float = 5
) -> PublishBench:
    """Start an embedded broker and measure throughput, then paced latency."""
    registry = EmbeddedRegistry()
    serializer = Serializer(registry)
    events, paced = _events(records), _events(int(rate * seconds))
    # The prepared inputs live through the run; frozen, the collector stops rescanning them,
    # so what is timed is the work per event, as for a caller building events as it goes.
    gc.collect()
    gc.freeze()
    broker = EmbeddedBroker(topics=[topic_spec(ApplicationSubmitted.topic)]).start()
    try:
        with Publisher(broker.bootstrap_servers, serializer) as publisher:
            rates = _throughput(publisher, serializer, events, rounds)
            latencies = _latency(
                broker.bootstrap_servers, publisher, Deserializer(registry), paced, rate
            )
    finally:
        broker.stop()
        gc.unfreeze()
    ordered = sorted(latencies) or [float("nan")]
    best = {side: records / min(taken) for side, taken in rates.items()}
    median = {side: records / statistics.median(taken) for side, taken in rates.items()}
    return PublishBench(
        records=records,
        rounds=rounds,
        message_bytes=len(serializer.encode_event(events[0])),
        raw_encode_per_s=best["raw cpu"],
        encode_per_s=best["encode cpu"],
        publish_per_s=best["publish wall"],
        ratio=best["publish wall"] / best["raw cpu"],
        median_ratio=median["publish wall"] / median["raw cpu"],
        thread_cpu_ratio=best["publish cpu"] / best["raw cpu"],
        paced_rate=rate,
        sent=len(paced),
        received=len(latencies),
        p50_ms=_quantile(ordered, 0.50) * 1000,
        p99_ms=_quantile(ordered, 0.99) * 1000,
        max_ms=ordered[-1] * 1000,
    )


def _events(count: int) -> list[ApplicationSubmitted]:
    record = sample_record()
    return [
        ApplicationSubmitted.model_validate(
            {**record, "event_id": str(uuid.uuid4()), "case_id": f"CASE-2026-{n:06d}"}
        )
        for n in range(count)
    ]


def _throughput(
    publisher: Publisher, serializer: Serializer, events: list[ApplicationSubmitted], rounds: int
) -> dict[str, list[float]]:
    """Seconds each round of each side took, by wall clock ("raw wall") and CPU ("raw cpu")."""
    parsed = serializer.parsed_schema(ApplicationSubmitted.event_name)
    records = [event.to_record() for event in events]
    sides: dict[str, Callable[[], object]] = {
        "raw": functools.partial(_raw_encode, parsed, records),
        "encode": functools.partial(_encode_all, publisher, events),
        "publish": functools.partial(_publish_all, publisher, events),
    }
    _publish_all(publisher, events[:WARM_UP])  # connections, metadata and caches first
    taken: dict[str, list[float]] = defaultdict(list)
    order = list(sides)
    for _ in range(rounds):
        for side in order:
            wall, cpu = _timed(sides[side])
            taken[f"{side} wall"].append(wall)
            taken[f"{side} cpu"].append(cpu)
        order.reverse()
    return taken


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and this thread's CPU seconds that ``work`` took."""
    wall, cpu = time.perf_counter(), time.thread_time()
    work()
    return time.perf_counter() - wall, time.thread_time() - cpu


def _raw_encode(parsed: Any, records: list[dict[str, Any]]) -> None:
    for record in records:
        out = BytesIO()
        fastavro.schemaless_writer(out, parsed, record)
        out.getvalue()


def _encode_all(publisher: Publisher, events: list[ApplicationSubmitted]) -> None:
    for event in events:
        publisher.encode(event)


def _publish_all(publisher: Publisher, events: list[ApplicationSubmitted]) -> int:
    # wait() raises on a refused event: a failed delivery must fail the bench, not flatter it.
    return publisher.publish_many(events).wait()


class _Timings:
    """Send times by event id, and the latency of each event the consumer handed over."""

    def __init__(self) -> None:
        self.sent_at: dict[str, float] = {}
        self.latencies: list[float] = []
        self.consuming = threading.Event()

    def consumed(self, received: Received) -> None:
        now = time.perf_counter()
        started = self.sent_at.get(received.event_id)
        if started is None:
            self.consuming.set()  # a warm-up event: the consumer has its partitions
        else:
            self.latencies.append(now - started)


def _latency(
    bootstrap: str,
    publisher: Publisher,
    deserializer: Deserializer,
    paced: list[ApplicationSubmitted],
    rate: int,
) -> list[float]:
    timings, stop = _Timings(), threading.Event()
    consumer = EventConsumer(
        bootstrap,
        f"bench-{uuid.uuid4().hex}",
        [ApplicationSubmitted.topic],
        timings.consumed,
        deserializer=deserializer,
        publisher=publisher,
        **LOW_LATENCY_CONSUMER,
    )
    worker = threading.Thread(target=consumer.run, args=(stop, 0.05), daemon=True)
    worker.start()
    try:
        _wait_until_consuming(publisher, timings, paced[0])
        _publish_paced(publisher, timings, paced, rate)
        _wait(lambda: len(timings.latencies) >= len(paced), DRAIN_TIMEOUT)
    finally:
        stop.set()
        worker.join()
        consumer.close()
    return timings.latencies


def _wait_until_consuming(
    publisher: Publisher, timings: _Timings, sample: ApplicationSubmitted
) -> None:
    # Events published before the group has its partitions are skipped ("latest"), so
    # warm-up events go out until one arrives.
    deadline = time.monotonic() + JOIN_TIMEOUT
    while not timings.consuming.wait(0.2):
        if time.monotonic() > deadline:
            raise BrokerError(f"the bench consumer got no partitions within {JOIN_TIMEOUT:g}s")
        publisher.publish(sample.model_copy(update={"event_id": f"warm-up-{uuid.uuid4()}"}))


def _publish_paced(
    publisher: Publisher, timings: _Timings, paced: list[ApplicationSubmitted], rate: int
) -> None:
    start = time.perf_counter()
    for n, event in enumerate(paced):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        timings.sent_at[event.event_id] = time.perf_counter()
        publisher.publish(event)


def _wait(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)


def _quantile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
