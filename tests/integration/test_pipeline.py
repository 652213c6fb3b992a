"""``onewindow bench pipeline`` on a small run: every path measured on the same events."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hub.bench.agents import faust_seconds
from hub.consuming import RawMessage
from hub.errors import HubError
from hub.registry import EmbeddedRegistry
from hub.testing.processes import ONEWINDOW
from hub.topics import Topic

APPLICATIONS = Topic.APPLICATIONS.value

pytestmark = pytest.mark.integration


def test_the_pipeline_bench_measures_every_path_and_says_whether_it_met_its_targets() -> None:
    command = [ONEWINDOW, "bench", "pipeline", "--events", "1200", "--faust-events", "600"]
    result = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=180)
    figures = json.loads(result.stdout)

    assert result.returncode == (0 if figures["passed"] else 1), result.stderr
    assert (figures["events"], figures["cases"], figures["faust_events"]) == (1200, 300, 600)
    assert figures["departments"] > 5
    rates = ["raw_decode_per_s", "hub_decode_per_s", "ours_per_s", "raw_driver_per_s"]
    assert all(figures[name] > 0 for name in [*rates, "loop_per_s", "faust_per_s"])
    # Ours decodes and also writes, so it can outrun neither the bare decoder nor its own.
    assert figures["ours_per_s"] < figures["hub_decode_per_s"] < figures["raw_decode_per_s"]
    assert figures["ratios"]["vs_raw_decode"] == pytest.approx(
        figures["ours_per_s"] / figures["raw_decode_per_s"]
    )
    assert set(figures["ratios"]) == set(figures["targets"])
    assert figures["peak_rss_mb"] > 10


def test_the_faust_path_refuses_more_events_than_the_embedded_broker_keeps(
    tmp_path: Path,
) -> None:
    # 7 MB for one partition: the broker drops the oldest before the worker could read them.
    big = [RawMessage(APPLICATIONS, 0, n, b"case-1", b"x" * 100_000, ()) for n in range(70)]
    with pytest.raises(HubError, match=r"kept \d+ of the 70 messages"):
        faust_seconds(big, len(big), EmbeddedRegistry(), tmp_path)
