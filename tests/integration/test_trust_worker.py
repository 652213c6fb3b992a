"""The worker seals every license version that reaches the licenses topic."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from test_pipeline_support import (
    HubProcess,
    hub_settings,
    own_broker,
    publish,
    row_count,
    wait_until,
)

from hub.db import create_engine_for
from hub.events.licenses import LicenseVersionEvent
from hub.trust.keys import DepartmentKeys
from hub.trust.signing import verify_license
from projections.testing import event_stream

pytestmark = pytest.mark.integration


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    """A broker of this test alone (the session's one holds the other tests' events)."""
    with own_broker() as bootstrap:
        yield bootstrap


def test_the_worker_seals_each_license_version(kafka_bootstrap: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    events = [e for e in event_stream(seed=21, cases=10) if isinstance(e, LicenseVersionEvent)]
    assert events
    publish(hub_settings(tmp_path, kafka_bootstrap), events)
    env = os.environ | {
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ONEWINDOW_DATA_DIR": str(tmp_path),
        "ONEWINDOW_DATABASE_URL": url,
    }
    group = f"test-{uuid.uuid4().hex}"
    worker = HubProcess(["worker", "--group", group, "--session-timeout", "2"], env, tmp_path)
    seals = len(events)
    wait_until(lambda: row_count(url, "license_seals") >= seals, f"{seals} license seals")
    assert worker.stop() == 0
    engine = create_engine_for(url)
    keys = DepartmentKeys(tmp_path / "keys")
    try:
        verdicts = [verify_license(engine, keys, e.license_id, date(2026, 6, 1)) for e in events]
    finally:
        engine.dispose()
    assert all("the license carries no seal" not in v.reasons for v in verdicts)
    assert not any("signature" in reason for v in verdicts for reason in v.reasons)
