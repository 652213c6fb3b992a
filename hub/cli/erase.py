"""``onewindow holder erase ID``: erase a person from every read model and make the log unreadable.

The person's key is deleted (their encrypted fields in the log, the archive and every
copy become unreadable) and every row naming them is anonymised; counts and statistics
stay. Then each sink connector that delivered data of theirs to a department gets a
:class:`~hub.events.erasure.PersonErased` notice on ``onewindow.erasures`` listing what it
delivered (:mod:`hub.trust.deliveries`), so the copies outside the hub go too. Notices
that cannot be sent (no broker) wait and go out with the next erasure. This cannot be
undone, hence ``--yes``.
"""

from __future__ import annotations

import click
from sqlalchemy import Engine

from hub.cli.output import emit_json, json_option
from hub.cli.publish import NO_BROKER, broker_settings
from hub.db import create_engine_for
from hub.errors import SettingsError
from hub.publisher import Publisher, wait_for
from hub.settings import load_settings
from hub.trust.deliveries import DeliveryLedger
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
    """Erase the person with resident identity number ID_NUMBER, and tell the sinks."""
    if not yes:
        raise click.UsageError("erasure cannot be undone: add --yes to confirm")
    engine = create_engine_for(load_settings().effective_database_url)
    try:
        report = erase_person(engine, id_number.strip(), PersonKeys(engine))
        notified = _notify_sinks(engine)
    finally:
        engine.dispose()
    if as_json:
        emit_json(
            {
                "person": report.person,
                "key_deleted": report.key_deleted,
                "rows": report.rows,
                "sinks_notified": notified,
            }
        )
        return
    key = "key deleted" if report.key_deleted else "no key held"
    click.echo(f"erased {report.person} ({key}); rows anonymised: {sum(report.rows.values())}")
    for table, count in sorted(report.rows.items()):
        click.echo(f"  {table}: {count}")
    for connector in notified:
        click.echo(f"  erasure notice sent to sink {connector}")


def _notify_sinks(engine: Engine) -> list[str]:
    """Send every waiting erasure notice; the connectors they went to."""
    ledger = DeliveryLedger(engine)
    notices = ledger.notices()
    if not notices:
        return []
    try:
        settings = broker_settings(None)
    except SettingsError:
        waiting = f"{len(notices)} erasure notices to sink connectors wait to be sent"
        raise SettingsError(f"erased, but {waiting}: {NO_BROKER}") from None
    with Publisher.from_settings(settings) as publisher:
        for delivery in [publisher.publish(notice) for notice in notices]:
            wait_for(delivery)
    ledger.notified(notices)
    return sorted({notice.connector for notice in notices})
