"""``onewindow broker serve``: a broker in its own process, used from other processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka import Producer

from hub.broker import producer_config
from hub.topics import Topic

pytestmark = pytest.mark.integration

ONEWINDOW = str(Path(sys.executable).with_name("onewindow"))


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [ONEWINDOW, "broker", "serve", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # the JSON document ends with a lone brace, or at exit
        lines.append(line)
        if line == "}\n":
            break
    try:
        yield process, json.loads("".join(lines))["bootstrap_servers"]
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def topics_check(bootstrap: str) -> subprocess.CompletedProcess[str]:
    command = [ONEWINDOW, "topics", "apply", "--check", "--bootstrap-servers", bootstrap]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_another_process_finds_the_registry_on_a_served_broker(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    _, bootstrap = served
    result = topics_check(bootstrap)
    assert result.returncode == 0, result.stderr
    assert "drift: 0" in result.stdout
    assert "the embedded broker has no admin API" in result.stdout


def test_a_served_broker_takes_events_and_stops_on_sigterm(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    process, bootstrap = served
    producer = Producer(producer_config(bootstrap))
    producer.produce(Topic.APPLICATIONS, key=b"case-1", value=b"submitted")
    assert producer.flush(10) == 0
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "not for production" in stderr
