"""``onewindow projections``: the SQL read models, dropped and rebuilt from the events."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import click

from hub.cli.output import emit_json, json_option, progress
from hub.errors import SettingsError
from hub.settings import HubSettings, load_settings

SOURCES = ("archive", "log")


@click.group()
def projections() -> None:
    """The read models that the worker keeps up to date from the topics."""


@projections.command()
@click.argument("name", required=False)
@click.option(
    "--from",
    "source",
    type=click.Choice(SOURCES),
    help="Where the events come from [default: archive on the embedded setup, else log].",
)
@json_option
def rebuild(name: str | None, source: str | None, as_json: bool) -> None:
    """Drop the tables of projection NAME (or all) and replay every event into them.

    Stop the workers first: they would write into the tables while they are rebuilt.
    """
    settings = load_settings()
    chosen = source or ("archive" if settings.kafka.embedded else "log")
    if chosen == "log" and settings.kafka.embedded:
        raise SettingsError(
            "--from log needs the broker: set ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS (the address "
            "'onewindow up' prints), or rebuild from the archive"
        )
    started = time.monotonic()
    summary = _rebuild(settings, name, chosen)
    summary["seconds"] = round(time.monotonic() - started, 3)
    if as_json:
        emit_json(summary)
        return
    click.echo(
        f"rebuilt {', '.join(summary['projections'])} from the {chosen}: "
        f"{summary['events']} events, {summary['applied']} applied, "
        f"{summary['skipped']} duplicates, {summary['rows']} rows, "
        f"{summary['undecodable']} undecodable messages skipped, in {summary['seconds']:.1f}s"
    )


def _rebuild(settings: HubSettings, name: str | None, source: str) -> dict[str, Any]:
    # The engine and the serde load only when a rebuild runs.
    from hub.archive.replay import ReplayStats
    from hub.registry import registry_from_settings
    from hub.trust.sealing import deserializer_for
    from projections.engine import Projector

    projector = Projector(settings.effective_database_url, name)
    stats = ReplayStats()
    deserializer = deserializer_for(settings, registry_from_settings(settings))
    topics = sorted({t.topic.value for p in projector.projections for t in p.steps})
    try:
        events = _events(settings, source, topics, deserializer, stats)
        result = projector.rebuild(events, name)
    finally:
        projector.close()
    return {
        "source": source,
        "projections": [p.name for p in projector.projections],
        "topics": topics,
        "messages": stats.messages,
        "events": stats.events,
        "undecodable": stats.undecodable,
        "applied": result.applied,
        "skipped": result.skipped,
        "ignored": result.ignored,
        "rows": result.rows,
    }


def _events(
    settings: HubSettings, source: str, topics: list[str], deserializer: Any, stats: Any
) -> Iterator[Any]:
    from hub.archive import ArchiveStore, archive_url
    from hub.archive.replay import archived_events, log_events
    from hub.db import create_engine_for

    if source == "log":
        return progress(log_events(settings.kafka, topics, deserializer, stats), None, "events")
    store = ArchiveStore(create_engine_for(archive_url(settings)))
    length = store.count(topics)
    return progress(archived_events(store, topics, deserializer, stats), length, "events")
