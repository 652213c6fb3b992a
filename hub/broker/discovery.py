"""Finding the embedded broker of a hub that runs on this machine.

The embedded broker listens on a port chosen at start-up, so ``onewindow up`` announces
it in ``<data_dir>/broker.json`` and withdraws the file when it stops. Commands run from
the same folder with no ``ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS`` (``onewindow publish``,
``onewindow tail``) read it, so an integrator's first commands need no address::

    path = announce(Path("var"), "127.0.0.1:40123")
    running_hub_bootstrap(Path("var"))  # '127.0.0.1:40123' while this process lives
    withdraw(path)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ANNOUNCEMENT = "broker.json"


def announce(data_dir: Path, bootstrap_servers: str) -> Path:
    """Write where this process's embedded broker listens; returns the file's path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ANNOUNCEMENT
    record = {"bootstrap_servers": bootstrap_servers, "pid": os.getpid()}
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record), encoding="utf-8")
    temporary.replace(path)
    return path


def withdraw(path: Path) -> None:
    """Remove the announcement, if it is still this process's own."""
    if _read(path).get("pid") == os.getpid():
        path.unlink(missing_ok=True)


def running_hub_bootstrap(data_dir: Path) -> str | None:
    """The announced bootstrap address, or None when no live hub announced one here."""
    record = _read(data_dir / ANNOUNCEMENT)
    pid, address = record.get("pid"), record.get("bootstrap_servers")
    if isinstance(pid, int) and isinstance(address, str) and _alive(pid):
        return address
    return None


def _read(path: Path) -> dict[str, object]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, but another user's
    return True
