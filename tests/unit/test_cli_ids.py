"""``onewindow id check``: one line per value, exit codes, stdin, JSON, exceptions."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli.main import cli

VALID = "91350200776049653A"
WRONG_CHECK = "91350200776049653B"


def run(*arguments: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["id", "check", *arguments], input=stdin)
    return result.exit_code, result.output


def test_all_valid_values_exit_zero_with_one_line_each() -> None:
    code, output = run("--kind", "resident", "11010519491231002X", "11010519491231002x")
    assert code == 0
    assert output.splitlines() == ["11010519491231002X\tvalid", "11010519491231002x\tvalid"]


def test_an_invalid_value_exits_one_with_its_reason() -> None:
    code, output = run("--kind", "uscc", VALID, WRONG_CHECK)
    assert code == 1
    assert output.splitlines() == [
        f"{VALID}\tvalid",
        f"{WRONG_CHECK}\tinvalid\tcheck character is 'B', expected 'A'",
    ]


def test_dash_reads_values_from_stdin_skipping_blank_lines() -> None:
    code, output = run("--kind", "uscc", "-", stdin=f"{VALID}\n\n  \n{VALID.lower()}\n")
    assert code == 0
    assert output.splitlines() == [f"{VALID}\tvalid", f"{VALID.lower()}\tvalid"]


def test_json_lists_every_verdict() -> None:
    code, output = run("--kind", "uscc", "--json", VALID, "123")
    assert code == 1
    assert json.loads(output) == [
        {"value": VALID, "valid": True, "reason": None, "normalized": VALID},
        {
            "value": "123",
            "valid": False,
            "reason": "wrong length 3, expected 18",
            "normalized": "123",
        },
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((VALID,), "Missing option '--kind'"),
        (("--kind", "uscc"), "give at least one VALUE"),
        (("--kind", "passport", VALID), "Invalid value for '--kind'"),
    ],
)
def test_usage_errors_exit_two(arguments: tuple[str, ...], message: str) -> None:
    code, output = run(*arguments)
    assert code == 2
    assert message in output


def test_local_exception_list_accepts_a_code_with_a_note(tmp_path: Path) -> None:
    listed = tmp_path / "exceptions.csv"
    listed.write_text(f"code,reason,source,date\n{WRONG_CHECK},pilot code,gsxt record,2016-01-04\n")
    code, output = run("--kind", "uscc", "--exceptions", str(listed), WRONG_CHECK)
    assert code == 0
    assert output == (
        f"{WRONG_CHECK}\tvalid\taccepted exception: pilot code (source: gsxt record, 2016-01-04)\n"
    )


def test_malformed_exception_list_is_a_usage_error(tmp_path: Path) -> None:
    listed = tmp_path / "exceptions.csv"
    listed.write_text(f"code,reason,source,date\n{VALID},pilot,gsxt,2016-01-04\n")
    code, output = run("--kind", "uscc", "--exceptions", str(listed), VALID)
    assert code == 2
    assert "passes every check" in output


def test_exception_list_only_applies_to_credit_codes(tmp_path: Path) -> None:
    listed = tmp_path / "exceptions.csv"
    listed.write_text("code,reason,source,date\n")
    code, output = run("--kind", "resident", "--exceptions", str(listed), "1")
    assert code == 2
    assert "--exceptions applies only to --kind uscc" in output


def test_installed_command_reads_stdin_and_reports_mixed_values() -> None:
    command = Path(sys.executable).with_name("onewindow")
    lines = [VALID, "", "91I50200776049653A", "9135020077604965", VALID.lower()]
    result = subprocess.run(
        [str(command), "id", "check", "--kind", "uscc", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"{VALID}\tvalid",
        "91I50200776049653A\tinvalid\tcharacter 'I' at position 3 is not allowed",
        "9135020077604965\tinvalid\twrong length 16, expected 18",
        f"{VALID.lower()}\tvalid",
    ]
