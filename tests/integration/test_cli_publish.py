"""``onewindow publish`` and ``onewindow tail`` as real processes against the test broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub.broker.discovery import announce, withdraw
from hub.consuming import RawMessage, read_message
from hub.deadletter import DeadLetterRouter
from hub.envelope import headers_for
from hub.errors import SerializationError
from hub.events.cases import CaseRated
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer, Serializer
from hub.topics import Topic

pytestmark = pytest.mark.integration

REGISTRY = EmbeddedRegistry()
RATINGS = [
    {"source": "window.tax", "case_id": "C-CLI-1", "score": 5, "comment": "quick"},
    {"source": "window.tax", "case_id": "C-CLI-2", "score": 2},
]


def onewindow(
    *args: str, cwd: Path, bootstrap: str | None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    env["ONEWINDOW_DATA_DIR"] = str(cwd / "var")
    if bootstrap:
        env["ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS"] = bootstrap
    command = [str(Path(sys.executable).with_name("onewindow")), *args]
    return subprocess.run(
        command, input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )


def test_publish_sends_each_json_line_and_reports_where_it_landed(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    lines = "\n".join(json.dumps(rating) for rating in RATINGS) + "\n"
    result = onewindow(
        "publish", "--type", "CaseRated", "-", "--json",
        cwd=tmp_path, bootstrap=kafka_bootstrap, stdin=lines,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    reported = json.loads(result.stdout)
    assert [r["key"] for r in reported] == ["C-CLI-1", "C-CLI-2"]
    for sent, where in zip(RATINGS, reported, strict=True):
        message = read_message(kafka_bootstrap, where["topic"], where["partition"], where["offset"])
        assert message.value is not None
        event = Deserializer(REGISTRY).decode(message.value).to_event()
        assert event.model_dump(include=set(sent)) == sent
        assert message.header("ce_id") == event.event_id == where["event_id"]


def test_publish_reads_a_file_and_prints_one_line_per_event(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    (tmp_path / "rating.json").write_text(json.dumps(RATINGS[0], indent=2))
    result = onewindow(
        "publish", "--type", "CaseRated", "rating.json", cwd=tmp_path, bootstrap=kafka_bootstrap
    )
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert "onewindow.applications  partition" in line


def test_an_invalid_line_is_refused_naming_line_and_field(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    lines = json.dumps(RATINGS[0]) + "\n" + json.dumps({**RATINGS[1], "score": "many"})
    result = onewindow(
        "publish", "--type", "CaseRated", "-", cwd=tmp_path, bootstrap=kafka_bootstrap, stdin=lines
    )
    assert result.returncode == 1
    assert "line 2: not a valid CaseRated record: score: Input should be" in result.stderr
    assert result.stdout == ""


def test_without_a_broker_both_commands_say_what_they_need(tmp_path: Path) -> None:
    for args in (("publish", "--type", "CaseRated", "-"), ("tail", "onewindow.applications")):
        result = onewindow(*args, cwd=tmp_path, bootstrap=None, stdin=json.dumps(RATINGS[0]))
        assert result.returncode == 2
        assert "no Kafka broker is configured" in result.stderr
        assert "onewindow up" in result.stderr


def test_publish_finds_the_broker_of_a_hub_running_from_the_same_folder(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    announcement = announce(tmp_path / "var", kafka_bootstrap)  # as `onewindow up` does
    try:
        result = onewindow(
            "publish", "--type", "CaseRated", "-", "--json",
            cwd=tmp_path, bootstrap=None, stdin=json.dumps(RATINGS[0]),
        )  # fmt: skip
    finally:
        withdraw(announcement)
    assert result.returncode == 0, result.stderr
    where = json.loads(result.stdout)[0]
    message = read_message(kafka_bootstrap, where["topic"], where["partition"], where["offset"])
    assert message.key == b"C-CLI-1"


def test_tail_prints_events_decoded_and_undecodable_values_with_the_reason(
    kafka_bootstrap: str, kafka_topic: str, tmp_path: Path
) -> None:
    event = CaseRated(source="window", case_id="C-TAIL", score=4)
    with Publisher(kafka_bootstrap, Serializer(REGISTRY)) as publisher:
        publisher.publish_raw(kafka_topic, "C-TAIL", publisher.encode(event), headers_for(event))
        publisher.publish_raw(kafka_topic, "C-TAIL", b"\x00garbage")
    result = onewindow(
        "tail", kafka_topic, "--from-beginning", "--max", "2", "--json",
        cwd=tmp_path, bootstrap=kafka_bootstrap,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    good, bad = map(json.loads, result.stdout.splitlines())
    assert (good["event_type"], good["key"], good["record"]["score"]) == ("CaseRated", "C-TAIL", 4)
    assert good["headers"]["ce_id"] == event.event_id
    assert bad["error"].startswith("UnknownSchemaError: no schema with id")
    text = onewindow(
        "tail", kafka_topic, "--from-beginning", "--max", "1",
        cwd=tmp_path, bootstrap=kafka_bootstrap,
    )  # fmt: skip
    assert text.stdout.startswith(f"{kafka_topic}[0]@0  CaseRated  key=C-TAIL")


def test_tail_of_the_dead_letter_topic_shows_each_reason(
    kafka_bootstrap: str, kafka_topic: str, tmp_path: Path
) -> None:
    garbage = RawMessage(kafka_topic, 0, 7, b"K-1", b"\xffnot avro")
    reason = SerializationError("value starts with magic byte 255, expected 0")
    with Publisher(kafka_bootstrap) as publisher:
        DeadLetterRouter(publisher, consumer="dispatch").route(garbage, reason).result(10)
    result = onewindow(
        "tail", Topic.DEADLETTER, "--from-beginning", "--timeout", "2",
        cwd=tmp_path, bootstrap=kafka_bootstrap,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = (
        f"  dead letter from {kafka_topic}[0]@7: SerializationError: "
        "value starts with magic byte 255, expected 0"
    )
    assert expected in result.stdout.splitlines()


def test_bench_publish_measures_throughput_and_paced_latency(tmp_path: Path) -> None:
    result = onewindow(
        "bench", "publish", "--records", "500", "--rounds", "1", "--rate", "500",
        "--seconds", "1", "--json", cwd=tmp_path, bootstrap=None,
    )  # fmt: skip
    figures = json.loads(result.stdout)
    assert result.returncode == (0 if figures["passed"] else 1), result.stderr
    assert figures["sent"] == figures["received"] == 500
    assert figures["ratio"] == pytest.approx(figures["publish_per_s"] / figures["raw_encode_per_s"])
    assert 0 < figures["p50_ms"] <= figures["p99_ms"] <= figures["max_ms"]
