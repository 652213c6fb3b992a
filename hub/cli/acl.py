"""``onewindow acl plan``: the Kafka ACLs each principal needs under the agreements."""

from __future__ import annotations

from pathlib import Path

import click

from hub.cli.output import emit_json, json_option
from hub.deploy.principals import load_principals
from hub.deploy.render import PRINCIPALS
from hub.topics import declared_topics
from hub.trust.acl import acl_entries, strimzi_acls
from hub.trust.agreements import load_agreements

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def acl() -> None:
    """Kafka ACLs derived from the principals and the data-sharing agreements."""


@acl.command("plan")
@click.option("--principals", "principals_file", type=_FILE, default=None, help="principals.toml")
@click.option("--agreements", "agreements_file", type=_FILE, default=None, help="agreements.toml")
@click.option("--bootstrap", default="$BOOTSTRAP", show_default=True, help="For the commands")
@json_option
def plan(
    principals_file: Path | None, agreements_file: Path | None, bootstrap: str, as_json: bool
) -> None:
    """Print the kafka-acls.sh commands (or, with --json, commands and Strimzi ACLs)."""
    principals = load_principals(principals_file or PRINCIPALS, declared_topics())
    agreements = load_agreements(agreements_file)
    entries = acl_entries(principals, agreements)
    if as_json:
        emit_json(
            {
                "commands": [entry.command(bootstrap) for entry in entries],
                "strimzi": strimzi_acls(principals, agreements),
            }
        )
        return
    for entry in entries:
        click.echo(entry.command(bootstrap))
