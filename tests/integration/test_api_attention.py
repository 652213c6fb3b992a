"""The dashboard's attention list: the right tasks in the right order, read from an index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select, update

from hub.api import create_app
from hub.api.testing import fill
from hub.db import create_engine_for
from hub.queries import attention, count_attention
from hub.queries.tasks import OPEN_STATUSES, _attention_parts
from hub.settings import load_settings
from projections.tables import tasks

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    url = f"sqlite:///{tmp_path_factory.mktemp('attention') / 'read.db'}"
    fill(url, 150, seed=21)
    engine = create_engine_for(url)
    with engine.begin() as writing:
        reopen(writing, tasks.c.overdue.is_(True), 6)
        reopen(writing, tasks.c.warned.is_(True) & tasks.c.overdue.is_(False), 4)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def reopen(conn: Connection, which: Any, count: int) -> None:
    """Put ``count`` of the tasks ``which`` back in open states, so every tier has some."""
    chosen = conn.execute(select(tasks.c.task_id).where(which).limit(count)).scalars().all()
    assert len(chosen) == count
    for number, task_id in enumerate(chosen):
        status = OPEN_STATUSES[number % len(OPEN_STATUSES)]
        conn.execute(update(tasks).where(tasks.c.task_id == task_id).values(status=status))


def expected_order(rows: list[Any]) -> list[str]:
    """Every task needing attention, sorted as the dashboard promises, the slow way."""
    late = [row for row in rows if row.overdue or row.warned]
    by_task = sorted(late, key=lambda row: row.task_id)
    by_due = sorted(by_task, key=lambda row: row.promised_due_date.toordinal(), reverse=True)
    by_kind = sorted(by_due, key=lambda row: (row.status not in OPEN_STATUSES, not row.overdue))
    return [row.task_id for row in by_kind]


@pytest.mark.parametrize("limit", [1, 7, 30, 10_000])
def test_open_overdue_tasks_come_first_then_warned_then_closed(
    conn: Connection, limit: int
) -> None:
    everything = list(conn.execute(select(tasks)))
    wanted = expected_order(everything)
    assert {row.status for row in everything} >= {*OPEN_STATUSES, "approved"}
    assert [task.task_id for task in attention(conn, limit)] == wanted[:limit]


def test_the_count_covers_every_overdue_and_warned_task(conn: Connection) -> None:
    everything = list(conn.execute(select(tasks)))
    counted = count_attention(conn)
    assert counted.overdue == sum(1 for row in everything if row.overdue)
    assert counted.warned == sum(1 for row in everything if row.warned and not row.overdue)
    assert counted.total == len(expected_order(everything)) > 30


def test_counts_stop_a_little_past_the_cap(conn: Connection) -> None:
    exact = count_attention(conn)
    capped = count_attention(conn, cap=3)
    assert exact.overdue > 3
    assert exact.warned > 3
    assert (capped.overdue, capped.warned) == (4, 4)
    assert capped.shown(capped.total) == "more than 3"
    assert capped.shown(3) == "3"


def test_each_part_reads_only_the_attention_index_in_order(conn: Connection) -> None:
    for part in _attention_parts(30):
        compiled = select(part).compile(conn, compile_kwargs={"literal_binds": True})
        plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
        assert any("USING COVERING INDEX ix_tasks_attention" in step for step in plan), plan
        assert not any("TEMP B-TREE" in step for step in plan), plan


def test_the_api_adds_the_index_to_a_database_made_before_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    fill(url, 5)
    engine = create_engine_for(url)
    with engine.begin() as writing:
        writing.exec_driver_sql("DROP INDEX ix_tasks_attention")
    create_app(load_settings(database_url=url), engine)
    with engine.connect() as reading:
        names = reading.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='index'")
        assert "ix_tasks_attention" in {name for (name,) in names}
    engine.dispose()
