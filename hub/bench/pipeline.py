"""How fast generated workflows go from Avro bytes to SQLite rows, against three baselines.

One run generates the events (mixed types, one case per four events), encodes them as
they lie on the topics, and measures on the same messages:

- **ours**: the worker's work without the broker, a plain loop that decodes each
  message once with the hub's serde and has every read model apply the agents' batches;
- **raw decode**: fastavro alone on the same bytes (the ceiling of any consumer);
- **hub decode**: the hub's own decoding and validation alone (framing, schema id,
  upcasting, the pydantic model), the part of *ours* that is not the read models;
- **raw driver**: ours with every SQLAlchemy ``execute`` replaced by the very statements
  it sent, replayed through plain ``sqlite3`` (what SQLAlchemy costs);
- **faust**: the worker's faust agents on the embedded broker, against the plain loop
  on the same messages (what the agents and the broker cost).

Generation and encoding are not timed. The faust path runs on the first ``faust_events``
messages: the embedded broker keeps 5 MiB of a partition, about 130,000 generated events.
"""

from __future__ import annotations

import gc
import json
import resource
import tempfile
import time
from dataclasses import asdict, dataclass
from io import BytesIO
from itertools import islice
from pathlib import Path
from typing import Any

import fastavro

from hub import collector
from hub.bench.agents import faust_seconds
from hub.bench.loop import PlainLoop, replay_seconds
from hub.consuming import RawMessage
from hub.envelope import headers_for
from hub.registry import EmbeddedRegistry
from hub.serde import HEADER, Deserializer, Serializer

TARGETS = {"vs_raw_decode": 0.22, "vs_raw_driver": 0.9, "faust_vs_loop": 0.35}
EVENTS_PER_CASE = 4
SEED = 2026


@dataclass(frozen=True)
class PipelineBench:
    """Events per second of each path, and the ratios against their targets."""

    events: int
    cases: int
    departments: int
    faust_events: int
    raw_decode_per_s: float
    hub_decode_per_s: float
    ours_per_s: float
    raw_driver_per_s: float
    loop_per_s: float
    faust_per_s: float
    peak_rss_mb: float

    @property
    def ratios(self) -> dict[str, float]:
        """Ours against raw decode and raw driver; faust against the plain loop."""
        return {
            "vs_raw_decode": self.ours_per_s / self.raw_decode_per_s,
            "vs_raw_driver": self.ours_per_s / self.raw_driver_per_s,
            "faust_vs_loop": self.faust_per_s / self.loop_per_s,
        }

    @property
    def passed(self) -> bool:
        """True when every ratio meets its target."""
        return all(self.ratios[name] >= target for name, target in TARGETS.items())

    def lines(self) -> list[str]:
        """The figures for people, one comparison per line."""
        verdict = {
            name: "pass" if self.ratios[name] >= t else "FAIL" for name, t in TARGETS.items()
        }
        ratio = {
            name: f"ratio {self.ratios[name]:.2f} (target {TARGETS[name]:.2f})" for name in TARGETS
        }
        return [
            f"{self.events:,} events of {self.cases:,} cases, {self.departments} departments",
            f"ours: {self.ours_per_s:,.0f} events/s into SQLite",
            f"raw fastavro decode: {self.raw_decode_per_s:,.0f}/s, "
            f"{ratio['vs_raw_decode']} {verdict['vs_raw_decode']}",
            f"  of which the hub's decoding and validation alone: {self.hub_decode_per_s:,.0f}/s, "
            f"{self.ours_per_s / self.hub_decode_per_s:.0%} of our time",
            f"raw sqlite3 driver: {self.raw_driver_per_s:,.0f}/s, "
            f"{ratio['vs_raw_driver']} {verdict['vs_raw_driver']}",
            f"faust agents: {self.faust_per_s:,.0f}/s on {self.faust_events:,} events, plain loop "
            f"{self.loop_per_s:,.0f}/s, {ratio['faust_vs_loop']} {verdict['faust_vs_loop']}",
            f"peak memory: {self.peak_rss_mb:,.0f} MB",
        ]

    def as_dict(self) -> dict[str, Any]:
        """The figures, ratios, targets and ``passed``, for ``--json``."""
        return {
            **asdict(self),
            "ratios": self.ratios,
            "targets": TARGETS,
            "passed": self.passed,
        }


