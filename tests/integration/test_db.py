"""The engine factory and the portable upserts, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, inspect, text

from hub.db import (
    create_engine_for,
    create_tables,
    database_errors,
    database_url,
    insert_ignore,
    upsert,
)
from hub.errors import DatabaseError, SettingsError

pytestmark = pytest.mark.integration

metadata = MetaData()
licenses = Table(
    "licenses",
    metadata,
    Column("license_id", String, primary_key=True),
    Column("holder", String, nullable=False),
    Column("status", String, nullable=False),
    Column("version", Integer, nullable=False),
)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine_for(database_url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _rows(engine: Engine) -> list[tuple[str, str, str, int]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(licenses.select().order_by("license_id"))]


def test_sqlite_file_gets_its_folder_and_wal_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "hub.db"
    engine = create_engine_for(f"sqlite:///{path}")
    with engine.connect() as conn:
        pragmas = {
            name: conn.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert path.exists()
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 1,
        "foreign_keys": 1,
        "busy_timeout": 10_000,
    }


@pytest.mark.parametrize(
    "url", ["postgresql://u:p@db/hub", "postgres://u@db/hub", "postgresql+psycopg://db/hub"]
)
def test_postgresql_urls_all_use_psycopg_3(url: str) -> None:
    assert database_url(url).drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("url", "named"), [("not a url", "not a database URL"), ("mysql://u:secret@db/x", "mysql")]
)
def test_unusable_urls_are_settings_errors_without_the_password(url: str, named: str) -> None:
    with pytest.raises(SettingsError, match=named) as caught:
        create_engine_for(url)
    assert "secret" not in str(caught.value)


def test_upsert_inserts_then_updates_every_non_key_column(engine: Engine) -> None:
    first = [
        {"license_id": "L-1", "holder": "A", "status": "VALID", "version": 1},
        {"license_id": "L-2", "holder": "B", "status": "VALID", "version": 1},
    ]
    with engine.begin() as conn:
        assert upsert(conn, licenses, first, ["license_id"]) == 2
        changed = {"license_id": "L-1", "holder": "A2", "status": "REVOKED", "version": 2}
        assert upsert(conn, licenses, [changed], ["license_id"]) == 1
    assert _rows(engine) == [("L-1", "A2", "REVOKED", 2), ("L-2", "B", "VALID", 1)]


def test_upsert_updates_only_the_named_columns(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert(
            conn,
            licenses,
            [{"license_id": "L-1", "holder": "A", "status": "VALID", "version": 1}],
            ["license_id"],
        )
        late = {"license_id": "L-1", "holder": "other", "status": "EXPIRED", "version": 9}
        upsert(conn, licenses, [late], ["license_id"], update_columns=["status"])
    assert _rows(engine) == [("L-1", "A", "EXPIRED", 1)]


def test_rows_sharing_a_key_in_one_batch_apply_in_order(engine: Engine) -> None:
    first = {"license_id": "L-1", "holder": "A", "status": "VALID", "version": 1}
    later = first | {"holder": "B", "status": "SUSPENDED", "version": 2}
    latest = first | {"holder": "C", "status": "REVOKED", "version": 3}
    twice = [later | {"license_id": "L-2"}, first | {"license_id": "L-2"}]
    with engine.begin() as conn:
        written = upsert(conn, licenses, [first, later, latest], ["license_id"], ["status"])
        ignored = insert_ignore(conn, licenses, twice, ["license_id"])
    assert (written, ignored) == (1, 1)
    assert _rows(engine) == [("L-1", "A", "REVOKED", 1), ("L-2", "B", "SUSPENDED", 2)]


def test_insert_ignore_keeps_the_first_row_and_counts_the_new_ones(engine: Engine) -> None:
    row = {"license_id": "L-1", "holder": "A", "status": "VALID", "version": 1}
    again = row | {"holder": "B"}
    other = row | {"license_id": "L-2"}
    with engine.begin() as conn:
        assert insert_ignore(conn, licenses, [row], ["license_id"]) == 1
        assert insert_ignore(conn, licenses, [again, other], ["license_id"]) == 1
        assert insert_ignore(conn, licenses, [], ["license_id"]) == 0
    assert _rows(engine) == [("L-1", "A", "VALID", 1), ("L-2", "A", "VALID", 1)]


def test_unknown_key_column_is_named(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(DatabaseError, match=r"no columns \['case_id'\]"):
        upsert(conn, licenses, [{"license_id": "L-1"}], ["case_id"])


def test_a_refused_statement_becomes_a_database_error_naming_the_action(engine: Engine) -> None:
    missing_holder = {"license_id": "L-1", "status": "VALID", "version": 1}
    with engine.begin() as conn, pytest.raises(DatabaseError, match="cannot upsert into licenses"):
        upsert(conn, licenses, [missing_holder], ["license_id"])


def test_an_unreachable_server_becomes_a_database_error() -> None:
    engine = create_engine_for(
        "postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    with (
        pytest.raises(DatabaseError, match="cannot reach the hub database"),
        database_errors("cannot reach the hub database"),
        engine.connect(),
    ):
        pass


def test_sqlite_readers_do_not_wait_for_a_writer_and_writers_queue(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'hub.db'}")
    metadata.create_all(engine)
    row = {"license_id": "L-1", "holder": "A", "status": "VALID", "version": 1}
    with ThreadPoolExecutor(1) as pool, engine.begin() as writer:
        upsert(writer, licenses, [row], ["license_id"])
        assert _rows(engine) == []  # WAL: a reader sees the last commit, without waiting
        second = pool.submit(_insert_other, engine)
        time.sleep(0.3)
        assert not second.done()  # the second writer waits (busy timeout) instead of failing
    second.result(timeout=10)
    assert [license_id for license_id, *_ in _rows(engine)] == ["L-1", "L-2"]
    engine.dispose()


def _insert_other(engine: Engine) -> None:
    row = {"license_id": "L-2", "holder": "B", "status": "VALID", "version": 1}
    with engine.begin() as conn:
        insert_ignore(conn, licenses, [row], ["license_id"])


def test_processes_creating_the_same_tables_together_all_start(database_url: str) -> None:
    fresh = MetaData()
    Table("seals", fresh, Column("seal_id", String, primary_key=True))
    Table("receipts", fresh, Column("event_id", String, primary_key=True))
    engines = [create_engine_for(database_url) for _ in range(4)]
    engines[0].connect().close()  # switching a new SQLite file to WAL is a race of its own
    start = threading.Barrier(len(engines))

    def create(engine: Engine) -> None:
        start.wait()
        create_tables(engine, fresh)

    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            for run in [pool.submit(create, engine) for engine in engines]:
                run.result()  # without the lock: "table seals already exists"
        with engines[0].connect() as conn:
            assert {"seals", "receipts"} <= set(inspect(conn).get_table_names())
    finally:
        for engine in engines:
            engine.dispose()
