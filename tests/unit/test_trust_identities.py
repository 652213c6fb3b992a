"""Department tokens: made, stored hashed, rotated with a grace period, revoked, listed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, select

from hub.cli.main import cli
from hub.clock import ManualClock
from hub.errors import AuthenticationError, ValidationError
from hub.trust.identities import Identities, principal_of, token_hash
from hub.trust.tables import department_tokens

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine() -> Engine:
    return create_engine("sqlite://")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def identities(engine: Engine, clock: ManualClock) -> Identities:
    return Identities(engine, clock)


def test_a_new_token_authenticates_its_department(identities: Identities) -> None:
    issued = identities.create("MR")
    assert identities.authenticate(issued.secret) == "MR"
    assert issued.record.department == "MR"
    assert principal_of("MR") == "dept-mr"


def test_only_the_hash_is_stored(identities: Identities, engine: Engine) -> None:
    issued = identities.create("TAX")
    with engine.connect() as conn:
        stored = conn.execute(select(department_tokens)).mappings().one()
    assert issued.secret not in {str(value) for value in stored.values()}
    assert stored["token_hash"] == token_hash(issued.secret)


def test_unknown_department_is_named(identities: Identities) -> None:
    with pytest.raises(ValidationError, match="unknown department 'XX'"):
        identities.create("XX")


def test_unknown_token_is_refused(identities: Identities) -> None:
    identities.create("MR")
    with pytest.raises(AuthenticationError, match="unknown bearer token"):
        identities.authenticate("owt_not-a-token")


def test_rotation_keeps_the_old_token_for_the_grace_period(
    identities: Identities, clock: ManualClock
) -> None:
    old = identities.create("PS")
    new = identities.rotate(old.record.token_id, grace=timedelta(hours=2))
    assert identities.get(old.record.token_id).replaced_by == new.record.token_id
    clock.advance(timedelta(hours=1))
    assert identities.authenticate(old.secret) == "PS"
    clock.advance(timedelta(hours=2))
    with pytest.raises(AuthenticationError, match="expired"):
        identities.authenticate(old.secret)
    assert identities.authenticate(new.secret) == "PS"


def test_revoked_token_stops_at_once(identities: Identities) -> None:
    issued = identities.create("BANK")
    identities.revoke(issued.record.token_id)
    with pytest.raises(AuthenticationError, match="revoked"):
        identities.authenticate(issued.secret)
    with pytest.raises(ValidationError, match="already revoked"):
        identities.revoke(issued.record.token_id)


def test_expired_token_is_refused(identities: Identities, clock: ManualClock) -> None:
    issued = identities.create("HRSS", lifetime=timedelta(days=1))
    clock.advance(timedelta(days=1, seconds=1))
    with pytest.raises(AuthenticationError, match="expired"):
        identities.authenticate(issued.secret)


def test_list_by_department(identities: Identities) -> None:
    identities.create("MR")
    identities.create("PS")
    assert [record.department for record in identities.tokens("PS")] == ["PS"]
    assert len(identities.tokens()) == 2


def test_cli_create_list_rotate_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEWINDOW_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    made = json.loads(runner.invoke(cli, ["department", "token", "create", "MR", "--json"]).stdout)
    assert made["token"].startswith("owt_")
    assert made["principal"] == "dept-mr"
    rotated = runner.invoke(cli, ["department", "token", "rotate", made["token_id"], "--json"])
    assert json.loads(rotated.stdout)["department"] == "MR"
    revoked = runner.invoke(cli, ["department", "token", "revoke", made["token_id"]])
    assert revoked.exit_code == 0
    assert "revoked" in revoked.stdout
    listed = json.loads(runner.invoke(cli, ["department", "token", "list", "--json"]).stdout)
    assert len(listed) == 2
    assert all("token" not in row for row in listed)
    refused = runner.invoke(cli, ["department", "token", "create", "NOPE"])
    assert refused.exit_code == 1
    assert "unknown department 'NOPE'" in refused.stderr


def test_cli_lists_departments_with_principals_and_agreements() -> None:
    listed = json.loads(CliRunner().invoke(cli, ["department", "list", "--json"]).stdout)
    bank = next(row for row in listed if row["code"] == "BANK")
    assert bank["principal"] == "dept-bank"
    assert bank["agreements"] == ["BANK-account-opening", "BANK-own-work"]
    assert bank["reads"] == ["onewindow.licenses"]
    water = next(row for row in listed if row["code"] == "WATER")
    assert (water["agreements"], water["reads"]) == (["WATER-own-work"], [])
