"""How fast the read side answers while the pipeline writes: case by id and statistics.

The read model is loaded with ``cases`` cases by bulk SQL (rows shaped like the
projector's, tasks per catalogue item); then a worker process (or a thread) applies
generated event batches through the :class:`~projections.engine.Projector` while the
bench times what a route does in-process (query + disclosure) and the same requests over
HTTP against uvicorn on a free port, and the dashboard's attention list (its first tasks
and its counts), and reports p50/p99 of each.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import multiprocessing
import random
import statistics as stats
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from sqlalchemy import Connection, Engine, Table, insert

from hub.api.app import create_app
from hub.api.context import Hooks
from hub.api.dashboard import ATTENTION
from hub.api.disclosure import Caller, Disclosure
from hub.api.testing import running_server
from hub.catalogue import Item, load_catalogue
from hub.db import create_engine_for
from hub.errors import HubError
from hub.identifiers.generate import random_resident_id, random_uscc
from hub.queries import attention, count_attention, find_case
from hub.settings import load_settings
from projections.engine import Projector
from projections.model import row_template
from projections.tables import cases, tasks
from projections.testing import event_stream

TARGETS_MS = {"case_in_process": 1.0, "case_http": 5.0, "stats_in_process": 5.0}
START = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
_CASES_PER_CHUNK = 4000
_INGEST_BATCH = 200
#: Batches between two resets of the write-ahead log by the ingesting writer.
_CHECKPOINT_EVERY = 25


@dataclass(frozen=True)
class QueryBench:
    """Latency percentiles in milliseconds, and what the pipeline wrote meanwhile."""

    cases: int
    requests: int
    load_seconds: float
    stats_refresh_seconds: float
    latency_ms: dict[str, dict[str, float]]
    """p50 and p99 of each kind of request, named as in :data:`TARGETS_MS`, plus stats_http
    and attention_in_process."""
    ingest: str
    events_ingested: int
    ingest_events_per_s: float
    wal_megabytes: float

    @property
    def passed(self) -> bool:
        """True when every p99 meets its target."""
        return all(self.latency_ms[name]["p99"] <= target for name, target in TARGETS_MS.items())

    def as_dict(self) -> dict[str, Any]:
        """The figures, the targets and ``passed``, for ``--json``."""
        return {**asdict(self), "targets_p99_ms": TARGETS_MS, "passed": self.passed}


def run(
    cases: int = 250_000, requests: int = 2000, seed: int = 1, mode: str = "process"
) -> QueryBench:
    """Load ``cases`` cases, start ingesting, and time ``requests`` requests of each kind."""
    with tempfile.TemporaryDirectory(prefix="onewindow-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'read.db'}"
        engine = create_engine_for(url)
        try:
            return _measure(engine, _Ingest(engine, url, seed, mode), cases, requests, seed)
        finally:
            engine.dispose()


def _measure(engine: Engine, ingest: _Ingest, count: int, requests: int, seed: int) -> QueryBench:
    started = time.perf_counter()
    Projector(engine)  # creates the tables exactly as the pipeline does
    load(engine, count, random.Random(seed))
    with engine.connect() as conn:  # as a running hub would have by now
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    load_seconds = time.perf_counter() - started
    pick = random.Random(seed + 1)
    ids = [case_id(pick.randrange(count)) for _ in range(requests)]
    app = create_app(load_settings(), engine, Hooks(access_sink=lambda _event: None))
    started = time.perf_counter()
    app.state.context.statistics.get()  # the first snapshot is computed on the request path
    refresh_seconds = time.perf_counter() - started
    with ingest:
        samples = _timed_requests(app, engine, ids)
    app.state.context.statistics.close()
    return QueryBench(
        count,
        requests,
        round(load_seconds, 1),
        round(refresh_seconds, 2),
        {name: _percentiles(series) for name, series in samples.items()},
        ingest.mode,
        ingest.events,
        round(ingest.events / ingest.seconds, 1),
        _wal_megabytes(engine),
    )


def _timed_requests(app: FastAPI, engine: Engine, ids: list[str]) -> dict[str, list[float]]:
    """Case by id and statistics, in-process then over HTTP, one series each."""
    statistics = app.state.context.statistics
    release = Disclosure(Caller("bench", None, "bench"), (), lambda _e: None, "bench")
    with running_server(app) as url, _connection(url) as client:
        return {
            "case_in_process": _times(ids, lambda i: release.release(_case(engine, i))),
            "case_http": _times(ids, lambda i: _get(client, f"/api/v1/cases/{i}")),
            "stats_in_process": _times(ids, lambda _i: release.release(statistics.get())),
            "stats_http": _times(ids, lambda _i: _get(client, "/api/v1/statistics")),
            "attention_in_process": _times(ids, lambda _i: _attention(engine)),
        }


def _connection(url: str) -> contextlib.closing[http.client.HTTPConnection]:
    """One kept-alive connection to ``url`` through the standard library's client.

    The leanest client Python has, so that the figures are the server's: httpx added
    0.4 ms to the median and several to the 99th percentile (its own objects and
    garbage), which a data officer's browser or ``curl`` does not.
    """
    where = urlsplit(url)
    return contextlib.closing(http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port))


def _get(client: http.client.HTTPConnection, path: str) -> None:
    client.request("GET", path)
    response = client.getresponse()
    body = response.read()
    if response.status != 200:
        raise HubError(f"GET {path} answered {response.status}: {body[:200]!r}")


def _wal_megabytes(engine: Engine) -> float:
    """How large SQLite's write-ahead log grew: it stays small unless readers starve it."""
    database = engine.url.database or ""
    wal = Path(f"{database}-wal")
    return round(wal.stat().st_size / 1e6, 1) if wal.exists() else 0.0


