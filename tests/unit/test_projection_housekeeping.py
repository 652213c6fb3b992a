"""The projection writer's SQLite upkeep: the WAL is truncated every so many batches while
readers keep coming, and statistics exist once the first rows are written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from hub.events import Event
from projections import housekeeping
from projections.engine import Projector
from projections.testing import event_stream


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """Where the SQLite file of one test lives."""
    return tmp_path / "upkeep.db"


@pytest.fixture
def projector(database: Path) -> Iterator[Projector]:
    """A projector of every read model on a fresh SQLite file."""
    projector = Projector(f"sqlite:///{database}")
    yield projector
    projector.close()


def _batches(count: int) -> list[list[Event]]:
    events = list(event_stream(seed=8, cases=40))
    return [events[n * 3 : n * 3 + 3] for n in range(count)]


def _wal_bytes(database: Path) -> int:
    return Path(f"{database}-wal").stat().st_size


def test_wal_is_truncated_every_so_many_batches_under_steady_reads(
    projector: Projector, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(housekeeping, "CHECKPOINT_EVERY", 4)
    reader = create_engine(f"sqlite:///{database}")
    sizes = []
    with reader.connect() as conn:
        for batch in _batches(8):
            conn.execute(text("SELECT count(*) FROM cases")).all()  # a reader keeps coming
            projector.apply(batch)
            sizes.append(_wal_bytes(database))
    reader.dispose()

    assert [size == 0 for size in sizes] == [False, False, False, True] * 2


def test_statistics_are_gathered_once_the_first_rows_are_written(
    projector: Projector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(housekeeping, "ANALYZE_AFTER_ROWS", 20)
    stats = text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
    gathered = []
    for batch in _batches(12):
        projector.apply(batch)
        with projector.engine.connect() as conn:
            gathered.append(bool(conn.execute(stats).scalar()))

    assert gathered[0] is False
    assert gathered[-1] is True


def test_nothing_is_kept_for_postgresql() -> None:
    engine = create_engine("postgresql+psycopg://localhost/none")

    assert housekeeping.upkeep_for(engine) is None
