"""``onewindow schemas`` on temporary copies of the schema tree, broken on purpose."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from hub.cli.main import cli
from schemas import SCHEMA_DIR

EVENT = "ApplicationSubmitted"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "schemas"
    shutil.copytree(SCHEMA_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def current(tree: Path) -> dict[str, Any]:
    latest = max(int(p.stem[1:]) for p in (tree / EVENT).glob("v*.avsc"))
    schema: dict[str, Any] = json.loads((tree / EVENT / f"v{latest}.avsc").read_text())
    return schema


def add_version(tree: Path, schema: dict[str, Any]) -> int:
    schema["version"] += 1
    (tree / EVENT / f"v{schema['version']}.avsc").write_text(json.dumps(schema, indent=2))
    return int(schema["version"])


def field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in schema["fields"] if f["name"] == name)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["schemas", *args])


def test_the_shipped_schemas_pass(tree: Path) -> None:
    result = run("check", "--dir", str(tree))
    assert result.exit_code == 0, result.output
    assert "BACKWARD_TRANSITIVE: all compatible" in result.output


def test_a_type_changed_incompatibly_fails_naming_the_field(tree: Path) -> None:
    schema = current(tree)
    field(schema, "case_id")["type"] = "int"
    version = add_version(tree, schema)
    result = run("check", "--dir", str(tree))
    assert result.exit_code == 1
    assert f"{EVENT} v{version}: {EVENT}.case_id: TYPE_MISMATCH" in result.output


def test_a_field_added_without_default_fails_as_json(tree: Path) -> None:
    schema = current(tree)
    schema["fields"].append({"name": "fee_cents", "type": "long"})
    add_version(tree, schema)
    result = run("check", "--dir", str(tree), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert {(f["path"], f["rule"]) for f in report["findings"]} == {
        (f"{EVENT}.fee_cents", "READER_FIELD_MISSING_DEFAULT_VALUE")
    }


def test_a_removed_field_without_default_breaks_forward_modes(tree: Path) -> None:
    schema = current(tree)
    schema["fields"].remove(field(schema, "applicant_name"))
    add_version(tree, schema)
    assert run("check", "--dir", str(tree)).exit_code == 0
    result = run("check", "--dir", str(tree), "--mode", "full_transitive")
    assert result.exit_code == 1
    assert f"{EVENT}.applicant_name: READER_FIELD_MISSING_DEFAULT_VALUE" in result.output


def test_malformed_misnumbered_and_missing_files_are_flagged(tree: Path) -> None:
    schema = current(tree)
    schema["version"] = 7
    (tree / EVENT / "v9.avsc").write_text("{ not json")
    (tree / EVENT / "v8.avsc").write_text(json.dumps(schema))
    result = run("check", "--dir", str(tree))
    assert result.exit_code == 1
    assert f"{EVENT}/v9.avsc: MALFORMED_SCHEMA" in result.output
    assert f"{EVENT}/v8.avsc: VERSION_MISMATCH: version attribute is 7" in result.output
    assert f"{EVENT}/v4.avsc: MISSING_VERSION" in result.output


def test_usage_errors_exit_2(tree: Path) -> None:
    assert run("check", "--mode", "SIDEWAYS").exit_code == 2
    assert run("check", "--dir", str(tree / "nowhere")).exit_code == 2


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "-C", str(repo), *identity, *args], check=True, capture_output=True)


@pytest.fixture
def published(tree: Path) -> Path:
    repo = tree.parent
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "publish")
    return tree


def test_editing_or_deleting_a_published_version_is_caught(published: Path) -> None:
    v2 = published / EVENT / "v2.avsc"
    schema = json.loads(v2.read_text())
    schema["doc"] = "Reworded documentation is not a change to the data."
    v2.write_text(json.dumps(schema))
    assert run("check", "--dir", str(published), "--against", "HEAD").exit_code == 0
    field(schema, "channel")["default"] = "ONLINE"
    v2.write_text(json.dumps(schema))
    (published / "CaseRated" / "v1.avsc").unlink()
    result = run("check", "--dir", str(published), "--against", "HEAD")
    assert result.exit_code == 1
    assert f"{EVENT} v2: {EVENT}/v2.avsc: EDITED" in result.output
    assert "CaseRated v1: CaseRated/v1.avsc: DELETED" in result.output


def test_an_unknown_git_ref_is_a_usage_error(published: Path) -> None:
    result = run("check", "--dir", str(published), "--against", "no-such-ref")
    assert result.exit_code == 2
    assert "no-such-ref" in result.output


def test_list_shows_every_event_with_its_versions(tree: Path) -> None:
    result = run("list", "--dir", str(tree), "--json")
    assert result.exit_code == 0
    events = {entry["event"]: entry for entry in json.loads(result.output)}
    assert events[EVENT]["versions"] == [1, 2, 3]
    assert events[EVENT]["subject"] == f"gov.onewindow.events.{EVENT}"


def test_the_installed_command_fails_a_breaking_change(tree: Path) -> None:
    schema = current(tree)
    field(schema, "item_codes")["type"] = {"type": "map", "values": "string"}
    add_version(tree, schema)
    command = Path(sys.executable).with_name("onewindow")
    done = subprocess.run(
        [str(command), "schemas", "check", "--dir", str(tree)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert f"{EVENT}.item_codes: TYPE_MISMATCH: reader type map cannot read array" in done.stdout
