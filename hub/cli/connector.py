"""``onewindow connector``: list the connectors, run one as its own process, scaffold a new one."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Literal

import click

from hub.cli.output import emit_json, json_option
from hub.cli.signals import stop_on_signals


@click.group()
def connector() -> None:
    """Connectors: the plugins that meet each department system where it is."""


@connector.command("list")
@json_option
def list_connectors(as_json: bool) -> None:
    """Show every connector: built-in or from an installed package (entry points)."""
    from connectors.registry import describe_all

    found = list(describe_all())
    if as_json:
        emit_json([dataclasses.asdict(info) for info in found])
        return
    width = max((len(info.name) for info in found), default=4)
    for info in found:
        click.echo(f"{info.name:<{width}}  {info.kind:<6}  {info.summary}  [{info.origin}]")


@connector.command()
@click.argument("name")
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The connector's settings, a .toml or .json file.",
)
@click.option("--once", is_flag=True, help="Stop as soon as there is nothing left to do.")
@json_option
def run(name: str, config_path: Path, once: bool, as_json: bool) -> None:
    """Run connector NAME against the broker in ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS."""
    from connectors.running import run_connector
    from hub.settings import load_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stats = run_connector(name, config_path, load_settings(), stop_on_signals(announce=True), once)
    if as_json:
        emit_json(dataclasses.asdict(stats))
    else:
        click.echo(f"{name}: {stats.delivered} delivered, {stats.dead_lettered} dead-lettered")


@connector.command()
@click.argument("name")
@click.option("--kind", type=click.Choice(["source", "sink"]), default="source", show_default=True)
@click.option(
    "--dir",
    "directory",
    default=Path(),
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create the onewindow-NAME folder.",
)
@click.option("--summary", default="", help="One line saying what the connector does.")
def new(name: str, kind: Literal["source", "sink"], directory: Path, summary: str) -> None:
    """Write a working connector package NAME: config, class, passing conformance test."""
    from connectors.scaffold import new_connector

    root = new_connector(name, kind, directory, summary)
    click.echo(f"created {root}")
    click.echo(f"next: cd {root} && pip install -e . && pytest")
