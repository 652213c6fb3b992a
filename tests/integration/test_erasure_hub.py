"""Erasure in a running hub: ONEWINDOW_ENCRYPT_PERSONAL_DATA, the worker, erase, rebuild.

Events go out sealed through ``Publisher.from_settings``; the worker process opens them
and projects; ``onewindow holder erase`` removes the person; ``onewindow projections
rebuild --from log`` then replays the log into fresh tables without them.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, create_engine, select
from test_pipeline_support import (
    HubProcess,
    hub_settings,
    own_broker,
    projected,
    publish,
    row_count,
    wait_until,
    workflow_events,
)

from hub.cli.main import cli
from hub.consuming import RawMessage, read_topic
from hub.events import Event
from hub.events.base import IdentifierType

pytestmark = pytest.mark.integration


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    """A broker of this test alone (the session's one holds the other tests' events)."""
    with own_broker() as bootstrap:
        yield bootstrap


def a_person(events: list[Event]) -> tuple[str, str]:
    for event in events:
        record = event.to_record()
        if record.get("applicant_id_type") == IdentifierType.RESIDENT_ID:
            return record["applicant_id_number"], record["applicant_name"]
    raise AssertionError("no person among the generated cases")


def mentions(url: str, text: str) -> list[str]:
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as conn:
        found = [
            table.name
            for table in tables.sorted_tables
            for row in conn.execute(select(table)).mappings()
            if text in str(dict(row))
        ]
    engine.dispose()
    return found


def test_a_person_erased_from_a_running_hub(
    kafka_bootstrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'onewindow.db'}"
    env = {
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ONEWINDOW_DATA_DIR": str(tmp_path),
        "ONEWINDOW_DATABASE_URL": url,
        "ONEWINDOW_ENCRYPT_PERSONAL_DATA": "true",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    events = workflow_events(cases=8, seed=31)
    person, name = a_person(events)
    settings = hub_settings(tmp_path, kafka_bootstrap, url)
    assert settings.encrypt_personal_data
    publish(settings, events)
    values = [
        m.value or b"" for t in {str(e.topic) for e in events} for m in _topic(kafka_bootstrap, t)
    ]
    assert values
    assert not [value for value in values if person.encode() in value or name.encode() in value]

    target = len(projected(events, f"sqlite:///{tmp_path / 'expected.db'}")["processed_events"])
    args = [
        "worker",
        "--no-processors",
        "--group",
        f"test-{uuid.uuid4().hex}",
        "--session-timeout",
        "2",
    ]
    worker = HubProcess(args, os.environ | env, tmp_path)
    wait_until(lambda: row_count(url) >= target, f"{target} tracking records")
    assert worker.stop() == 0
    assert "cases" in mentions(url, person)

    runner = CliRunner()
    erased = runner.invoke(cli, ["holder", "erase", person, "--yes", "--json"])
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.stdout)["key_deleted"] is True
    assert mentions(url, person) == []
    assert mentions(url, name) == []

    rebuilt = runner.invoke(cli, ["projections", "rebuild", "--from", "log", "--json"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.stdout)["events"] == len(events)
    assert mentions(url, person) == []
    assert mentions(url, name) == []
    assert row_count(url, "cases") == 8


def _topic(bootstrap: str, topic: str) -> list[RawMessage]:
    return list(read_topic(bootstrap, topic, idle_timeout=1.0))
