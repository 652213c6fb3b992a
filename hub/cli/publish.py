"""``onewindow publish``: put events from a JSON file on the log, for people integrating a system.

The file holds one JSON object, or JSON lines for several. Every event is checked against
its model and Avro schema before any is sent, so a bad line stops the whole file with
the line and field named (exit 1) and nothing half-published::

    onewindow publish --type CaseRated rating.json
    cat ratings.jsonl | onewindow publish --type CaseRated - --json
"""

from __future__ import annotations

import json
from typing import IO, Any

import click

from hub.broker.discovery import running_hub_bootstrap
from hub.cli.output import emit_json, json_option
from hub.errors import SettingsError, ValidationError
from hub.events import EVENT_MODELS, Event
from hub.publisher import Delivery, Publisher, wait_for
from hub.settings import HubSettings, load_settings

NO_BROKER = (
    "no Kafka broker is configured and no hub runs from this folder: start one with "
    "`onewindow up`, or set ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS or pass --bootstrap-servers "
    "(`onewindow broker serve` prints the address of a bare broker)"
)

bootstrap_option = click.option(
    "--bootstrap-servers",
    metavar="HOST:PORT[,…]",
    help=(
        "Kafka brokers to use (default: ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS, else the embedded "
        "broker of a hub running from this folder)."
    ),
)


def broker_settings(bootstrap_servers: str | None) -> HubSettings:
    """The settings with the broker to use: the option, the setting, or a local hub's."""
    settings = load_settings()
    chosen = (
        bootstrap_servers
        or settings.kafka.bootstrap_servers
        or running_hub_bootstrap(settings.data_dir)
    )
    if not chosen:
        raise SettingsError(NO_BROKER)
    kafka = settings.kafka.model_copy(update={"bootstrap_servers": chosen})
    return settings.model_copy(update={"kafka": kafka})


@click.command()
@click.option(
    "--type",
    "event_type",
    required=True,
    type=click.Choice(sorted(EVENT_MODELS)),
    metavar="EVENT_NAME",
    help="The event type of every object in the file, e.g. ApplicationSubmitted.",
)
@click.argument("source", type=click.File("r", encoding="utf-8"), metavar="FILE.json|-")
@bootstrap_option
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the broker.")
@json_option
def publish(
    event_type: str, source: IO[str], bootstrap_servers: str | None, timeout: float, as_json: bool
) -> None:
    """Validate events from FILE (or - for stdin) and publish them; exit 1 naming a bad field."""
    events = [_event(EVENT_MODELS[event_type], line, obj) for line, obj in _objects(source)]
    settings = broker_settings(bootstrap_servers)
    delivery_ms = int(timeout * 1000)
    with Publisher.from_settings(settings, **{"delivery.timeout.ms": delivery_ms}) as publisher:
        for event in events:
            publisher.encode(event)  # every event checked before the first is sent
        deliveries = [wait_for(f, timeout) for f in map(publisher.publish, events)]
        keys = [publisher.key_of(event) for event in events]
    if as_json:
        sent = zip(events, deliveries, keys, strict=True)
        emit_json([_as_dict(event, delivery, key) for event, delivery, key in sent])
        return
    for delivery in deliveries:
        click.echo(
            f"{delivery.event_id}  {delivery.topic}  partition {delivery.partition}"
            f"  offset {delivery.offset}"
        )


def _objects(source: IO[str]) -> list[tuple[int, Any]]:
    """(line number, JSON value) for the one document, or for each JSON line."""
    text = source.read()
    try:
        return [(1, json.loads(text))]
    except json.JSONDecodeError:
        pass
    objects = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                objects.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ValidationError(f"line {number}: not JSON: {exc.msg}") from exc
    if not objects:
        raise ValidationError("the input holds no JSON object")
    return objects


def _event(model: type[Event], line: int, obj: Any) -> Event:
    if not isinstance(obj, dict):
        raise ValidationError(f"line {line}: expected a JSON object, got {type(obj).__name__}")
    try:
        return model.from_record(obj)
    except ValidationError as exc:
        raise ValidationError(f"line {line}: {exc}") from exc


def _as_dict(event: Event, delivery: Delivery, key: str) -> dict[str, Any]:
    return {
        "event_id": delivery.event_id,
        "event_type": event.event_name,
        "key": key,
        "topic": delivery.topic,
        "partition": delivery.partition,
        "offset": delivery.offset,
    }
