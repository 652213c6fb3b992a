"""``onewindow id check``: validate credit codes, identity numbers and license ids.

Data officers clean whole registers with it, so it reads values from arguments or, with
``-``, one per line from standard input, and writes every result in one buffered write::

    onewindow id check --kind uscc 91350200776049653A
    cut -d, -f3 register.csv | onewindow id check --kind resident - > findings.tsv
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from hub.cli.main import EXIT_FINDING
from hub.cli.output import emit_json, json_option
from hub.errors import InvalidIdentifierError
from hub.identifiers import VALIDATORS, IdKind, Verdict, load_exceptions, validate_uscc

STDIN = "-"


@click.group(name="id")
def id_group() -> None:
    """Check identifiers: credit codes, resident identity numbers, license ids."""


def _values(arguments: tuple[str, ...]) -> Iterator[str]:
    for argument in arguments:
        if argument != STDIN:
            yield argument
            continue
        for line in click.get_text_stream("stdin").read().splitlines():
            if line.strip():
                yield line.strip()


def _validator(kind: IdKind, exceptions: Path | None) -> Callable[[str], Verdict]:
    if exceptions is None:
        return VALIDATORS[kind]
    if kind is not IdKind.USCC:
        raise click.UsageError("--exceptions applies only to --kind uscc")
    try:
        accepted = load_exceptions(exceptions)
    except InvalidIdentifierError as exc:
        raise click.BadParameter(str(exc), param_hint="--exceptions") from exc
    return lambda value: validate_uscc(value, accepted)


def _line(verdict: Verdict) -> str:
    if verdict.valid and verdict.reason is None:
        return f"{verdict.value}\tvalid\n"
    state = "valid" if verdict.valid else "invalid"
    return f"{verdict.value}\t{state}\t{verdict.reason}\n"


@id_group.command()
@click.option(
    "--kind",
    required=True,
    type=click.Choice([kind.value for kind in IdKind]),
    help="Identifier scheme of every value.",
)
@click.option(
    "--exceptions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A local CSV of accepted credit-code exceptions (code,reason,source,date).",
)
@json_option
@click.argument("values", nargs=-1)
def check(kind: str, exceptions: Path | None, as_json: bool, values: tuple[str, ...]) -> None:
    """Check each VALUE (or, for -, each line of standard input); exit 1 if any is invalid."""
    if not values:
        raise click.UsageError("give at least one VALUE, or - to read values from stdin")
    validator = _validator(IdKind(kind), exceptions)
    verdicts = [validator(value) for value in _values(values)]
    if as_json:
        emit_json([verdict.as_dict() for verdict in verdicts])
    else:
        click.echo("".join(map(_line, verdicts)), nl=False)
    if not all(verdict.valid for verdict in verdicts):
        sys.exit(EXIT_FINDING)
