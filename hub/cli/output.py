"""How commands speak: ``--json`` for machines, plain lines for people, quiet in a pipe."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import click

T = TypeVar("T")

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of text."
)


def emit_json(data: Any) -> None:
    """Print one JSON document on standard output."""
    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))


def progress(items: Iterable[T], length: int | None, label: str) -> Iterator[T]:
    """Iterate with a progress bar on a terminal, and silently in a pipe."""
    if not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, length=length, label=label, file=sys.stderr) as bar:
        yield from bar
