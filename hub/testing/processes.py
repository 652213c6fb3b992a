"""The hub as a child process for tests: ``onewindow`` commands, their environment, a broker.

A test that runs the worker, the archiver or ``up`` the way an operator would::

    def test_my_archiver(tmp_path: Path) -> None:
        with own_broker() as bootstrap:
            archiver = HubProcess(["archive", "run"], hub_env(tmp_path, bootstrap), tmp_path)
            archiver.line_with("archiver:")
            assert archiver.stop() == 0
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from hub.broker.embedded import EmbeddedBroker
from hub.topics import declared_topics

ONEWINDOW = str(Path(sys.executable).with_name("onewindow"))


@contextlib.contextmanager
def own_broker() -> Iterator[str]:
    """A new embedded broker with every declared topic, for one test.

    The hub's topic names are fixed and generated case ids repeat between seeds, so a
    test that compares whole tables needs a log that holds only its own events.
    """
    with EmbeddedBroker(topics=declared_topics()) as broker:
        yield broker.bootstrap_servers


def wait_until(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Poll ``check`` until it holds, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.1)


def hub_env(data_dir: Path | None, bootstrap: str = "", database_url: str = "") -> dict[str, str]:
    """The environment of a hub process: this one's, without its ``ONEWINDOW_`` settings."""
    env = {name: v for name, v in os.environ.items() if not name.startswith("ONEWINDOW_")}
    if data_dir is not None:
        env["ONEWINDOW_DATA_DIR"] = str(data_dir)
    if bootstrap:
        env["ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS"] = bootstrap
    if database_url:
        env["ONEWINDOW_DATABASE_URL"] = database_url
    return env


def run_hub(env: dict[str, str], *args: str, timeout: float = 60.0) -> str:
    """Run ``onewindow ARGS`` to completion, assert it succeeded, and return its stdout."""
    command = [ONEWINDOW, *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result.stdout


class ChildProcess:
    """Any command as a child process, the lines it writes to stderr collected.

    With ``with_stdout`` its standard output is collected too, in the same list.
    """

    def __init__(
        self, command: Sequence[str], env: dict[str, str], cwd: Path, with_stdout: bool = False
    ) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if with_stdout else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if with_stdout else subprocess.PIPE,
            text=True,
        )
        self._output = self.process.stdout if with_stdout else self.process.stderr
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()
        # A test that fails before stopping its process must not leave it running.
        weakref.finalize(self, _kill, self.process)

    def _collect(self) -> None:
        assert self._output is not None
        for line in self._output:
            self.lines.append(line.rstrip())

    def line_with(self, text: str, timeout: float = 30.0) -> str:
        """The first line of output containing ``text``, waiting for it to appear."""
        found: list[str] = []

        def appeared() -> bool:
            found.extend(line for line in self.lines if text in line)
            return bool(found) or self.process.poll() is not None

        wait_until(appeared, f"{text!r} in the output", timeout)
        assert found, f"the process ended without {text!r}:\n" + "\n".join(self.lines[-30:])
        return found[0]

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send ``sig`` and wait for the exit code; a process that does not stop is killed."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            self._reader.join(timeout=5)
            assert self._output is not None
            self._output.close()


class HubProcess(ChildProcess):
    """``onewindow up`` or ``onewindow worker`` as a child process, its stderr collected."""

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        super().__init__([ONEWINDOW, *args], env, cwd)


def _kill(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
