"""``onewindow schemas``: list the Avro contracts and check that each version stays compatible."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from hub.cli.main import EXIT_FINDING
from hub.cli.output import emit_json, json_option
from hub.compatibility import Mode
from hub.errors import SchemaError
from hub.registry.audit import audit_published, audit_tree, published_tree
from hub.registry.base import subject_for
from hub.registry.files import SchemaFile, by_event, read_tree
from schemas import SCHEMA_DIR

dir_option = click.option(
    "--dir",
    "schema_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SCHEMA_DIR,
    show_default="the installed schemas/",
    help="Schema tree to read: <dir>/<EventName>/v<N>.avsc.",
)


@click.group()
def schemas() -> None:
    """The Avro contracts under schemas/: list them, check their compatibility."""


@schemas.command("check")
@click.option(
    "--against",
    "ref",
    metavar="GIT_REF",
    help="Also catch published versions edited or deleted since this git ref.",
)
@click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode], case_sensitive=False),
    default=Mode.BACKWARD_TRANSITIVE.value,
    show_default=True,
    help="Compatibility mode each new version must keep.",
)
@dir_option
@json_option
def check(ref: str | None, mode: str, schema_dir: Path, as_json: bool) -> None:
    """Check every event's versions against the earlier ones; exit 1 naming what breaks."""
    files, problems = read_tree(schema_dir)
    findings = audit_tree(files, problems, Mode(mode.upper()))
    if ref is not None:
        try:
            published = published_tree(schema_dir, ref)
        except SchemaError as exc:
            raise click.BadParameter(str(exc), param_hint="--against") from exc
        findings += audit_published(files, published, ref)
    if as_json:
        emit_json(
            {
                "ok": not findings,
                "mode": mode.upper(),
                "against": ref,
                "events": len(by_event(files)),
                "files": len(files) + len(problems),
                "findings": [asdict(finding) for finding in findings],
            }
        )
    else:
        for finding in findings:
            click.echo(str(finding))
        verdict = f"{len(findings)} problem(s)" if findings else "all compatible"
        summary = f"{len(by_event(files))} events, {len(files)} versions, {mode.upper()}"
        click.echo(f"{summary}: {verdict}")
    if findings:
        sys.exit(EXIT_FINDING)


@schemas.command("list")
@dir_option
@json_option
def list_schemas(schema_dir: Path, as_json: bool) -> None:
    """Every event with its schema versions and registry subject."""
    files, problems = read_tree(schema_dir)
    grouped = by_event(files)
    if as_json:
        emit_json([_summary(event, versions) for event, versions in grouped.items()])
    else:
        for event, versions in grouped.items():
            numbers = " ".join(f"v{f.version}" for f in versions)
            click.echo(f"{event:<28} {numbers:<12} {subject_for(event)}")
    for problem in problems:
        click.echo(f"onewindow: {problem}", err=True)
    if problems:
        sys.exit(EXIT_FINDING)


def _summary(event: str, versions: list[SchemaFile]) -> dict[str, Any]:
    return {
        "event": event,
        "subject": subject_for(event),
        "versions": [f.version for f in versions],
        "current": versions[-1].version,
    }
