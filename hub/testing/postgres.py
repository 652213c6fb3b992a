"""A PostgreSQL server for tests: the one named in the environment, or a throwaway one.

``ONEWINDOW_TEST_POSTGRES_URL`` names a server the tests may create databases on. When
it is unset and the ``initdb``/``pg_ctl`` binaries are present, a throwaway cluster is
started in a temporary folder on a free port and removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

ENV_URL = "ONEWINDOW_TEST_POSTGRES_URL"
ENV_REQUIRE = "ONEWINDOW_TEST_REQUIRE_POSTGRES"
_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def find_binary(name: str) -> str | None:
    """Locate a PostgreSQL server binary on PATH or in Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/").glob(_BIN_GLOB.lstrip("/")), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return None


@contextlib.contextmanager
def postgres_server() -> Iterator[str | None]:
    """Yield a server URL (``postgresql://…/postgres``), or None when none can be had."""
    url = os.environ.get(ENV_URL)
    if url:
        yield url
        return
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl):
        yield None
        return
    with _throwaway_cluster(initdb, pg_ctl) as started:
        yield started


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server, yield its URL, then drop it."""
    name = f"onewindow_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_database(server_url: str, name: str) -> str:
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


@contextlib.contextmanager
def _throwaway_cluster(initdb: str, pg_ctl: str) -> Iterator[str]:
    workdir = Path(tempfile.mkdtemp(prefix="onewindow-pg-"))
    user = _server_user(workdir)
    data, port = workdir / "data", _free_port()
    _run_as(user, [initdb, "-D", str(data), "-A", "trust", "-U", "postgres"])
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    _run_as(
        user, [pg_ctl, "-D", str(data), "-o", options, "-w", "-l", str(workdir / "log"), "start"]
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run_as(user, [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(workdir, ignore_errors=True)


def _server_user(workdir: Path) -> str | None:
    """PostgreSQL refuses to run as root; hand the folder to the ``postgres`` user then."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("postgres")
    os.chown(workdir, entry.pw_uid, entry.pw_gid)
    return "postgres"


def _run_as(user: str | None, command: list[str]) -> None:
    prefix = ["runuser", "-u", user, "--"] if user else []
    subprocess.run(prefix + command, check=True, capture_output=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
