"""``onewindow license verify``: is this license number real and valid today?

Exit 0 when the license is in the store and valid today, 1 when the number is malformed,
unknown, its seal does not match, or the license is suspended, revoked, cancelled, expired
or out of its period. When the holder was erased, their face fields are gone and the seal
is checked over the other fields only; the answer says so.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from hub.cli.main import EXIT_FINDING
from hub.cli.output import emit_json, json_option
from hub.cli.query import released, sessions
from hub.queries import verify
from hub.settings import load_settings
from hub.trust.api import command_line_seals
from projections.model import CHINA


@click.group()
def license() -> None:
    """Check licenses of the electronic license store."""


@license.command("verify")
@click.argument("license_id")
@json_option
def verify_command(license_id: str, as_json: bool) -> None:
    """Verify LICENSE_ID: well formed, in the store, and valid today (China time)."""
    with sessions() as conn:
        seals = command_line_seals(conn, load_settings())
        today = datetime.now(CHINA).date()
        answer = released(verify(conn, license_id.strip(), today, seals), "license verify")
    if as_json:
        emit_json(answer)
    else:
        _print(answer)
    if not answer["valid_today"]:
        sys.exit(EXIT_FINDING)


def _print(answer: dict[str, Any]) -> None:
    signature = answer["signature"]
    if answer["valid_today"]:
        until = answer["valid_until"] or "no end"
        click.echo(f"{answer['license_id']}: valid from {answer['valid_from']} until {until}")
    else:
        click.echo(f"{answer['license_id']}: NOT VALID: {answer['problem'] or signature['detail']}")
    if signature["holder_erased"]:
        click.echo(f"  {signature['detail']}")
