"""How fast generated workflows go from Avro bytes to SQLite rows, against three baselines.

One run generates the events (mixed types, one case per four events), encodes them as
they lie on the topics, and measures on the same messages:

- **ours**: the worker's work without the broker, a plain loop that decodes each
  message once with the hub's serde and has every read model apply the agents' batches;
- **raw decode**: fastavro alone on the same bytes (the ceiling of any consumer);
- **raw driver**: ours with every SQLAlchemy ``execute`` replaced by the very statements
  it sent, replayed through plain ``sqlite3`` (what SQLAlchemy costs);
- **faust**: the worker's faust agents on the embedded broker, against the plain loop
  on the same messages (what the agents and the broker cost).

Generation and encoding are not timed. The faust path runs on the first ``faust_events``
messages, since the embedded broker holds its log in memory.
"""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from io import BytesIO
from itertools import islice
from pathlib import Path
from typing import Any

import fastavro
from confluent_kafka import Producer
from sqlalchemy import Engine, event

from hub.broker.clients import producer_config
from hub.broker.embedded import EmbeddedBroker
from hub.consuming import RawMessage
from hub.db import create_engine_for
from hub.envelope import headers_for
from hub.errors import HubError
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import HEADER, Deserializer, Serializer
from hub.settings import load_settings
from hub.topics import declared_topics

TARGETS = {"vs_raw_decode": 0.22, "vs_raw_driver": 0.9, "faust_vs_loop": 0.35}
EVENTS_PER_CASE = 4
# The faust path gives up when no record is written for this long.
STALL_S = 120.0
# How often the faust path counts records: often enough to time it, rarely enough not to
# compete with the worker it times.
WATCH_S = 0.2
SEED = 2026

Statement = tuple[str, Any, bool]


@dataclass(frozen=True)
class PipelineBench:
    """Events per second of each path, and the ratios against their targets."""

    events: int
    cases: int
    departments: int
    faust_events: int
    raw_decode_per_s: float
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
    raw_decode = _raw_decode(messages, registry)
    loop = _Loop(Deserializer(registry))
    ours = loop.timed(messages, f"sqlite:///{tmp / 'ours.db'}")
    replay_s = _replay(ours.statements, tmp / "driver.db")
    subset = messages[:faust_count]
    plain = ours if faust_count == count else loop.timed(subset, f"sqlite:///{tmp / 'loop.db'}")
    faust_s = _faust_seconds(subset, plain.tracked, registry, tmp)
    return PipelineBench(
        events=count,
        cases=count // EVENTS_PER_CASE,
        departments=departments,
        faust_events=faust_count,
        raw_decode_per_s=count / raw_decode,
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
    messages, departments = [], set()
    for offset, generated in enumerate(stream):
        departments.add(getattr(generated, "department", None))
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


@dataclass
class _Run:
    """One timed run of the plain loop and what its SQL was."""

    seconds: float
    sqlalchemy_seconds: float
    statements: list[Statement | None]
    tracked: int


class _Recorder:
    """Times every SQLAlchemy execute and records the statements it sent to the driver."""

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        self.statements: list[Statement | None] = []  # None: the transaction committed
        self._started = 0.0
        event.listen(engine, "before_execute", self._before)
        event.listen(engine, "after_execute", self._after)
        event.listen(engine, "before_cursor_execute", self._sent)
        event.listen(engine, "commit", self._commit)

    def _before(self, *_: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.seconds += time.perf_counter() - self._started

    def _sent(self, *args: Any) -> None:
        _conn, _cursor, statement, parameters, _context, executemany = args
        self.statements.append((statement, parameters, executemany))

    def _commit(self, *_: Any) -> None:
        self.statements.append(None)


class _Loop:
    """The worker's work without faust: each projection's messages decoded and applied."""

    def __init__(self, deserializer: Deserializer) -> None:
        self._deserializer = deserializer

    def timed(self, messages: list[RawMessage], url: str) -> _Run:
        """Run over ``messages`` into a new database at ``url``, timed and recorded."""
        from projections.engine import Projector
        from projections.registry import PROJECTIONS

        engine = create_engine_for(url)
        projectors = [Projector(engine, name) for name in PROJECTIONS]  # tables made here
        recorder = _Recorder(engine)
        started = time.perf_counter()
        self._run(projectors, messages)
        seconds = time.perf_counter() - started
        tracked = _tracked(engine)
        engine.dispose()
        return _Run(seconds, recorder.seconds, recorder.statements, tracked)

    def _run(self, projectors: list[Any], messages: list[RawMessage]) -> None:
        from hub.consuming import read_event
        from projections.agents import BATCH, projection_topics

        wanted = {name for projector in projectors for name in projection_topics(projector)}
        pending: list[Any] = []
        for message in messages:
            if message.topic in wanted:
                pending.append(read_event(message, self._deserializer).event)
            if len(pending) >= BATCH:
                _apply_all(projectors, pending)
                pending = []
        _apply_all(projectors, pending)


def _apply_all(projectors: list[Any], batch: list[Any]) -> None:
    """What the read-model agent does with a batch: every read model applies it."""
    for projector in projectors:
        if batch:
            projector.apply(batch)


def _tracked(engine: Engine) -> int:
    from sqlalchemy import func, select

    from projections.tables import processed_events

    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(processed_events)).scalar_one())


def _replay(statements: list[Statement | None], path: Path) -> float:
    """Seconds plain sqlite3 takes to run the recorded statements (commits untimed)."""
    from projections.tables import metadata

    engine = create_engine_for(f"sqlite:///{path}")
    metadata.create_all(engine)
    raw = engine.raw_connection()  # the driver's own connection, with the hub's pragmas
    connection: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
    seconds = 0.0
    for recorded in statements:
        if recorded is None:
            connection.commit()
            continue
        started = time.perf_counter()
        _execute(connection, *recorded)
        seconds += time.perf_counter() - started
    connection.commit()
    raw.close()
    engine.dispose()
    return seconds


def _execute(connection: sqlite3.Connection, statement: str, parameters: Any, many: bool) -> None:
    cursor = (
        connection.executemany(statement, parameters)
        if many
        else connection.execute(statement, parameters)
    )
    if " RETURNING " in statement:
        cursor.fetchall()  # SQLite finishes a RETURNING statement only as its rows are read


def _faust_seconds(
    messages: list[RawMessage], tracked: int, registry: EmbeddedRegistry, tmp: Path
) -> float:
    """Seconds the worker's agents take to apply ``messages`` from the embedded broker."""
    from projections.agents import AgentContext, attach_projections
    from projections.app import create_app
    from projections.engine import Projector
    from projections.registry import PROJECTIONS
    from projections.worker import Worker, run_worker

    with EmbeddedBroker(topics=declared_topics()) as broker:
        bootstrap = broker.bootstrap_servers
        _produce(bootstrap, messages)
        settings = load_settings(data_dir=tmp, kafka={"bootstrap_servers": bootstrap})
        engine = create_engine_for(f"sqlite:///{tmp / 'faust.db'}")
        app = create_app(settings, bootstrap, f"bench-{uuid.uuid4().hex[:8]}")
        context = AgentContext(Deserializer(registry), Publisher(bootstrap))
        attach_projections(app, [Projector(engine, name) for name in PROJECTIONS], context)
        watch = _Watch(lambda: _tracked(engine), tracked)
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
    producer.flush(60)


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
