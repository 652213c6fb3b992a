"""``onewindow bench serde``: a short run reports consistent figures and its verdict."""

from __future__ import annotations

import json

from click.testing import CliRunner

from hub.bench.serde import sample_record
from hub.cli.main import cli
from hub.events.applications import ApplicationSubmitted


def test_the_sample_is_a_realistic_valid_application() -> None:
    record = sample_record()
    assert len(record["materials"]) == 5
    assert len(record["form_fields"]) == 10
    assert ApplicationSubmitted.from_record(record).key() == "CASE-2026-000123"


def test_a_short_run_reports_rates_ratios_and_verdict_as_json() -> None:
    result = CliRunner().invoke(
        cli, ["bench", "serde", "--json", "--records", "300", "--rounds", "1"]
    )
    report = json.loads(result.output)
    assert result.exit_code == (0 if report["passed"] else 1)
    assert report["message_bytes"] > 1000
    assert report["decode_ratio"] == report["decode_per_s"] / report["raw_decode_per_s"]
    assert report["encode_ratio"] == report["encode_per_s"] / report["raw_encode_per_s"]
    assert report["validating_encode_per_s"] > 0
    assert (report["decode_target"], report["encode_target"]) == (0.9, 0.85)
    passed = report["decode_ratio"] >= 0.9 and report["encode_ratio"] >= 0.85
    assert report["passed"] is passed


def test_too_few_records_is_a_usage_error() -> None:
    assert CliRunner().invoke(cli, ["bench", "serde", "--records", "5"]).exit_code == 2
