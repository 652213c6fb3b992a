"""``onewindow workdays``: due dates and working-day counts on the holiday calendar."""

from __future__ import annotations

from datetime import date, datetime

import click

from hub.cli.output import emit_json, json_option
from hub.workdays import load_calendar

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def workdays() -> None:
    """Working days: holidays, make-up days, due dates (the start day never counts)."""


@workdays.command()
@click.argument("start", type=DATE)
@click.argument("n", type=int)
@json_option
def add(start: datetime, n: int, as_json: bool) -> None:
    """The date N working days after START (e.g. the due date of an item accepted on START)."""
    due = load_calendar().add_working_days(start.date(), n)
    _emit(as_json, {"start": start.date(), "working_days": n, "date": due}, due.isoformat())


@workdays.command()
@click.argument("start", type=DATE)
@click.argument("end", type=DATE)
@json_option
def between(start: datetime, end: datetime, as_json: bool) -> None:
    """How many working days lie after START up to and including END."""
    count = load_calendar().working_days_between(start.date(), end.date())
    _emit(as_json, {"start": start.date(), "end": end.date(), "working_days": count}, str(count))


def _emit(as_json: bool, data: dict[str, date | int], text: str) -> None:
    if as_json:
        emit_json(data)
    else:
        click.echo(text)
