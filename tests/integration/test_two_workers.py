"""Two ``onewindow worker`` processes share the partitions; one stops, nothing is lost.

This is the production layout of deploy/ (workers scaled out in one consumer group) in
miniature: both workers take part of the topics' partitions, the first is stopped in
the middle of the work, the group gives its partitions to the second, and the tables
end exactly as applying every event once in one process leaves them.

The embedded broker (librdkafka's mock cluster) answers a follower's SyncGroup that
arrives after the leader's with InvalidRequestError (its group is already "Up"), where a
real broker returns the assignment; aiokafka hands that error to faust, whose fetcher
stops, so a refused worker is started again (see :func:`start_pair`; three retries
were once too few). Two causes of earlier failures are fixed in the engine: workers
starting together on a fresh database raced to create the tables (one died with "table
cases already exists"), and two workers rewriting one case row from different topics
lost an update (a case without the applicant its ApplicationSubmitted set). The
survivor not resuming the stopped worker's partitions was not seen in the 20 runs after
those fixes (the last 10 in a row passed), so the test runs by default again.
"""

from __future__ import annotations

import os
import re
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_pipeline_support import (
    assert_same_rows,
    dump,
    hub_settings,
    projected,
    publish,
    row_count,
    several_batches,
)

from hub.db import create_engine_for
from hub.testing.processes import HubProcess, own_broker, wait_until
from hub.topics import Topic, topic_spec

pytestmark = pytest.mark.integration

ASSIGNED = "Setting newly assigned partitions"
REFUSED = "Unexpected error from SyncGroup: [Error 42] InvalidRequestError"
CONSUMED = (Topic.APPLICATIONS, Topic.LICENSES, Topic.MATERIALS, Topic.CREDIT)
CONSUMED += (Topic.SUPERVISION, Topic.ACCESS)
ATTEMPTS = 8
PARTITIONS = sum(topic_spec(topic).partitions for topic in CONSUMED)


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    """A broker of this test alone."""
    with own_broker() as bootstrap:
        yield bootstrap


def start_worker(bootstrap: str, data_dir: Path, database_url: str, group: str) -> HubProcess:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = os.environ | {
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        "ONEWINDOW_DATA_DIR": str(data_dir),
        "ONEWINDOW_DATABASE_URL": database_url,
        "ONEWINDOW_WORKER__HEALTH_PORT": "0",  # two workers on one machine: no probes
    }
    args = ["worker", "--no-processors", "--group", group, "--session-timeout", "2"]
    return HubProcess([*args, "--loglevel", "info"], env, data_dir)


def assigned_partitions(worker: HubProcess) -> set[tuple[str, str]]:
    """The topic partitions the last rebalance gave ``worker``, as faust logs them."""
    lines = [line for line in worker.lines if ASSIGNED in line]
    if not lines:
        return set()
    return set(re.findall(r"TopicPartition\(topic='([^']+)', partition=(\d+)\)", lines[-1]))


def sharing(first: HubProcess, second: HubProcess) -> bool:
    """True once each worker owns part of the partitions and together they own them all."""
    mine, theirs = assigned_partitions(first), assigned_partitions(second)
    return bool(mine) and bool(theirs) and not mine & theirs and len(mine | theirs) == PARTITIONS


def start_pair(bootstrap: str, tmp_path: Path, url: str) -> tuple[HubProcess, HubProcess]:
    """Two workers of one group, started together, once they share the partitions.

    The embedded broker's group coordinator sometimes answers a follower's SyncGroup
    with InvalidRequestError, after which aiokafka never rejoins; a real broker does not
    do that, so every refused worker is started again (each restart is a new rebalance,
    refused as often as the first: about one in three).
    """
    group = f"test-{uuid.uuid4().hex}"
    # Switching a new SQLite file to WAL is a race of its own (in hub.db); not the one here.
    engine = create_engine_for(url)
    engine.connect().close()
    engine.dispose()
    workers = [start_worker(bootstrap, tmp_path / name, url, group) for name in ("a", "b")]
    for attempt in range(ATTEMPTS):
        wait_until(lambda: sharing(*workers) or any(refused(w) for w in workers), "a share")
        if sharing(*workers):
            return workers[0], workers[1]
        for index in [i for i, worker in enumerate(workers) if refused(worker)]:
            workers[index].stop(signal.SIGKILL)
            again = tmp_path / f"again-{attempt}-{index}"
            workers[index] = start_worker(bootstrap, again, url, group)
    raise AssertionError(f"the embedded broker refused the group {ATTEMPTS} times")


def refused(worker: HubProcess) -> bool:
    return any(REFUSED in line for line in worker.lines)


def test_two_workers_share_partitions_and_one_stopping_loses_and_repeats_nothing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    # Enough that the survivor cannot have finished everything by the time the first
    # worker's graceful stop (its batch in hand, its commit) returns.
    events = several_batches(seed=21, times=5)
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    expected = projected(events, f"sqlite:///{tmp_path / 'expected.db'}")
    target = len(expected["processed_events"])
    first, second = start_pair(kafka_bootstrap, tmp_path, url)

    publish(hub_settings(tmp_path, kafka_bootstrap), events)
    wait_until(lambda: row_count(url) > 0, "the first rows")
    assert first.stop(signal.SIGTERM) == 0
    assert row_count(url) < target, "the stop should land while events are still waiting"

    wait_until(lambda: row_count(url) >= target, f"{target} tracking records")
    assert second.stop() == 0
    assert_same_rows(dump(url), expected)
