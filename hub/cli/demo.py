"""``onewindow demo``: the hub at work on simulated departments and applicants (``make demo``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hub.cli.output import emit_json, json_option
from hub.cli.up import configure_logging


@click.command()
@click.option(
    "--applications",
    default=200,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="How many applicants come to the window.",
)
@click.option("--seed", default=7, show_default=True, help="Seed of every random choice.")
@click.option(
    "--day-seconds",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.05, 60),
    help="Real seconds per simulated day.",
)
@click.option("--exit", "exit_after", is_flag=True, help="Stop after the summary.")
@click.option(
    "--data-dir",
    default=Path("var/demo"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The demo's own folder, emptied at each run.",
)
@click.option(
    "--port",
    default=8600,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Where the API and dashboard listen.",
)
@json_option
def demo(
    applications: int,
    seed: int,
    day_seconds: float,
    exit_after: bool,
    data_dir: Path,
    port: int,
    as_json: bool,
) -> None:
    """Run the hub with simulated departments and applicants; summary, then serve until Ctrl-C."""
    from hub.demo.run import DemoOptions, quieten_logs, run_demo  # faust loads only now
    from hub.demo.summary import Summary

    def report(summary: Summary) -> None:
        if as_json:
            emit_json(summary.as_dict())
        else:
            click.echo("\n".join(["", "onewindow demo: summary", *summary.lines()]))
        if not exit_after:
            click.echo(f"dashboard on http://127.0.0.1:{port}/ — Ctrl-C to stop", err=True)
        sys.stdout.flush()

    configure_logging("warning")
    quieten_logs()
    options = DemoOptions(applications, seed, day_seconds, exit_after, data_dir, port)
    sys.exit(run_demo(options, report))
