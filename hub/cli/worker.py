"""``onewindow worker``: the stream processors as one member of their consumer group."""

from __future__ import annotations

import click

from hub.cli.up import LOG_LEVELS, configure_logging, exit_now
from hub.settings import load_settings


@click.command()
@click.option(
    "--processors/--no-processors",
    default=True,
    show_default=True,
    help="Run the processors too, or only the read models.",
)
@click.option(
    "--group",
    default="onewindow-processors",
    show_default=True,
    help="Consumer group (faust app id); workers of one group share the partitions.",
)
@click.option(
    "--session-timeout",
    type=click.FloatRange(min=0.5),
    help="Seconds before the group gives a silent worker's partitions to the others.",
)
@click.option("--loglevel", type=LOG_LEVELS, default="warning", show_default=True)
def worker(processors: bool, group: str, session_timeout: float | None, loglevel: str) -> None:
    """Run the agents against ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS until SIGINT or SIGTERM."""
    from projections.processors.base import Processor
    from projections.worker import build_worker, run_worker  # faust loads only here

    configure_logging(loglevel)
    chosen: list[Processor] | None = None if processors else []
    built = build_worker(load_settings(), chosen, group, session_timeout)
    click.echo(f"worker: {len(built.agents)} agents: {', '.join(built.agents)}", err=True)
    exit_now(run_worker(built, loglevel=loglevel))
