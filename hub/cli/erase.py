"""``onewindow holder erase ID``: erase a person from every read model and make the log unreadable.

The person's key is deleted (their encrypted fields in the log, the archive and every
copy become unreadable) and every row naming them is anonymised; counts and statistics
stay. This cannot be undone, hence ``--yes``.
"""

from __future__ import annotations

import click

from hub.cli.output import emit_json, json_option
from hub.db import create_engine_for
from hub.settings import load_settings
from hub.trust.erasure import erase_person
from hub.trust.keystore import PersonKeys


@click.group()
def holder() -> None:
    """What the hub holds about one person or company."""


@holder.command("erase")
@click.argument("id_number")
@click.option("--yes", is_flag=True, help="Confirm: erasure cannot be undone.")
@json_option
def erase(id_number: str, yes: bool, as_json: bool) -> None:
    """Erase the person with resident identity number ID_NUMBER."""
    if not yes:
        raise click.UsageError("erasure cannot be undone: add --yes to confirm")
    engine = create_engine_for(load_settings().effective_database_url)
    try:
        report = erase_person(engine, id_number.strip(), PersonKeys(engine))
    finally:
        engine.dispose()
    if as_json:
        emit_json({"person": report.person, "key_deleted": report.key_deleted, "rows": report.rows})
        return
    key = "key deleted" if report.key_deleted else "no key held"
    click.echo(f"erased {report.person} ({key}); rows anonymised: {sum(report.rows.values())}")
    for table, count in sorted(report.rows.items()):
        click.echo(f"  {table}: {count}")
