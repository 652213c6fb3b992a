"""``onewindow archive``: the durable copy of every topic, for audits and for the archiver.

::

    onewindow archive stats
    onewindow archive show --topic onewindow.licenses --json > licenses.jsonl
    onewindow archive run          # the archiver alone, beside workers on a real cluster
"""

from __future__ import annotations

import json
from typing import Any

import click

from hub.archive import Archiver, ArchiveStore, archive_url
from hub.cli.output import emit_json, json_option
from hub.cli.signals import stop_on_signals
from hub.cli.worker import health_port_option, serving_health
from hub.db import create_engine_for
from hub.errors import SettingsError
from hub.health import database_reachable
from hub.settings import HubSettings, load_settings
from hub.topics import declared_topics


@click.group()
def archive() -> None:
    """The event archive: every message of every topic, append-only, in SQL."""


def _store(settings: HubSettings) -> ArchiveStore:
    return ArchiveStore(create_engine_for(archive_url(settings)))


@archive.command()
@json_option
def stats(as_json: bool) -> None:
    """How many messages the archive holds, per topic."""
    settings = load_settings()
    store = _store(settings)
    counts = store.topics()
    if as_json:
        emit_json({"archive": archive_url(settings), "topics": counts})
        return
    for topic, count in sorted(counts.items()):
        click.echo(f"{topic}: {count:,}")
    click.echo(f"total: {sum(counts.values()):,} messages in {archive_url(settings)}")


@archive.command()
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per line.")
def show(topics: tuple[str, ...], as_json: bool) -> None:
    """Print archived messages in the order they arrived, decoded, with their positions."""
    from hub.cli.tail import describe  # the same view of a message as tail's
    from hub.registry import registry_from_settings
    from hub.serde import Deserializer

    settings = load_settings()
    deserializer = Deserializer(registry_from_settings(settings))
    for archived in _store(settings).messages(topics or None):
        described = describe(archived.message, deserializer)
        described["timestamp_ms"] = archived.timestamp_ms
        click.echo(json.dumps(described, default=str) if as_json else _line(described))


def _line(described: dict[str, Any]) -> str:
    where = f"{described['topic']}[{described['partition']}]@{described['offset']}"
    what = described.get("event_type") or described.get("error")
    return f"{where}  {what}  key={described['key']}  id={described['headers'].get('ce_id')}"


def _ready(archiver: Archiver) -> bool:
    """Copying without an error, into an archive database that answers."""
    return archiver.error is None and database_reachable(archiver.store.engine)


@archive.command()
@health_port_option("ONEWINDOW_ARCHIVE__HEALTH_PORT")
def run(health_port: int) -> None:
    """Run the archiver alone against ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS until stopped."""
    settings = load_settings()
    if settings.kafka.embedded:
        raise SettingsError(
            "the archiver needs a broker: set ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS "
            "('onewindow up' runs its own archiver beside the embedded broker)"
        )
    store = _store(settings)
    topics = sorted({spec.name for spec in declared_topics(settings.topics)})
    archiver = Archiver(settings.kafka, store, topics)
    stop = stop_on_signals()
    archiver.start()
    click.echo(f"archiver: {len(topics)} topics into {archive_url(settings)}", err=True)
    with serving_health(health_port, lambda: _ready(archiver)):
        while not stop.wait(1.0) and archiver.error is None:
            pass
    archiver.stop()  # raises the error that ended the archiver, if one did
    click.echo(f"archiver: stopped after {archiver.archived:,} new messages", err=True)
