"""A worker whose database fails mid-stream retries the batch, loses nothing, repeats nothing."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from test_pipeline_support import (
    assert_same_rows,
    dump,
    finish,
    hub_settings,
    projected,
    publish,
    row_count,
    start_worker,
    workflow_events,
)

from hub.testing.processes import own_broker, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    with own_broker() as bootstrap:
        yield bootstrap


def rename(url: str, old: str, new: str) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"ALTER TABLE {old} RENAME TO {new}"))
    engine.dispose()


def test_a_batch_that_fails_is_retried_until_the_database_is_back(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    first, second = workflow_events(cases=3, seed=41), workflow_events(cases=3, seed=42)
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    expected = projected(first + second, f"sqlite:///{tmp_path / 'expected.db'}")
    settings = hub_settings(tmp_path, kafka_bootstrap)
    worker = start_worker(kafka_bootstrap, tmp_path, url, f"test-{uuid.uuid4().hex}")
    publish(settings, first)
    wait_until(lambda: row_count(url) > 0, "the first rows")
    time.sleep(1.0)  # let the first events settle before the database goes away

    rename(url, "processed_events", "processed_events_away")
    publish(settings, second)
    worker.line_with("trying it again")
    rename(url, "processed_events_away", "processed_events")

    finish(worker, url, len(expected["processed_events"]))
    assert_same_rows(dump(url), expected)
