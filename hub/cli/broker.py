"""``onewindow broker serve``: run the embedded broker alone, for experiments and tests."""

from __future__ import annotations

import logging

import click

from hub.broker.embedded import EmbeddedBroker
from hub.cli.output import emit_json, json_option
from hub.cli.signals import stop_on_signals
from hub.settings import load_settings
from hub.topics import declared_topics


@click.group()
def broker() -> None:
    """The embedded Kafka-protocol broker (in memory, one machine, not for production)."""


@broker.command()
@click.option("--brokers", default=1, show_default=True, type=click.IntRange(1, 9))
@click.option("--no-topics", is_flag=True, help="Start empty instead of creating the registry.")
@json_option
def serve(brokers: int, no_topics: bool, as_json: bool) -> None:
    """Start the broker, print its bootstrap servers, and run until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    topics = [] if no_topics else declared_topics(load_settings().topics)
    stopped = stop_on_signals()
    with EmbeddedBroker(brokers=brokers, topics=topics) as running:
        if as_json:
            emit_json({"bootstrap_servers": running.bootstrap_servers, "topics": len(topics)})
        else:
            click.echo(f"bootstrap servers: {running.bootstrap_servers}")
        # A short wait keeps the main thread responsive to the signal handlers.
        while not stopped.wait(0.2):
            pass
