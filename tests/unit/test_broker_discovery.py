"""Finding a local hub's embedded broker from its announcement in the data folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hub.broker.discovery import ANNOUNCEMENT, announce, running_hub_bootstrap, withdraw


def test_an_announced_broker_is_found_until_withdrawn(tmp_path: Path) -> None:
    path = announce(tmp_path / "var", "127.0.0.1:40123")
    assert running_hub_bootstrap(tmp_path / "var") == "127.0.0.1:40123"
    withdraw(path)
    assert not path.exists()
    assert running_hub_bootstrap(tmp_path / "var") is None


def test_the_announcement_of_a_dead_process_is_ignored(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    record = {"bootstrap_servers": "127.0.0.1:40123", "pid": int(finished.stdout)}
    (tmp_path / ANNOUNCEMENT).write_text(json.dumps(record))
    assert running_hub_bootstrap(tmp_path) is None


def test_a_garbled_announcement_is_ignored(tmp_path: Path) -> None:
    (tmp_path / ANNOUNCEMENT).write_text("{not json")
    assert running_hub_bootstrap(tmp_path) is None


def test_withdraw_leaves_another_process_announcement_alone(tmp_path: Path) -> None:
    path = tmp_path / ANNOUNCEMENT
    path.write_text(json.dumps({"bootstrap_servers": "127.0.0.1:1", "pid": 1}))
    withdraw(path)
    assert path.exists()
