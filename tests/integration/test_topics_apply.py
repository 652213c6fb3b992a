"""``onewindow topics apply`` against a broker: drift is found, reported, and fixed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from hub.broker import EmbeddedBroker
from hub.broker.admin import TopicAdmin
from hub.cli.main import cli
from hub.topics import Topic, declared_topics

pytestmark = pytest.mark.integration


@pytest.fixture
def empty_broker() -> Iterator[EmbeddedBroker]:
    with EmbeddedBroker() as broker:
        yield broker


def topics_apply(bootstrap: str, *options: str) -> tuple[int, dict[str, Any]]:
    arguments = ["topics", "apply", "--json", "--bootstrap-servers", bootstrap, *options]
    result = CliRunner().invoke(cli, arguments)
    return result.exit_code, json.loads(result.stdout)


def test_check_reports_missing_topics_and_changes_nothing(empty_broker: EmbeddedBroker) -> None:
    empty_broker.create_topic(Topic.APPLICATIONS, 6)
    code, report = topics_apply(empty_broker.bootstrap_servers, "--check")
    missing = {item["topic"] for item in report["drift"] if item["kind"] == "missing"}
    assert code == 1
    assert missing == {spec.name for spec in declared_topics()} - {Topic.APPLICATIONS}
    assert "only existence and partition counts" in str(report["note"])
    assert set(TopicAdmin(empty_broker.bootstrap_servers).observe(missing)) == set()


def test_apply_creates_the_registry_and_a_second_check_is_clean(
    empty_broker: EmbeddedBroker,
) -> None:
    code, report = topics_apply(empty_broker.bootstrap_servers)
    assert (code, report["remaining"], report["errors"]) == (0, [], [])
    assert len(report["found"]) == len(declared_topics())
    assert topics_apply(empty_broker.bootstrap_servers, "--check")[0] == 0
    observed = TopicAdmin(empty_broker.bootstrap_servers).observe([Topic.LICENSES_STATE])
    assert observed[Topic.LICENSES_STATE].partitions == 6


def test_partitions_the_embedded_broker_cannot_add_are_a_finding(
    empty_broker: EmbeddedBroker,
) -> None:
    empty_broker.create_topic(Topic.CREDIT, 2)
    code, report = topics_apply(empty_broker.bootstrap_servers)
    assert code == 1
    assert report["remaining"] == [
        {
            "topic": Topic.CREDIT,
            "kind": "partitions",
            "setting": "",
            "expected": "3",
            "actual": "2",
            "fixable": True,
        }
    ]
    assert "cannot add partitions to onewindow.credit" in str(report["errors"])


def test_an_unreachable_cluster_is_a_clear_error() -> None:
    result = CliRunner().invoke(
        cli, ["topics", "apply", "--check", "--timeout", "1", "--bootstrap-servers", "127.0.0.1:1"]
    )
    assert result.exit_code == 1
    assert "cannot reach Kafka at 127.0.0.1:1" in result.stderr