def _case(engine: Engine, wanted: str) -> Any:
    with engine.connect() as conn:
        found = find_case(conn, wanted)
    if found is None:
        raise LookupError(f"bench case {wanted} was not loaded")
    return found


def _attention(engine: Engine) -> None:
    """What the dashboard's overview reads for its attention list."""
    with engine.connect() as conn:
        attention(conn, ATTENTION)
        count_attention(conn)


def _times(ids: list[str], call: Callable[[str], object]) -> list[float]:
    spent = []
    for wanted in ids:
        began = time.perf_counter()
        call(wanted)
        spent.append((time.perf_counter() - began) * 1000)
    return spent


def _percentiles(samples: list[float]) -> dict[str, float]:
    cuts = stats.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(stats.median(samples), 3), "p99": round(cuts[98], 3)}


class _Ingest:
    """Generated event batches applied through the projector until stopped.

    ``process`` runs the loop in a process of its own, as ``onewindow worker`` runs in
    production; ``thread`` runs it in this process, as ``onewindow up`` does, where it
    competes with the requests for the interpreter lock.
    """

    def __init__(self, engine: Engine, url: str, seed: int, mode: str) -> None:
        kind = multiprocessing.get_context("spawn") if mode == "process" else None
        self._stop = kind.Event() if kind else threading.Event()
        self._count = (kind or multiprocessing.get_context("spawn")).Value("q", 0)
        # A thread shares the API's engine, so its commits invalidate the statistics.
        args = (url if kind else engine, seed, self._stop, self._count)
        runner = kind.Process if kind else threading.Thread
        self._runner = runner(target=ingest, args=args, name="bench-ingest", daemon=True)
        self.seconds = 0.0
        self.mode = mode

    @property
    def events(self) -> int:
        """Events applied so far."""
        return int(self._count.value)

    def __enter__(self) -> _Ingest:
        self._runner.start()
        while self.events == 0 and self._runner.is_alive():
            time.sleep(0.05)
        self._began = time.perf_counter()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._runner.join()
        self.seconds = time.perf_counter() - self._began


