"""``onewindow tail``: watch a topic as decoded events; dead letters show why they died.

Reading joins no consumer group and commits nothing, so it never disturbs the hub::

    onewindow tail onewindow.applications --from-beginning --max 10
    onewindow tail onewindow.deadletter --from-beginning --json --timeout 5
"""

from __future__ import annotations

import json
from typing import Any

import click

from hub.cli.publish import bootstrap_option, broker_settings
from hub.consuming import RawMessage, read_topic
from hub.deadletter import dead_letter_context
from hub.errors import SchemaError
from hub.registry import registry_from_settings
from hub.serde import Deserializer

_PREVIEW_BYTES = 64


@click.command()
@click.argument("topic")
@click.option("--from-beginning", is_flag=True, help="Start at the oldest message, not the next.")
@click.option("--max", "limit", type=click.IntRange(min=1), help="Stop after N messages.")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), help="Stop after this many quiet seconds."
)
@bootstrap_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per line.")
def tail(
    topic: str,
    from_beginning: bool,
    limit: int | None,
    timeout: float | None,
    bootstrap_servers: str | None,
    as_json: bool,
) -> None:
    """Print the messages of TOPIC decoded: type, key, headers and record as JSON."""
    settings = broker_settings(bootstrap_servers)
    deserializer = Deserializer(registry_from_settings(settings))
    messages = read_topic(
        settings.kafka, topic, from_beginning=from_beginning, idle_timeout=timeout
    )
    try:
        for count, message in enumerate(messages, start=1):
            described = describe(message, deserializer)
            click.echo(json.dumps(described, default=str) if as_json else _text(described))
            if count == limit:
                break
    except KeyboardInterrupt:
        pass
    finally:
        messages.close()


def describe(message: RawMessage, deserializer: Deserializer) -> dict[str, Any]:
    """Everything shown of one message; an undecodable value is shown as its reason."""
    described: dict[str, Any] = {
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
        "key": message.key_text,
        "headers": {name: value.decode(errors="replace") for name, value in message.headers},
    }
    context = dead_letter_context(message.headers)
    if context is not None:
        described["dead_letter"] = vars(context)
    try:
        decoded = deserializer.decode(message.value or b"")
    except SchemaError as exc:
        preview = (message.value or b"")[:_PREVIEW_BYTES]
        return described | {"error": f"{type(exc).__name__}: {exc}", "value_hex": preview.hex()}
    return described | {
        "event_type": decoded.event_name,
        "schema_id": decoded.schema_id,
        "version": decoded.writer_version,
        "record": decoded.record,
    }


def _text(described: dict[str, Any]) -> str:
    where = f"{described['topic']}[{described['partition']}]@{described['offset']}"
    kind = described.get("event_type", "undecodable")
    lines = [f"{where}  {kind}  key={described['key']}"]
    if "dead_letter" in described:
        letter = described["dead_letter"]
        lines.append(
            f"  dead letter from {letter['original_topic']}[{letter['original_partition']}]"
            f"@{letter['original_offset']}: {letter['error_class']}: {letter['reason']}"
        )
    headers = ", ".join(f"{name}={value}" for name, value in described["headers"].items())
    lines.append(f"  headers: {headers}")
    if "record" in described:
        lines.append("  " + json.dumps(described["record"], default=str, sort_keys=True))
    else:
        lines.append(f"  {described['error']} (first bytes {described['value_hex']})")
    return "\n".join(lines)
