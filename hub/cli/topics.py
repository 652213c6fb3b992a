"""``onewindow topics``: show the topic registry and provision it on a Kafka cluster."""

from __future__ import annotations

import sys

import click

from hub.broker.admin import EMBEDDED_LIMITS, TopicAdmin, apply_topics, check_topics
from hub.broker.drift import Drift
from hub.cli.main import EXIT_FINDING
from hub.cli.output import emit_json, json_option
from hub.settings import KafkaSettings, load_settings
from hub.topics import TopicSpec, declared_topics

EMBEDDED_NOTE = (
    "no Kafka cluster is configured (ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS is empty): the hub "
    "runs its embedded broker and creates every registered topic when it starts; "
    "nothing to apply"
)


@click.group()
def topics() -> None:
    """The topic registry: list it, check a cluster against it, apply it."""


@topics.command("list")
@json_option
def list_command(as_json: bool) -> None:
    """Show every declared topic with its partitions, replication and retention."""
    specs = declared_topics(load_settings().topics)
    if as_json:
        emit_json([_spec_record(spec) for spec in specs])
        return
    for spec in specs:
        click.echo(
            f"{spec.name:<40} {spec.partitions:>3} partitions  "
            f"replication {spec.replication_factor}  {spec.cleanup_policy:<7}  key: {spec.key}"
        )


@topics.command("apply")
@click.option("--check", is_flag=True, help="Report drift and exit 1 if any; change nothing.")
@click.option(
    "--bootstrap-servers",
    metavar="HOST:PORT,...",
    help="The cluster to provision (default: the kafka.bootstrap_servers setting).",
)
@click.option(
    "--timeout",
    default=15.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for each answer from the cluster.",
)
@json_option
def apply_command(
    check: bool, bootstrap_servers: str | None, timeout: float, as_json: bool
) -> None:
    """Create missing topics, add partitions and fix configs so the cluster matches."""
    settings = load_settings()
    kafka = _kafka(settings.kafka, bootstrap_servers)
    if kafka.embedded:
        _say(as_json, {"embedded": True, "message": EMBEDDED_NOTE}, EMBEDDED_NOTE)
        return
    specs = declared_topics(settings.topics)
    admin = TopicAdmin(kafka, timeout)
    if check:
        drift = check_topics(admin, specs)
        _report(admin, as_json, {"drift": drift}, [])
        sys.exit(EXIT_FINDING if drift else 0)
    result = apply_topics(admin, specs)
    _report(admin, as_json, {"found": result.found, "remaining": result.remaining}, result.errors)
    sys.exit(EXIT_FINDING if result.remaining or result.errors else 0)


def _kafka(kafka: KafkaSettings, bootstrap_servers: str | None) -> KafkaSettings:
    if bootstrap_servers is None:
        return kafka
    return kafka.model_copy(update={"bootstrap_servers": bootstrap_servers})


def _report(
    admin: TopicAdmin, as_json: bool, sections: dict[str, list[Drift]], errors: list[str]
) -> None:
    note = EMBEDDED_LIMITS if admin.embedded else ""
    if as_json:
        record: dict[str, object] = {
            name: [item.as_dict() for item in drift] for name, drift in sections.items()
        }
        emit_json(
            record
            | {
                "bootstrap_servers": admin.bootstrap_servers,
                "errors": errors,
                "embedded": admin.embedded,
                "note": note,
            }
        )
        return
    for name, drift in sections.items():
        click.echo(f"{name}: {len(drift)}" + "".join(f"\n  {item}" for item in drift))
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if note:
        click.echo(f"note: {note}")


def _say(as_json: bool, record: dict[str, object], text: str) -> None:
    if as_json:
        emit_json(record)
    else:
        click.echo(text)


def _spec_record(spec: TopicSpec) -> dict[str, object]:
    return {
        "name": spec.name,
        "key": spec.key,
        "partitions": spec.partitions,
        "replication_factor": spec.replication_factor,
        "cleanup_policy": str(spec.cleanup_policy),
        "config": spec.config(),
    }
