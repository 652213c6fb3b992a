"""``onewindow connector new`` writes a package whose tests, ruff and mypy pass untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import hub
from hub.cli.main import cli

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
ONEWINDOW_ROOT = Path(hub.__file__).resolve().parent.parent


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done


# The conformance kit's tests, each passed by the generated connector as it is.
@pytest.mark.parametrize(("kind", "kit_tests"), [("source", 6), ("sink", 7)])
def test_a_generated_connector_passes_its_tests_ruff_and_mypy(
    kind: str, kit_tests: int, tmp_path: Path
) -> None:
    answer = CliRunner().invoke(
        cli, ["connector", "new", "tax-ledger", "--kind", kind, "--dir", str(tmp_path)]
    )
    assert answer.exit_code == 0, answer.output
    root = tmp_path / "onewindow-tax-ledger"
    assert f'tax-ledger = "onewindow_tax_ledger.connector:TaxLedger{kind.capitalize()}"' in (
        root / "pyproject.toml"
    ).read_text(encoding="utf-8")
    run([str(BIN / "ruff"), "check", "."], root)
    run([str(BIN / "ruff"), "format", "--check", "."], root)
    # The editable install of onewindow is invisible to mypy; its source root stands in.
    mypy = [str(BIN / "mypy"), "--follow-imports=silent", "onewindow_tax_ledger", "tests"]
    run(mypy, root, MYPYPATH=str(ONEWINDOW_ROOT))
    # As a developer runs them: the hub's pytest plugin starts an embedded broker.
    environment = {"PYTHONPATH": str(root), "ONEWINDOW_TEST_KAFKA_BOOTSTRAP": ""}
    tests = run([str(BIN / "pytest"), "-q", "-p", "no:cacheprovider"], root, **environment)
    assert f"{kit_tests} passed" in tests.stdout


def test_a_bad_name_or_an_existing_folder_is_refused(tmp_path: Path) -> None:
    bad = CliRunner().invoke(cli, ["connector", "new", "Tax_Ledger", "--dir", str(tmp_path)])
    assert bad.exit_code == 2
    assert "use lower-case words joined by '-'" in bad.output
    CliRunner().invoke(cli, ["connector", "new", "tax", "--dir", str(tmp_path)])
    again = CliRunner().invoke(cli, ["connector", "new", "tax", "--dir", str(tmp_path)])
    assert again.exit_code == 2
    assert "already exists" in again.output
