"""``onewindow outbox``: create an outbox table, relay it to the broker, show its backlog."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterator

import click
from sqlalchemy import Engine, func, select

from hub.cli.main import EXIT_FINDING
from hub.cli.output import emit_json, json_option
from hub.cli.signals import stop_on_signals
from hub.db import create_engine_for, database_errors, database_url
from hub.errors import SettingsError
from hub.outbox.relay import DEFAULT_BATCH, Relay
from hub.outbox.table import create_outbox
from hub.outbox.table import outbox as outbox_table
from hub.publisher import Publisher
from hub.registry import registry_from_settings
from hub.settings import HubSettings, load_settings
from hub.trust.sealing import serializer_for

database_option = click.option(
    "--database-url",
    required=True,
    help="The department database holding the outbox table (sqlite:///… or postgresql://…).",
)


@click.group()
def outbox() -> None:
    """The transactional outbox of a department database."""


@outbox.command()
@database_option
def init(database_url: str) -> None:
    """Create the outbox table (and its index) if it does not exist."""
    with _database(database_url) as engine:
        create_outbox(engine)
    click.echo(f"outbox table ready in {_shown(database_url)}")


@outbox.command()
@database_option
@json_option
def status(database_url: str, as_json: bool) -> None:
    """Count the rows waiting, sent and dead-lettered."""
    with _database(database_url) as engine:
        counts = _counts(engine)
    if as_json:
        emit_json(counts)
        return
    click.echo(", ".join(f"{count} {name.replace('_', '-')}" for name, count in counts.items()))


@outbox.command()
@database_option
@click.option(
    "--once",
    is_flag=True,
    help="Relay what is waiting now (and not held by another relay), then exit.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH,
    show_default=True,
    help="Rows per batch (one transaction, one wait for the broker).",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds to wait when the outbox is empty or the broker failed.",
)
@json_option
def relay(database_url: str, once: bool, batch: int, interval: float, as_json: bool) -> None:
    """Publish unsent outbox rows in order, marking each only once the broker confirmed it."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with _database(database_url) as engine:
        settings = _broker_settings()
        serializer = serializer_for(settings, registry_from_settings(settings))
        with Publisher(settings.kafka) as publisher:
            worker = Relay(engine, publisher, serializer, batch)
            stats = worker.drain() if once else worker.run(stop_on_signals(announce=True), interval)
    if as_json:
        emit_json(dataclasses.asdict(stats))
    else:
        click.echo(f"{stats.sent} sent, {stats.dead_lettered} dead-lettered")
    if once and stats.dead_lettered:
        raise SystemExit(EXIT_FINDING)


def _broker_settings() -> HubSettings:
    settings = load_settings()
    if settings.kafka.embedded:
        raise SettingsError(
            "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS: the relay needs the broker's address"
        )
    return settings


@contextlib.contextmanager
def _database(url: str) -> Iterator[Engine]:
    engine = create_engine_for(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _counts(engine: Engine) -> dict[str, int]:
    waiting = func.count().filter(outbox_table.c.sent_at.is_(None))
    dead = func.count(outbox_table.c.dead_letter_reason)
    sent = func.count(outbox_table.c.sent_at) - dead
    with database_errors("cannot count the outbox"), engine.connect() as conn:
        row = conn.execute(select(waiting, sent, dead)).one()
    return {"waiting": row[0], "sent": row[1], "dead_lettered": row[2]}


def _shown(url: str) -> str:
    return database_url(url).render_as_string(hide_password=True)