def run(
    events: int = 1_000_000, faust_events: int = 100_000, workdir: Path | None = None
) -> PipelineBench:
    """Generate ``events`` events and measure every path on them."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        return _measure(events, min(faust_events, events), Path(tmp))


def _measure(count: int, faust_count: int, tmp: Path) -> PipelineBench:
    registry = EmbeddedRegistry()
    messages, departments = _generate(count, Serializer(registry))
    # Every path runs with the worker's collector settings. The generated messages stand
    # for the broker's log, which is not in a worker's heap: settled, the collector does
    # not walk them again and again (that was a tenth of the plain loop's time).
    previous = collector.for_batches()
    collector.settle()
    try:
        return _paths(messages, departments, registry, faust_count, tmp)
    finally:
        gc.unfreeze()
        gc.set_threshold(*previous)


def _paths(
    messages: list[RawMessage],
    departments: int,
    registry: EmbeddedRegistry,
    faust_count: int,
    tmp: Path,
) -> PipelineBench:
    count = len(messages)
    raw_decode = _raw_decode(messages, registry)
    hub_decode = _hub_decode(messages, Deserializer(registry))
    loop = PlainLoop(Deserializer(registry))
    ours = loop.timed(messages, f"sqlite:///{tmp / 'ours.db'}")
    replay_s = replay_seconds(ours.statements, tmp / "driver.db")
    subset = messages[:faust_count]
    plain = ours if faust_count == count else loop.timed(subset, f"sqlite:///{tmp / 'loop.db'}")
    faust_s = faust_seconds(subset, plain.tracked, registry, tmp)
    return PipelineBench(
        events=count,
        cases=count // EVENTS_PER_CASE,
        departments=departments,
        faust_events=faust_count,
        raw_decode_per_s=count / raw_decode,
        hub_decode_per_s=count / hub_decode,
        ours_per_s=count / ours.seconds,
        raw_driver_per_s=count / (ours.seconds - ours.sqlalchemy_seconds + replay_s),
        loop_per_s=faust_count / plain.seconds,
        faust_per_s=faust_count / faust_s,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def _generate(count: int, serializer: Serializer) -> tuple[list[RawMessage], int]:
    """``count`` events of ``count / 4`` workflows as messages, and how many departments."""
    from projections.testing import event_stream  # the generator loads the catalogue

    stream = islice(event_stream(seed=SEED, cases=max(1, count // EVENTS_PER_CASE)), count)
    messages: list[RawMessage] = []
    departments: set[str | None] = set()
    for offset, generated in enumerate(stream):
        # The departments that work on cases and the windows that take them in.
        departments.update(getattr(generated, name, None) for name in ("department", "window"))
        value, key = serializer.encode_event(generated), generated.key().encode()
        headers = tuple(headers_for(generated))
        messages.append(RawMessage(generated.topic.value, 0, offset, key, value, headers))
    return messages, len(departments - {None})


def _raw_decode(messages: list[RawMessage], registry: EmbeddedRegistry) -> float:
    """Seconds fastavro takes to read every value with its writer schema, nothing else."""
    schemas: dict[int, Any] = {}
    started = time.perf_counter()
    for message in messages:
        value = message.value or b""
        schema_id = HEADER.unpack_from(value)[1]
        parsed = schemas.get(schema_id)
        if parsed is None:
            schema = json.loads(registry.schema_by_id(schema_id))
            parsed = schemas[schema_id] = fastavro.parse_schema(schema)
        body = BytesIO(value)
        body.seek(HEADER.size)
        fastavro.schemaless_reader(body, parsed)
    return time.perf_counter() - started


def _hub_decode(messages: list[RawMessage], deserializer: Deserializer) -> float:
    """Seconds the hub's consumers take to turn every message into a validated event."""
    from hub.consuming import read_event

    started = time.perf_counter()
    for message in messages:
        read_event(message, deserializer)
    return time.perf_counter() - started
