"""``onewindow up`` stopped and started again keeps every event, and applies none twice."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from test_pipeline_support import (
    Dump,
    dump,
    hub_settings,
    publish,
    row_count,
    workflow_events,
)

from hub.archive import ArchiveStore
from hub.archive.replay import log_messages
from hub.db import create_engine_for
from hub.testing.processes import HubProcess, hub_env, wait_until
from hub.topics import Topic
from projections.agents import TICK_INTERVAL_S

pytestmark = pytest.mark.integration

BOOTSTRAP = re.compile(r"ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS=(\S+)\)")
RESTORED = re.compile(r"restored (\d+) messages")
# Longer than the processors' tick, which may publish what time alone causes.
QUIET_S = TICK_INTERVAL_S + 1.0


def start_up(cwd: Path) -> tuple[HubProcess, str]:
    """``onewindow up`` with no settings in ``cwd``; returns it and its broker's address."""
    env = hub_env(None)  # the default data dir, ./var
    env["ONEWINDOW_API__PORT"] = str(free_port())  # 8600 may serve another hub
    hub = HubProcess(["up"], env, cwd)
    match = BOOTSTRAP.search(hub.line_with("ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS="))
    assert match is not None
    hub.line_with("worker:")
    return hub, match[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settled(cwd: Path, store: ArchiveStore) -> Dump:
    """The read models once the archive and the projections stopped growing for a while."""
    url = f"sqlite:///{cwd / 'var' / 'onewindow.db'}"
    last: tuple[int, int] = (-1, -1)
    quiet_since = time.monotonic()

    def quiet() -> bool:
        nonlocal last, quiet_since
        now = (store.count(), row_count(url))
        if now != last:
            last, quiet_since = now, time.monotonic()
        return time.monotonic() - quiet_since > QUIET_S

    wait_until(quiet, "the hub to settle", 90)
    return dump(url)


def event_ids_on(bootstrap: str, topic: str) -> set[str]:
    return {m.header("ce_id") or "" for m in log_messages(bootstrap, [topic])}


def archive_ids(store: ArchiveStore) -> set[str | None]:
    return {archived.message.header("ce_id") for archived in store.messages()}


def test_up_stopped_and_started_keeps_every_event_and_applies_none_twice(
    tmp_path: Path,
) -> None:
    events = workflow_events(cases=10, seed=21)
    store = ArchiveStore(create_engine_for(f"sqlite:///{tmp_path / 'var' / 'archive.db'}"))

    first, bootstrap = start_up(tmp_path)
    publish(hub_settings(tmp_path / "var", bootstrap), events)
    wait_until(lambda: store.count() >= len(events), f"{len(events)} archived events")
    before = settled(tmp_path, store)
    on_applications = event_ids_on(bootstrap, Topic.APPLICATIONS)
    assert first.stop() == 0
    archived = archive_ids(store)

    second, bootstrap = start_up(tmp_path)
    restored = RESTORED.search(second.line_with("restored"))
    assert restored is not None
    assert int(restored[1]) == len(archived)
    assert event_ids_on(bootstrap, Topic.APPLICATIONS) == on_applications
    after = settled(tmp_path, store)
    assert second.stop() == 0

    assert archive_ids(store) == archived
    assert {e.event_id for e in events} <= archived
    assert archived - {e.event_id for e in events}, "the processors published nothing"
    assert after == before