def ingest(target: Engine | str, seed: int, stop: Any, count: Any) -> None:
    """Apply batches of generated events to the read models at ``target`` until ``stop``."""
    projector = Projector(target)
    events = event_stream(seed=seed, cases=10_000_000)
    for number in itertools.takewhile(lambda _n: not stop.is_set(), itertools.count(1)):
        batch = list(islice(events, _INGEST_BATCH))
        projector.apply(batch)
        with count.get_lock():
            count.value += len(batch)
        if number % _CHECKPOINT_EVERY == 0:
            # SQLite's automatic checkpoints are passive, and a steady stream of readers
            # starves them: the log grows by gigabytes and every read slows down searching
            # it. A writer next to a busy API has to reset the log itself.
            with projector.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    projector.close()


def case_id(number: int) -> str:
    """The id of bulk-loaded case ``number``; apart from the generator's ``C-`` ids."""
    return f"B-{number:07d}"


def load(engine: Engine, count: int, rng: random.Random) -> None:
    """Insert ``count`` cases and their tasks in bulk, shaped as the projector writes them."""
    bundles = [list(bundle.items) for bundle in load_catalogue().bundles.values()]
    holders = [(random_uscc(rng), "USCC") for _ in range(2000)]
    holders += [(random_resident_id(rng, date(2025, 1, 1)), "RESIDENT_ID") for _ in range(2000)]
    rows = (_case_rows(n, rng, rng.choice(bundles), rng.choice(holders)) for n in range(count))
    while chunk := list(islice(rows, _CASES_PER_CHUNK)):
        with engine.begin() as conn:
            _bulk_insert(conn, cases, [case for case, _ in chunk])
            _bulk_insert(conn, tasks, [task for _, made in chunk for task in made])


def _bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One driver-level executemany, values converted by the columns' own bind processors."""
    names = list(rows[0])
    convert = [table.c[name].type.bind_processor(conn.dialect) for name in names]
    statement = str(insert(table).compile(dialect=conn.dialect, column_keys=names))
    values = [
        tuple(c(row[n]) if c else row[n] for n, c in zip(names, convert, strict=True))
        for row in rows
    ]
    conn.exec_driver_sql(statement, values)


_CASE = row_template(cases)
_TASK = row_template(tasks)


def _case_rows(
    number: int, rng: random.Random, items: list[Item], holder: tuple[str, str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    submitted = START + timedelta(minutes=2 * number)
    made = [
        _task_row(number, index, item, submitted.date(), rng) for index, item in enumerate(items)
    ]
    saved = sum(len(task["reused_material_codes"]) for task in made)
    case = {
        **_CASE,
        "case_id": case_id(number),
        "applicant_id_number": holder[0],
        "applicant_id_type": holder[1],
        "applicant_name": f"申请人{number % 997}",
        "item_codes": [item.code for item in items],
        "status": "completed",
        "outcome": "APPROVED",
        "submitted_at": submitted,
        "completed_at": submitted + timedelta(days=rng.randint(1, 9)),
        "working_days": rng.randint(1, 7),
        "tasks_total": len(made),
        "tasks_approved": len(made),
        "submissions_saved": saved,
        "rating_score": rng.randint(3, 5),
    }
    return case, made


def _task_row(number: int, index: int, item: Item, day: date, rng: random.Random) -> dict[str, Any]:
    used = rng.randint(1, item.promised_days + 2)
    return {
        **_TASK,
        "task_id": f"{case_id(number)}-T{index + 1}",
        "case_id": case_id(number),
        "department": item.department.code,
        "item_code": item.code,
        "category": item.category.value,
        "status": "approved",
        "dispatched_on": day,
        "accepted_on": day,
        "decided_on": day + timedelta(days=used),
        "statutory_days": item.statutory_days,
        "promised_days": item.promised_days,
        "working_days_used": used,
        "warned": used >= item.promised_days,
        "overdue": used > item.promised_days,
        "reused_material_codes": [r.code for r in item.requirements if rng.random() < 0.4],
    }
