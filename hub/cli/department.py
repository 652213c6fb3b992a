"""``onewindow department token create|rotate|revoke|list``: department credentials.

A new token's secret is printed once, on standard output, and never stored or logged: the
hub keeps only its hash. Give it to the department's system as its bearer token.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import click

from hub.catalogue import load_catalogue
from hub.cli.output import emit_json, json_option
from hub.db import create_engine_for
from hub.settings import load_settings
from hub.trust.agreements import load_agreements
from hub.trust.identities import Identities, IssuedToken, TokenRecord, principal_of


@contextmanager
def _identities() -> Iterator[Identities]:
    engine = create_engine_for(load_settings().effective_database_url)
    try:
        yield Identities(engine)
    finally:
        engine.dispose()


@click.group()
def department() -> None:
    """Department identities: bearer tokens for the API and ingress, Kafka principals."""


@department.command("list")
@json_option
def list_departments(as_json: bool) -> None:
    """Every department: its Kafka principal, agreements and the topics they let it read."""
    agreements = load_agreements()
    rows = [
        {
            "code": code,
            "name": entry.name_en,
            "principal": principal_of(code),
            "agreements": [item.id for item in agreements.of(code)],
            "reads": sorted(agreements.topics_of(code)),
        }
        for code, entry in sorted(load_catalogue().departments.items())
    ]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        agreed = ", ".join(row["agreements"]) or "no agreement"
        click.echo(f"{row['code']:<7} {row['principal']:<12} {agreed}")


@department.group()
def token() -> None:
    """Create, rotate, revoke and list department tokens."""


@token.command("create")
@click.argument("code")
@click.option("--days", type=click.IntRange(1, 3650), default=365, show_default=True)
@json_option
def create(code: str, days: int, as_json: bool) -> None:
    """Make a token for department CODE (e.g. MR); prints its secret once."""
    with _identities() as identities:
        _issued(identities.create(code, timedelta(days=days)), as_json)


@token.command("rotate")
@click.argument("token_id")
@click.option("--grace-hours", type=click.IntRange(0, 24 * 90), default=24, show_default=True)
@json_option
def rotate(token_id: str, grace_hours: int, as_json: bool) -> None:
    """Replace TOKEN_ID by a new token; the old one works for the grace period."""
    with _identities() as identities:
        _issued(identities.rotate(token_id, timedelta(hours=grace_hours)), as_json)


@token.command("revoke")
@click.argument("token_id")
@json_option
def revoke(token_id: str, as_json: bool) -> None:
    """Stop TOKEN_ID from authenticating, at once."""
    with _identities() as identities:
        record = identities.revoke(token_id)
    _show([record], as_json)


@token.command("list")
@click.option("--department", "code", default=None, help="Only this department's tokens")
@json_option
def list_tokens(code: str | None, as_json: bool) -> None:
    """Every token: id, department, principal, created, expires, revoked."""
    with _identities() as identities:
        _show(identities.tokens(code), as_json)


def _issued(issued: IssuedToken, as_json: bool) -> None:
    if as_json:
        emit_json({**_fields(issued.record), "token": issued.secret})
        return
    record = issued.record
    click.echo(f"token {record.token_id} for {record.department}, expires {record.expires_at}")
    click.echo(issued.secret)


def _show(records: list[TokenRecord], as_json: bool) -> None:
    if as_json:
        emit_json([_fields(record) for record in records])
        return
    for record in records:
        state = (
            f"revoked {record.revoked_at}" if record.revoked_at else f"expires {record.expires_at}"
        )
        click.echo(
            f"{record.token_id}  {record.department:<8} {principal_of(record.department)}  {state}"
        )


def _fields(record: TokenRecord) -> dict[str, Any]:
    shown = {
        name: str(value) if value is not None else None for name, value in vars(record).items()
    }
    return {**shown, "principal": principal_of(record.department)}
