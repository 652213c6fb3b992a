"""The sql-mirror sink on SQLite and PostgreSQL: current state per license, idempotent."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from connectors.base import Sink
from connectors.config import load_config
from connectors.sql_mirror import SqlMirrorConfig, SqlMirrorSink, mirror_tables
from connectors.testing import SinkContract, registry
from hub.db import create_engine_for
from hub.events import Event
from hub.events.licenses import (
    LicenseExpired,
    LicenseIssued,
    LicenseRenewed,
    LicenseRevoked,
    LicenseSuspended,
)
from hub.publisher import Publisher
from hub.serde import Serializer
from hub.testing.processes import ONEWINDOW

pytestmark = pytest.mark.integration

FOOD = "FOOD_BUSINESS_LICENSE"


def issued(license_type: str = FOOD, **changes: Any) -> LicenseIssued:
    fields: dict[str, Any] = {
        "source": "market-regulation",
        "license_id": f"JY1.{uuid.uuid4().hex[:10]}.001",
        "license_type": license_type,
        "license_name": "Food business license",
        "holder_id_type": "USCC",
        "holder_id_number": "91350200776049653A",
        "holder_name": "Xiamen Haiyue Foods Co.",
        "issuer": "11330481MB0000000X",
        "valid_from": date(2026, 3, 20),
        "valid_until": date(2031, 3, 19),
        "version": 1,
    }
    return LicenseIssued(**(fields | changes))


def apply(url: str, events: list[Event], **config: Any) -> list[dict[str, Any]]:
    """Run ``events`` through a fresh sink, twice (a redelivery), and read the table back."""
    sink = SqlMirrorSink()
    sink.start(load_config(SqlMirrorConfig, {"database_url": url} | config))
    for _ in range(2):
        sink.write(events)
        sink.flush()
    sink.stop()
    licenses, _ = mirror_tables(config.get("table", "licenses"))
    engine = create_engine_for(url)
    with engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(select(licenses)).mappings()]
    engine.dispose()
    return sorted(rows, key=lambda row: row["license_id"])


def test_the_table_follows_a_license_through_its_life(database_url: str) -> None:
    first = issued()
    renewed_id = first.license_id.replace(".001", ".002")
    renewal = LicenseRenewed(
        **(first.model_dump(exclude={"event_id", "occurred_at"}))
        | {"license_id": renewed_id, "version": 2, "predecessor_id": first.license_id}
    )
    suspended = LicenseSuspended(
        source="enforcement", license_id=renewed_id, authority="Haining MSB", reason="inspection"
    )
    rows = apply(database_url, [first, renewal, suspended])
    assert [(r["license_id"], r["status"], r["version"]) for r in rows] == [
        (first.license_id, "superseded", 1),
        (renewed_id, "suspended", 2),
    ]
    assert rows[1]["status_reason"] == "inspection"
    assert rows[1]["last_event_id"] == suspended.event_id


def test_only_the_configured_license_types_are_mirrored(database_url: str) -> None:
    food, other = issued(), issued("BUSINESS_LICENSE")
    revoked = LicenseRevoked(
        source="market-regulation", license_id=other.license_id, authority="MSB", reason="fraud"
    )
    rows = apply(database_url, [food, other, revoked], license_types=[FOOD], table="food")
    assert [row["license_id"] for row in rows] == [food.license_id]


def test_an_event_applied_twice_changes_nothing(database_url: str) -> None:
    license_ = issued()
    expired = LicenseExpired(
        source="market-regulation", license_id=license_.license_id, valid_until=date(2031, 3, 19)
    )
    # Replaying the issue after the expiry would revive the license; the event id stops it.
    rows = apply(database_url, [license_, expired, license_])
    assert [(r["status"], r["last_event_id"]) for r in rows] == [("expired", expired.event_id)]
    assert rows[0]["valid_until"] == date(2031, 3, 19)


class TestSqlMirrorContract(SinkContract):
    @pytest.fixture(autouse=True)
    def _database(self, database_url: str) -> None:
        self.url = database_url

    def make_connector(self, workdir: Path) -> tuple[Sink[Any], dict[str, Any]]:
        return SqlMirrorSink(), {"database_url": self.url, "license_types": [FOOD]}

    def make_events(self, count: int) -> list[Event]:
        return [issued() for _ in range(count)]

    def read_output(self, workdir: Path) -> Collection[str]:
        _, applied = mirror_tables("licenses")
        engine = create_engine_for(self.url)
        with engine.connect() as conn:
            ids = list(conn.execute(select(applied.c.event_id)).scalars())
        engine.dispose()
        return ids

    def holds(self, workdir: Path, events: Sequence[Event]) -> bool:
        """The applied ids stay (redeliveries are dropped by them); the license rows go."""
        licenses, _ = mirror_tables("licenses")
        written = licenses.c.last_event_id.in_([event.event_id for event in events])
        engine = create_engine_for(self.url)
        with engine.connect() as conn:
            found = conn.execute(select(licenses.c.license_id).where(written)).first()
        engine.dispose()
        return found is not None


def test_connector_run_once_mirrors_the_topic_and_stops(
    tmp_path: Path, kafka_bootstrap: str
) -> None:
    kind = f"TEST_{uuid.uuid4().hex[:8].upper()}"
    wanted = issued(kind)
    with Publisher(kafka_bootstrap, Serializer(registry())) as publisher:
        for event in (wanted, issued()):
            publisher.publish_sync(event)
    url = f"sqlite:///{tmp_path / 'tax.db'}"
    config = tmp_path / "sql-mirror.toml"
    config.write_text(f'database_url = "{url}"\nlicense_types = ["{kind}"]\n', encoding="utf-8")
    env = os.environ | {
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ONEWINDOW_DATA_DIR": str(tmp_path / "var"),
    }
    command = [ONEWINDOW, "connector", "run", "sql-mirror", "--config", str(config), "--once"]
    for _ in range(2):  # the second run finds everything committed and stops at once
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=90, check=False
        )
        assert done.returncode == 0, done.stderr
    licenses, _ = mirror_tables("licenses")
    engine = create_engine_for(url)
    with engine.connect() as conn:
        assert list(conn.execute(select(licenses.c.license_id)).scalars()) == [wanted.license_id]
    engine.dispose()
