"""The root of the ``onewindow`` command; each noun lives in its own module."""

from __future__ import annotations

import sys
from typing import Any

import click

from hub import __version__
from hub.errors import HubError, SettingsError

EXIT_FINDING = 1
EXIT_USAGE = 2


class HubGroup(click.Group):
    """A click group that turns hub errors into a message and the contract's exit code."""

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
