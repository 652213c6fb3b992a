"""``onewindow deploy``: render the cluster's resources from the registry, validate them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hub.cli.main import EXIT_FINDING
from hub.cli.output import emit_json, json_option

DEPLOY_DIR = Path("deploy")


@click.group()
def deploy() -> None:
    """Production deployment files: Strimzi, Kubernetes, compose (under deploy/)."""


@deploy.command()
@click.option(
    "--out",
    default=DEPLOY_DIR,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The deploy folder to write the generated files into.",
)
@click.option(
    "--principals",
    "principals_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Kafka principals and their grants [default: OUT/principals.toml].",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file would change.")
@json_option
def render(out: Path, principals_file: Path | None, check: bool, as_json: bool) -> None:
    """Generate KafkaTopic, KafkaUser, workloads and the compose ACL script."""
    from hub.deploy.principals import load_principals
    from hub.deploy.render import drift, render, write
    from hub.topics import declared_topics

    topics = declared_topics()
    principals = load_principals(principals_file or out / "principals.toml", topics)
    files = render(principals, topics)
    if check:
        differing = drift(files, out)
        _report(as_json, "drift", differing, "up to date" if not differing else "out of date:")
        sys.exit(EXIT_FINDING if differing else 0)
    changed = [str(path) for path in write(files, out)]
    _report(as_json, "changed", changed, f"{len(files)} files rendered, {len(changed)} changed")


@deploy.command()
@click.option(
    "--dir",
    "directory",
    default=DEPLOY_DIR,
    show_default=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The deploy folder to validate.",
)
@json_option
def validate(directory: Path, as_json: bool) -> None:
    """Check compose, the kustomize build, the Dockerfile and alert rules; exit 1 on findings."""
    from hub.deploy.validate import validate_tree

    report = validate_tree(directory)
    if as_json:
        emit_json(report)
    else:
        for name, problems in report.items():
            click.echo(f"{name}: {'ok' if not problems else f'{len(problems)} problems'}")
            for problem in problems:
                click.echo(f"  {problem}")
    sys.exit(EXIT_FINDING if any(report.values()) else 0)


def _report(as_json: bool, key: str, paths: list[str], summary: str) -> None:
    if as_json:
        emit_json({key: paths})
        return
    click.echo(summary)
    for path in paths:
        click.echo(f"  {path}")
