"""The hub image installs a wheel: every file the packages need must be in it."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERIGNORE = ROOT / "deploy/docker/Dockerfile.dockerignore"


def pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def package_files() -> list[str]:
    """Tracked files under the packages the wheel is built from, other than Python."""
    tools = pyproject()["tool"]
    assert isinstance(tools, dict)
    prefixes = [p.rstrip("*") for p in tools["setuptools"]["packages"]["find"]["include"]]
    tracked = subprocess.run(
        ["git", "ls-files", *prefixes], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [path for path in tracked if not path.endswith(".py") and "/tests/" not in path]


def test_package_data_covers_every_file_the_packages_ship() -> None:
    tools = pyproject()["tool"]
    assert isinstance(tools, dict)
    patterns = tools["setuptools"]["package-data"]["*"]
    missing = [
        path
        for path in package_files()
        if not any(fnmatch.fnmatch(Path(path).name, pattern) for pattern in patterns)
    ]
    assert missing == [], "add their patterns to [tool.setuptools.package-data]"
    assert any(path.endswith(".html") for path in package_files())


def test_build_context_lets_in_what_the_dockerfile_copies() -> None:
    allowed = {
        line.removeprefix("!").rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    dockerfile = (ROOT / "deploy/docker/Dockerfile").read_text(encoding="utf-8")
    copied = {
        source
        for line in dockerfile.splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for source in line.split()[1:-1]
    }
    assert copied == allowed
