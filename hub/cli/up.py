"""``onewindow up``: the whole hub in one process, on the embedded default or a real cluster."""

from __future__ import annotations

import logging
import os
import sys
from typing import NoReturn

import click

from hub.settings import load_settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_LEVELS = click.Choice(["debug", "info", "warning", "error"])


def configure_logging(level: str) -> None:
    """The hub's own lines at INFO, the libraries' at ``level``, on standard error."""
    logging.basicConfig(format=LOG_FORMAT, level=level.upper(), stream=sys.stderr)
    logging.getLogger("hub").setLevel(min(logging.INFO, logging.getLevelName(level.upper())))
    logging.getLogger("projections").setLevel(logging.INFO)


@click.command()
@click.option("--loglevel", type=LOG_LEVELS, default="warning", show_default=True)
def up(loglevel: str) -> None:
    """Run the broker (embedded unless configured), archive, processors; stop with Ctrl-C.

    The API listens beyond loopback only with ONEWINDOW_API__TRUST=true (or
    ONEWINDOW_API__INSECURE=true).
    """
    from hub.runtime import run_hub  # faust and SQLAlchemy load only when the hub runs
    from hub.trust.api import check_exposure

    settings = load_settings()
    check_exposure(settings.api)
    configure_logging(loglevel)
    exit_now(run_hub(settings, loglevel=loglevel))


def exit_now(code: int) -> NoReturn:
    """End the process once the hub has stopped, without waiting for leftover threads.

    faust's consumer runs on a thread of its own that can outlive a stopped worker; at
    exit the interpreter would wait for it forever. Everything of ours is closed by now.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
