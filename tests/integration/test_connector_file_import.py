"""The file-import source end to end: error reports, done/, and the runner as its own process."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.config import load_config
from connectors.file_import import FileImportConfig, FileImportSource
from connectors.running import SourceRunner, build_runner
from connectors.testing import read_back, registry
from connectors.testing.support import dead_letters
from hub.deadletter import dead_letter_context
from hub.publisher import Publisher
from hub.serde import Deserializer, Serializer
from hub.settings import load_settings
from hub.testing.processes import ONEWINDOW
from hub.topics import Topic

pytestmark = pytest.mark.integration


@pytest.fixture
def publisher(kafka_bootstrap: str) -> Iterator[Publisher]:
    with Publisher(kafka_bootstrap, Serializer(registry())) as running:
        yield running


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def import_all(inbox: Path, publisher: Publisher, **config: object) -> SourceRunner:
    raw = {"inbox": str(inbox), "event_type": "CaseRated", "source": "tax"} | config
    runner = SourceRunner(
        FileImportSource(),
        load_config(FileImportConfig, raw),
        publisher,
        Serializer(registry()),
        f"file-import-{uuid.uuid4().hex[:8]}",
    )
    runner.run(threading.Event(), once=True)
    return runner


def test_bad_rows_are_reported_beside_the_file_and_dead_lettered(
    inbox: Path, kafka_bootstrap: str, publisher: Publisher
) -> None:
    run = uuid.uuid4().hex[:8]
    text = f"Case,Score\nC-{run}-1,5\nC-{run}-2,nine\nC-{run}-3\nC-{run}-4,2\n"
    (inbox / "ratings.csv").write_text(text, encoding="utf-8")
    runner = import_all(inbox, publisher, columns={"case_id": "Case", "score": "Score"})
    assert not (inbox / "ratings.csv").exists()
    assert (inbox / "done" / "ratings.csv").read_text(encoding="utf-8") == text
    with (inbox / "done" / "ratings.csv.errors.csv").open(encoding="utf-8") as report:
        rows = list(csv.DictReader(report))
    assert [(r["row"], r["field"], r["line"]) for r in rows] == [
        ("2", "score (column Score)", f"C-{run}-2,nine"),
        ("3", "row", f"C-{run}-3"),
    ]
    assert "valid integer" in rows[0]["reason"]
    good = read_back(kafka_bootstrap, Topic.APPLICATIONS, [f"C-{run}-1", f"C-{run}-4"])
    assert len(good) == 2
    [letter] = dead_letters(kafka_bootstrap, [f"C-{run}-2"])
    assert letter.value == f"C-{run}-2,nine".encode()
    context = dead_letter_context(letter.headers)
    assert context is not None
    assert context.consumer == runner.name
    assert context.reason.startswith("row 2: score (column Score)")
    assert letter.header("dlq.source.file") == "ratings.csv"
    assert letter.header("dlq.source.row") == "2"


def test_json_lines_with_broken_lines_lose_nothing(
    inbox: Path, kafka_bootstrap: str, publisher: Publisher
) -> None:
    run = uuid.uuid4().hex[:8]
    lines = [json.dumps({"case_id": f"C-{run}-1", "score": 4}), "{not json", "[1, 2]"]
    (inbox / "ratings.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = import_all(inbox, publisher)
    assert (runner.stats.delivered, runner.stats.dead_lettered) == (1, 2)
    report = (inbox / "done" / "ratings.jsonl.errors.csv").read_text(encoding="utf-8")
    assert "not valid JSON" in report
    assert "a row must be a JSON object, not list" in report


def test_half_written_and_unknown_files_are_left_alone(inbox: Path, publisher: Publisher) -> None:
    (inbox / "ratings.csv.part").write_text("Case,Score\n", encoding="utf-8")
    (inbox / "notes.txt").write_text("not an input", encoding="utf-8")
    runner = import_all(inbox, publisher)
    assert runner.stats.delivered == 0
    assert sorted(p.name for p in inbox.iterdir()) == ["done", "notes.txt", "ratings.csv.part"]


def test_a_file_dropped_twice_gets_the_same_event_ids(
    inbox: Path, kafka_bootstrap: str, publisher: Publisher
) -> None:
    run = uuid.uuid4().hex[:8]
    text = f"case_id,score\nC-{run},3\n"
    for _ in range(2):
        (inbox / "ratings.csv").write_text(text, encoding="utf-8")
        import_all(inbox, publisher)
    done = sorted(p.name for p in (inbox / "done").iterdir())
    assert len(done) == 2
    assert "ratings.csv" in done
    messages = read_back(kafka_bootstrap, Topic.APPLICATIONS, [f"C-{run}"])
    assert len(messages) == 2
    assert len({message.header("ce_id") for message in messages}) == 1


def test_connector_run_imports_a_folder_as_its_own_process(
    inbox: Path, tmp_path: Path, kafka_bootstrap: str
) -> None:
    run = uuid.uuid4().hex[:8]
    (inbox / "ratings.csv").write_text(f"case_id,score\nC-{run},5\n", encoding="utf-8")
    config = tmp_path / "file-import.toml"
    config.write_text(
        f'inbox = "{inbox}"\nevent_type = "CaseRated"\nsource = "tax"\n', encoding="utf-8"
    )
    env = os.environ | {
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ONEWINDOW_DATA_DIR": str(tmp_path / "var"),
    }
    command = [ONEWINDOW, "connector", "run", "file-import"]
    done = subprocess.run(
        [*command, "--config", str(config), "--once", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["delivered"] == 1
    [message] = read_back(kafka_bootstrap, Topic.APPLICATIONS, [f"C-{run}"])
    assert message.value is not None
    assert Deserializer(registry()).decode(message.value).to_event().source == "tax"


def test_connector_run_names_the_bad_field_and_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "file-import.json"
    config.write_text(json.dumps({"inbox": str(tmp_path), "event_type": "Nope"}), "utf-8")
    command = [ONEWINDOW, "connector", "run", "file-import"]
    done = subprocess.run(
        [*command, "--config", str(config)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "event_type: Value error, no event type 'Nope'" in done.stderr
    assert "source: Field required" in done.stderr


def test_a_hub_process_runs_a_connector_on_its_own_broker(
    inbox: Path, tmp_path: Path, kafka_bootstrap: str
) -> None:
    run = uuid.uuid4().hex[:8]
    (inbox / "ratings.csv").write_text(f"case_id,score\nC-{run},2\n", encoding="utf-8")
    raw = {"inbox": str(inbox), "event_type": "CaseRated", "source": "tax"}
    settings = load_settings(data_dir=tmp_path / "var")
    with build_runner("file-import", raw, settings, kafka_bootstrap) as runner:
        stats = runner.run(threading.Event(), once=True)
    assert stats.delivered == 1
    assert len(read_back(kafka_bootstrap, Topic.APPLICATIONS, [f"C-{run}"])) == 1
