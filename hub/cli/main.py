"""The root of the ``onewindow`` command; each noun lives in its own module.

Nouns are listed in :data:`COMMANDS` as ``name -> "module:attribute"`` and imported
only when used, so ``onewindow id check`` does not pay for loading faust or SQLAlchemy.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from hub import __version__
from hub.errors import HubError, SettingsError

EXIT_FINDING = 1
EXIT_USAGE = 2

COMMANDS: dict[str, str] = {
    "acl": "hub.cli.acl:acl",
    "api": "hub.cli.api:api",
    "archive": "hub.cli.archive:archive",
    "bench": "hub.cli.bench:bench",
    "broker": "hub.cli.broker:broker",
    "catalogue": "hub.cli.catalogue:catalogue",
    "connector": "hub.cli.connector:connector",
    "department": "hub.cli.department:department",
    "demo": "hub.cli.demo:demo",
    "deploy": "hub.cli.deploy:deploy",
    "holder": "hub.cli.erase:holder",
    "id": "hub.cli.ids:id_group",
    "license": "hub.cli.license:license",
    "outbox": "hub.cli.outbox:outbox",
    "projections": "hub.cli.projections:projections",
    "publish": "hub.cli.publish:publish",
    "query": "hub.cli.query:query",
    "schemas": "hub.cli.schemas:schemas",
    "tail": "hub.cli.tail:tail",
    "topics": "hub.cli.topics:topics",
    "up": "hub.cli.up:up",
    "workdays": "hub.cli.workdays:workdays",
    "worker": "hub.cli.worker:worker",
}


class HubGroup(click.Group):
    """Loads nouns lazily and turns hub errors into a message and the contract's exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            click.echo(f"onewindow: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except HubError as exc:
            click.echo(f"onewindow: {exc}", err=True)
            sys.exit(EXIT_FINDING)


@click.group(cls=HubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="onewindow")
def cli() -> None:
    """onewindow: an event-sourced data-sharing hub between government departments."""
