"""``onewindow query`` and ``onewindow license verify`` over a projector-filled read model.

Every subject an answer shows is recorded on the access topic of the test broker before
the answer is printed, so the holder's access log shows the command-line read.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Row, select

from hub.api.testing import fill
from hub.cli.main import cli
from hub.consuming import read_topic
from hub.db import create_engine_for
from hub.identifiers import mask
from hub.queries import PageRequest
from hub.queries.access import access_log_of
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer
from hub.topics import Topic
from projections.engine import Projector
from projections.tables import cases, licenses, tasks

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'read.db'}"
    fill(url, 60, seed=5)
    return url


@pytest.fixture(scope="module")
def rows(database: str) -> Iterator[dict[str, Row[Any]]]:
    engine = create_engine_for(database)
    with engine.connect() as conn:
        person = select(cases).where(cases.c.applicant_id_type == "RESIDENT_ID").limit(1)
        current = licenses.c.superseded_by.is_(None)
        valid = select(licenses).where(licenses.c.status == "valid", current).limit(1)
        cancelled = select(licenses).where(licenses.c.status == "cancelled").limit(1)
        yield {
            "person": conn.execute(person).one(),
            "valid": conn.execute(valid).one(),
            "cancelled": conn.execute(cancelled).one(),
        }
    engine.dispose()


@pytest.fixture(scope="module")
def env(database: str, kafka_bootstrap: str) -> dict[str, str]:
    return {
        "ONEWINDOW_DATABASE_URL": database,
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
    }


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def test_query_case_shows_tasks_and_timeline_with_the_person_masked(
    env: dict[str, str], rows: dict[str, Row[Any]]
) -> None:
    person = rows["person"]
    result = run(env, "query", "case", person.case_id, "--json")
    assert result.exit_code == 0, result.output
    case = json.loads(result.output)
    assert case["applicant"]["id_number"] == mask(person.applicant_id_number)
    assert len(case["tasks"]) == person.tasks_total
    text = run(env, "query", "case", person.case_id).output
    assert f"case {person.case_id}: {person.status}" in text
    assert "timeline:" in text


def test_an_unknown_case_exits_1_naming_it(env: dict[str, str]) -> None:
    result = run(env, "query", "case", "C-7777777")
    assert result.exit_code == 1
    assert "no case 'C-7777777'" in result.output


def test_overdue_cases_of_a_department(database: str, env: dict[str, str]) -> None:
    result = run(env, "query", "cases", "--overdue", "--department", "TAX", "--json")
    shown = {case["case_id"] for case in json.loads(result.output)["items"]}
    engine = create_engine_for(database)
    with engine.connect() as conn:
        query = select(tasks.c.case_id).where(tasks.c.overdue.is_(True))
        expected = set(conn.scalars(query.where(tasks.c.department == "TAX")))
    engine.dispose()
    assert shown
    assert shown == expected


def test_licenses_of_a_holder_and_a_bad_holder(
    env: dict[str, str], rows: dict[str, Row[Any]]
) -> None:
    valid = rows["valid"]
    result = run(env, "query", "licenses", "--holder", valid.holder_id_number, "--json")
    assert valid.license_id in {item["license_id"] for item in json.loads(result.output)["items"]}
    bad = run(env, "query", "licenses", "--holder", "123")
    assert bad.exit_code == 1
    assert "holder '123' is not a valid identifier" in bad.output


def test_license_verify_exits_0_when_valid_and_1_otherwise(
    env: dict[str, str], rows: dict[str, Row[Any]]
) -> None:
    good = run(env, "license", "verify", rows["valid"].license_id)
    assert good.exit_code == 0
    assert ": valid from" in good.output
    cancelled = run(env, "license", "verify", rows["cancelled"].license_id, "--json")
    assert cancelled.exit_code == 1
    assert json.loads(cancelled.output)["problem"].startswith("the license is cancelled")
    malformed = run(env, "license", "verify", "NOT-A-LICENSE")
    assert malformed.exit_code == 1
    assert "NOT VALID" in malformed.output


def test_stats_per_department_and_item(env: dict[str, str]) -> None:
    departments = json.loads(run(env, "query", "stats", "--json").output)
    items = json.loads(run(env, "query", "stats", "--items", "--json").output)
    assert {group["code"] for group in departments} >= {"MR", "TAX"}
    assert sum(g["tasks"] for g in departments) == sum(i["tasks"] for i in items)
    table = run(env, "query", "stats").output
    assert table.splitlines()[0].split()[:3] == ["code", "cases", "tasks"]


def test_a_missing_read_model_is_named(tmp_path: Path) -> None:
    result = run({"ONEWINDOW_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}, "query", "cases")
    assert result.exit_code == 1
    assert "cannot read the read models" in result.output


def test_a_command_line_read_is_in_the_holders_access_log(
    env: dict[str, str], database: str, kafka_bootstrap: str, rows: dict[str, Row[Any]]
) -> None:
    holder = rows["valid"].holder_id_number
    assert run(env, "query", "licenses", "--holder", holder).exit_code == 0

    reader = Deserializer(EmbeddedRegistry())
    messages = read_topic(kafka_bootstrap, Topic.ACCESS, idle_timeout=2.0)
    ours = [
        reader.decode(message.value or b"").to_event()
        for message in messages
        if message.header("ce_source") == "onewindow-cli"
    ]
    projector = Projector(database)
    projector.apply(ours)
    projector.close()
    engine = create_engine_for(database)
    with engine.connect() as conn:
        entries = access_log_of(conn, holder, PageRequest(limit=100)).items
    engine.dispose()
    cli_reads = {(e.accessor, e.purpose) for e in entries if e.resource == "query licenses"}
    assert cli_reads == {(getpass.getuser(), "command line query")}


def test_without_a_broker_an_answer_naming_someone_is_not_shown(
    database: str, rows: dict[str, Row[Any]], tmp_path: Path
) -> None:
    offline = {"ONEWINDOW_DATABASE_URL": database, "ONEWINDOW_DATA_DIR": str(tmp_path)}
    refused = run(offline, "query", "case", rows["person"].case_id)
    assert refused.exit_code == 2
    assert "the read must be recorded" in refused.output
    assert mask(rows["person"].applicant_id_number) not in refused.output
    assert run(offline, "query", "stats").exit_code == 0
