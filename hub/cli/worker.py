"""``onewindow worker``: the stream processors as one member of their consumer group."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from hub.cli.up import LOG_LEVELS, configure_logging, exit_now
from hub.deploy.workloads import HEALTH_PORT
from hub.health import HealthServer
from hub.settings import load_settings

F = TypeVar("F", bound=Callable[..., Any])


def health_port_option(envvar: str) -> Callable[[F], F]:
    """``--health-port``: where ``/healthz`` and ``/readyz`` answer; 0 turns them off."""
    return click.option(
        "--health-port",
        type=click.IntRange(0, 65535),
        default=HEALTH_PORT,
        show_default=True,
        envvar=envvar,
        show_envvar=True,
        help="Port of the /healthz and /readyz endpoints the cluster probes; 0 for none.",
    )


@contextlib.contextmanager
def serving_health(port: int, ready: Callable[[], bool]) -> Iterator[None]:
    """Serve the health endpoints on ``port`` (unless 0) while the block runs."""
    server = HealthServer(port, ready)
    if port:
        server.start()
    try:
        yield
    finally:
        server.stop()


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
@health_port_option("ONEWINDOW_WORKER__HEALTH_PORT")
@click.option("--loglevel", type=LOG_LEVELS, default="warning", show_default=True)
def worker(
    processors: bool, group: str, session_timeout: float | None, health_port: int, loglevel: str
) -> None:
    """Run the agents against ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS until SIGINT or SIGTERM."""
    from projections.processors.base import Processor
    from projections.worker import build_worker, run_worker  # faust loads only here

    configure_logging(loglevel)
    chosen: list[Processor] | None = None if processors else []
    built = build_worker(load_settings(), chosen, group, session_timeout)
    click.echo(f"worker: {len(built.agents)} agents: {', '.join(built.agents)}", err=True)
    with serving_health(health_port, built.ready):
        code = run_worker(built, loglevel=loglevel)
    exit_now(code)
