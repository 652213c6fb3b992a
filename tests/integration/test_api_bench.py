"""``onewindow bench query`` measures reads while a pipeline really ingests."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hub.bench.query import TARGETS_MS, run
from hub.cli.main import cli

pytestmark = pytest.mark.integration


def test_reads_are_timed_while_a_thread_ingests() -> None:
    result = run(cases=400, requests=100, mode="thread")
    figures = result.as_dict()
    assert result.events_ingested > 0
    assert set(result.latency_ms) == {*TARGETS_MS, "stats_http", "attention_in_process"}
    for latency in result.latency_ms.values():
        assert 0 < latency["p50"] <= latency["p99"]
    assert figures["passed"] == all(
        result.latency_ms[name]["p99"] <= target for name, target in TARGETS_MS.items()
    )
    assert result.stats_refresh_seconds > 0


def test_the_command_reports_json_with_a_worker_process() -> None:
    outcome = CliRunner().invoke(
        cli, ["bench", "query", "--cases", "300", "--requests", "100", "--json"]
    )
    report = json.loads(outcome.output)
    assert outcome.exit_code == (0 if report["passed"] else 1)
    assert report["ingest"] == "process"
    assert report["events_ingested"] > 0
    assert report["cases"] == 300
    text = CliRunner().invoke(cli, ["bench", "query", "--cases", "300", "--requests", "100"])
    assert "case_in_process: p50" in text.output
