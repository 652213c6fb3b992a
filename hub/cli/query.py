"""``onewindow query``: where a case stands, which cases are overdue, who holds what.

Reads the database the settings name (``ONEWINDOW_DATABASE_URL``, default SQLite under
``./var/``) through the same queries as the HTTP API, and passes every answer through
the API's :class:`~hub.api.disclosure.Disclosure`: identity numbers of persons masked,
and each subject shown recorded as a :class:`~hub.events.access.DataAccessed` (who: the
operating-system user; purpose: ``command line query``) on ``onewindow.access``, as the
API records its answers. An answer is shown only once the broker has confirmed its
accesses, so with no broker (``ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS``, or a hub running
from this folder) an answer that names anyone is refused. Exit 1 when the case asked
for does not exist.
"""

from __future__ import annotations

import contextlib
import getpass
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click
from pydantic import BaseModel
from sqlalchemy import Connection

from hub.api.disclosure import Caller, Disclosure
from hub.cli.main import EXIT_FINDING
from hub.cli.output import emit_json, json_option
from hub.cli.publish import NO_BROKER, broker_settings
from hub.db import create_engine_for, database_errors
from hub.errors import SettingsError
from hub.events.access import DataAccessed
from hub.publisher import Publisher, wait_for
from hub.queries import MAX_LIMIT, CaseFilter, PageRequest, find_case, licenses_of, list_cases
from hub.queries.holders import holder_id
from hub.settings import load_settings
from projections.tables import CaseStatus

SOURCE = "onewindow-cli"
PURPOSE = "command line query"
_LIMIT = click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, MAX_LIMIT), help="At most."
)


@click.group()
def query() -> None:
    """Look up cases, licenses and statistics in the hub's read models."""


@query.command("case")
@click.argument("case_id")
@json_option
def case(case_id: str, as_json: bool) -> None:
    """Show case CASE_ID with its tasks and department timeline; exit 1 if unknown."""
    with sessions() as conn:
        found = find_case(conn, case_id)
        if found is None:
            click.echo(f"onewindow: no case {case_id!r}", err=True)
            sys.exit(EXIT_FINDING)
        shown = released(found, f"query case {case_id}")
    if as_json:
        emit_json(shown)
        return
    _case_text(shown)


@query.command("cases")
@click.option("--overdue", is_flag=True, help="Only cases with a task past its time limit.")
@click.option("--department", help="Only cases with a task in this department (e.g. MR).")
@click.option("--status", type=click.Choice([status.value for status in CaseStatus]))
@click.option("--holder", help="Only cases of this credit code or identity number.")
@_LIMIT
@json_option
def cases(
    overdue: bool,
    department: str | None,
    status: str | None,
    holder: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List cases, filtered, in case-id order."""
    applicant = holder_id(holder) if holder is not None else None
    where = CaseFilter(status, department, applicant, True if overdue else None)
    with sessions() as conn:
        shown = released(list_cases(conn, where, PageRequest(limit=limit)), "query cases")
    if as_json:
        emit_json(shown)
        return
    for item in shown["items"]:
        flag = " OVERDUE" if item["overdue"] else ""
        click.echo(f"{item['case_id']}  {item['status']:<12} {_who(item['applicant'])}{flag}")


@query.command("licenses")
@click.option("--holder", required=True, help="Credit code or identity number of the holder.")
@_LIMIT
@json_option
def licenses(holder: str, limit: int, as_json: bool) -> None:
    """List the licenses a holder has, every version, with status and validity."""
    with sessions() as conn:
        found = licenses_of(conn, holder_id(holder), PageRequest(limit=limit))
        shown = released(found, "query licenses")  # the holder is in the event, sealed
    if as_json:
        emit_json(shown)
        return
    for item in shown["items"]:
        validity = f"{item['valid_from']} to {item['valid_until'] or 'no end'}"
        click.echo(f"{item['license_id']}  {item['status']:<10} {validity}  {item['license_name']}")


@query.command("stats")
@click.option("--items", "per_item", is_flag=True, help="Per approval item, not department.")
@json_option
def stats(per_item: bool, as_json: bool) -> None:
    """Throughput, on-time share, median working days and submissions saved."""
    from hub.queries import statistics

    with sessions() as conn:
        found = statistics(conn)
    groups = [
        group.model_dump(mode="json") for group in (found.items if per_item else found.departments)
    ]
    if as_json:
        emit_json(groups)
        return
    click.echo(_HEADER)
    for group in groups:
        click.echo(_stats_line(group))


_HEADER = (
    f"{'code':<12} {'cases':>7} {'tasks':>7} {'on time':>8} {'median':>7}"
    f" {'saved':>7} {'licenses':>9} {'rating':>6}"
)


def _stats_line(group: dict[str, Any]) -> str:
    share = "—" if group["on_time_share"] is None else f"{group['on_time_share']:.1%}"
    median = "—" if group["median_working_days"] is None else f"{group['median_working_days']:g}"
    rating = "—" if group["rating_average"] is None else f"{group['rating_average']:.2f}"
    return (
        f"{group['code']:<12} {group['cases']:>7} {group['tasks']:>7} {share:>8} {median:>7}"
        f" {group['submissions_saved']:>7} {group['licenses_issued']:>9} {rating:>6}"
    )


def _who(subject: dict[str, Any]) -> str:
    return f"{subject['name'] or ''} {subject['id_type']} {subject['id_number']}".strip()


def _case_text(case: dict[str, Any]) -> None:
    click.echo(f"case {case['case_id']}: {case['status']} ({case['bundle_code'] or 'items'})")
    click.echo(f"applicant: {_who(case['applicant'])}")
    click.echo(f"submitted {case['submitted_at']}, completed {case['completed_at'] or '—'}")
    for task in case["tasks"]:
        flags = " OVERDUE" if task["overdue"] else (" warned" if task["warned"] else "")
        click.echo(f"  {task['task_id']:<16} {task['department']:<6} {task['status']}{flags}")
    click.echo("timeline:")
    for entry in case["timeline"]:
        detail = f" — {entry['detail']}" if entry["detail"] else ""
        click.echo(f"  {entry['day']} {entry['department'] or '':<6} {entry['event']}{detail}")


@contextlib.contextmanager
def sessions() -> Iterator[Connection]:
    """A connection to the database the settings name, closed afterwards."""
    engine = create_engine_for(load_settings().effective_database_url)
    try:
        with database_errors("cannot read the read models"), engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def released(answer: BaseModel | Sequence[BaseModel], resource: str) -> Any:
    """The answer as JSON-ready data, masked as the API would, once its accesses are recorded."""
    caller = Caller(accessor=getpass.getuser(), department=None, purpose=PURPOSE)
    accesses: list[DataAccessed] = []
    shown = Disclosure(caller, (), accesses.append, resource).release(answer)
    record(accesses)
    return shown


def record(accesses: Sequence[DataAccessed]) -> None:
    """Publish ``accesses`` to the access topic and wait until the broker confirmed them."""
    if not accesses:
        return
    try:
        settings = broker_settings(None)
    except SettingsError:
        raise SettingsError(
            f"this answer names someone, and the read must be recorded: {NO_BROKER}"
        ) from None
    with Publisher.from_settings(settings) as publisher:
        sent = [
            publisher.publish(access.model_copy(update={"source": SOURCE})) for access in accesses
        ]
        for delivery in sent:
            wait_for(delivery)
