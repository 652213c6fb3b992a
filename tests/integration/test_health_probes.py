"""``onewindow worker`` and ``onewindow archive run`` answer the cluster's probes over HTTP:
``/healthz`` while they run, ``/readyz`` once they work, nothing once they stopped."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.testing.processes import HubProcess, hub_env, own_broker, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    """A broker of this test alone."""
    with own_broker() as bootstrap:
        yield bootstrap


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _status(port: int, path: str) -> int | None:
    """The HTTP status of ``path``, or None if nothing listens."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
            status: int = answer.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _probed(process: HubProcess, port: int) -> None:
    wait_until(lambda: _status(port, "/healthz") == 200, "the process to be alive")
    wait_until(lambda: _status(port, "/readyz") == 200, "the process to be ready")
    assert _status(port, "/metrics") == 404
    assert process.stop() == 0
    assert _status(port, "/healthz") is None


def test_the_worker_answers_the_probes(kafka_bootstrap: str, tmp_path: Path) -> None:
    port = _free_port()
    env = hub_env(tmp_path, kafka_bootstrap, f"sqlite:///{tmp_path / 'hub.db'}")
    env["ONEWINDOW_WORKER__HEALTH_PORT"] = str(port)
    args = ["worker", "--no-processors", "--group", f"test-{uuid.uuid4().hex}"]
    _probed(HubProcess([*args, "--session-timeout", "2"], env, tmp_path), port)


def test_the_archiver_answers_the_probes(kafka_bootstrap: str, tmp_path: Path) -> None:
    port = _free_port()
    env = hub_env(tmp_path, kafka_bootstrap)
    _probed(HubProcess(["archive", "run", "--health-port", str(port)], env, tmp_path), port)
