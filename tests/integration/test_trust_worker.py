"""The trust layer in a running hub: the worker seals licenses and opens sealed fields.

With ``ONEWINDOW_ENCRYPT_PERSONAL_DATA`` on, events go out sealed through
``Publisher.from_settings``; the worker process opens them and projects; ``onewindow
holder erase`` removes the person; ``onewindow projections rebuild --from log`` then
replays the log into fresh tables without them.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_pipeline_support import hub_settings, projected, publish, row_count, workflow_events

from hub.cli.main import cli
from hub.consuming import read_topic
from hub.db import create_engine_for
from hub.events import Event
from hub.events.licenses import LicenseVersionEvent
from hub.testing.processes import HubProcess, own_broker, wait_until
from hub.trust.keys import DepartmentKeys
from hub.trust.signing import verify_license
from hub.trust.testing import first_person, traces

pytestmark = pytest.mark.integration


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    """A broker of this test alone (the session's one holds the other tests' events)."""
    with own_broker() as bootstrap:
        yield bootstrap


def hub_env(bootstrap: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a hub in ``data_dir``, set for this process too."""
    env = {
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        "ONEWINDOW_DATA_DIR": str(data_dir),
        "ONEWINDOW_DATABASE_URL": f"sqlite:///{data_dir / 'onewindow.db'}",
        "ONEWINDOW_ENCRYPT_PERSONAL_DATA": "true",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def run_worker(env: dict[str, str], data_dir: Path, done: int, *options: str) -> None:
    """Run ``onewindow worker`` until ``done`` events are tracked, then stop it."""
    group = f"test-{uuid.uuid4().hex}"
    args = ["worker", *options, "--group", group, "--session-timeout", "2"]
    worker = HubProcess(args, os.environ | env, data_dir)
    url = env["ONEWINDOW_DATABASE_URL"]
    wait_until(lambda: row_count(url) >= done, f"{done} tracking records")
    assert worker.stop() == 0


def tracked(events: list[Event], data_dir: Path) -> int:
    """How many tracking records projecting ``events`` leaves."""
    return len(projected(events, f"sqlite:///{data_dir / 'expected.db'}")["processed_events"])


def test_the_worker_seals_each_license_version(
    kafka_bootstrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = hub_env(kafka_bootstrap, tmp_path, monkeypatch)
    events = [e for e in workflow_events(cases=10, seed=21) if isinstance(e, LicenseVersionEvent)]
    publish(hub_settings(tmp_path, kafka_bootstrap), events)
    run_worker(env, tmp_path, tracked(events, tmp_path))
    url = env["ONEWINDOW_DATABASE_URL"]
    wait_until(lambda: row_count(url, "license_seals") >= len(events), "a seal per version")
    engine = create_engine_for(url)
    keys = DepartmentKeys(tmp_path / "keys")
    try:
        verdicts = [verify_license(engine, keys, e.license_id, date(2026, 6, 1)) for e in events]
    finally:
        engine.dispose()
    assert all("the license carries no seal" not in v.reasons for v in verdicts)
    assert not any("signature" in reason for v in verdicts for reason in v.reasons)


def test_a_person_erased_from_a_running_hub(
    kafka_bootstrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = hub_env(kafka_bootstrap, tmp_path, monkeypatch)
    events = workflow_events(cases=8, seed=32)  # a seed whose eight cases include a person's
    person, name, _ = first_person(events)
    publish(hub_settings(tmp_path, kafka_bootstrap), events)
    topics = {str(event.topic) for event in events}
    log = [m.value or b"" for t in topics for m in read_topic(kafka_bootstrap, t, idle_timeout=1)]
    assert len(log) == len(events)
    assert not [value for value in log if person.encode() in value or name.encode() in value]
    run_worker(env, tmp_path, tracked(events, tmp_path), "--no-processors")
    engine = create_engine_for(env["ONEWINDOW_DATABASE_URL"])
    assert "cases" in traces(engine, person)

    runner = CliRunner()
    erased = runner.invoke(cli, ["holder", "erase", person, "--yes", "--json"])
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.stdout)["key_deleted"] is True
    assert traces(engine, person) == []
    assert traces(engine, name) == []

    rebuilt = runner.invoke(cli, ["projections", "rebuild", "--from", "log", "--json"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.stdout)["events"] == len(events)
    assert traces(engine, person) == []
    assert traces(engine, name) == []
    assert row_count(env["ONEWINDOW_DATABASE_URL"], "cases") == 8
    engine.dispose()
