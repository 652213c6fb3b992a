"""``onewindow bench``: measurements of the hub's parts, each a subcommand of this group."""

from __future__ import annotations

import sys

import click

from hub.cli.main import EXIT_FINDING
from hub.cli.output import emit_json, json_option


@click.group()
def bench() -> None:
    """Measure how fast parts of the hub run on this machine."""


@bench.command("serde")
@click.option("--records", default=10_000, show_default=True, type=click.IntRange(min=100))
@click.option("--rounds", default=5, show_default=True, type=click.IntRange(min=1))
@json_option
def serde(records: int, rounds: int, as_json: bool) -> None:
    """Serde rates against raw fastavro on one ApplicationSubmitted; exit 1 below target."""
    from hub.bench.serde import run  # loads the event models only when the bench runs

    result = run(records=records, rounds=rounds)
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo(f"message: {result.message_bytes} bytes, best of {rounds} x {records}")
        _line("decode", result.decode_per_s, result.raw_decode_per_s, result.decode_target)
        _line("encode", result.encode_per_s, result.raw_encode_per_s, result.encode_target)
        click.echo(f"encode with validation: {result.validating_encode_per_s:,.0f} records/s")
    if not result.passed:
        sys.exit(EXIT_FINDING)


@bench.command("query")
@click.option("--cases", default=250_000, show_default=True, type=click.IntRange(min=100))
@click.option("--requests", default=2000, show_default=True, type=click.IntRange(min=100))
@click.option(
    "--ingest",
    type=click.Choice(["process", "thread"]),
    default="process",
    show_default=True,
    help="Run the ingesting pipeline as a worker process or a thread of this one.",
)
@json_option
def query(cases: int, requests: int, ingest: str, as_json: bool) -> None:
    """Read latency (case by id, statistics) while a pipeline ingests; exit 1 above target."""
    from hub.bench.query import TARGETS_MS  # loads the API and projections only here
    from hub.bench.query import run as run_query

    result = run_query(cases=cases, requests=requests, mode=ingest)
    if as_json:
        emit_json(result.as_dict())
    else:
        for name, figures in result.latency_ms.items():
            target = TARGETS_MS.get(name)
            goal = f" (target p99 {target} ms)" if target else ""
            click.echo(f"{name}: p50 {figures['p50']} ms, p99 {figures['p99']} ms{goal}")
        click.echo(f"while ingesting {result.ingest_events_per_s:,.0f} events/s ({result.ingest})")
    if not result.passed:
        sys.exit(EXIT_FINDING)


def _line(name: str, ours: float, raw: float, target: float) -> None:
    ratio = ours / raw
    verdict = "pass" if ratio >= target else "FAIL"
    click.echo(
        f"{name}: {ours:,.0f} records/s, raw fastavro {raw:,.0f}/s,"
        f" ratio {ratio:.2f} (target {target:.2f}) {verdict}"
    )


@bench.command("publish")
@click.option("--records", default=20_000, show_default=True, type=click.IntRange(min=100))
@click.option("--rounds", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--rate", default=1000, show_default=True, type=click.IntRange(min=1))
@click.option("--seconds", default=5.0, show_default=True, type=click.FloatRange(min=0.5))
@json_option
def publish(records: int, rounds: int, rate: int, seconds: float, as_json: bool) -> None:
    """Publish rate against raw fastavro and paced end-to-end latency; exit 1 below target."""
    from hub.bench.publish import run  # starts an embedded broker only when the bench runs

    result = run(records=records, rounds=rounds, rate=rate, seconds=seconds)
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo("\n".join(result.lines()))
    if not result.passed:
        sys.exit(EXIT_FINDING)


@bench.command("pipeline")
@click.option("--events", default=1_000_000, show_default=True, type=click.IntRange(min=100))
@click.option(
    "--faust-events",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=100),
    help="How many of the events the faust path replays: its embedded broker keeps 5 MiB "
    "a partition (about 130,000 generated events in all).",
)
@json_option
def pipeline(events: int, faust_events: int, as_json: bool) -> None:
    """Events from Avro bytes to SQLite rows against raw fastavro, raw sqlite3 and a plain loop."""
    from hub.bench.pipeline import run  # loads faust, SQLAlchemy and the projections

    result = run(events=events, faust_events=faust_events)
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo("\n".join(result.lines()))
    if not result.passed:
        sys.exit(EXIT_FINDING)
