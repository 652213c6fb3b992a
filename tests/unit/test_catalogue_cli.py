"""``onewindow catalogue`` and ``onewindow workdays`` as a data officer runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_catalogue_invalid import MINIMAL

from hub.cli.main import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_every_item() -> None:
    code, out, _ = run("catalogue", "list")
    assert code == 0
    assert "MR-DJ-001" in out
    assert "企业设立登记" in out
    assert len(out.splitlines()) >= 25


def test_list_json_of_one_bundle() -> None:
    code, out, _ = run("catalogue", "list", "--bundle", "COMPANY_OPENING", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {row["department"] for row in rows} == {"MR", "PS", "TAX", "BANK", "HRSS"}
    assert rows[0] == {
        "code": "MR-DJ-001",
        "name": "企业设立登记",
        "name_en": "Enterprise establishment registration",
        "department": "MR",
        "category": "ENCOURAGED",
        "promised_days": 3,
        "statutory_days": 15,
        "license_type": "BUSINESS_LICENSE",
    }


def test_show_item_as_text_and_json() -> None:
    code, out, _ = run("catalogue", "show", "FD-XK-001")
    assert code == 0
    assert "commitment:  allowed; a breach means REVOKE" in out
    assert "BUSINESS_LICENSE_COPY" in out
    code, out, _ = run("catalogue", "show", "FD-XK-001", "--json")
    shown = json.loads(out)
    assert shown["department"]["code"] == "FD"
    assert shown["supervision"]["department"]["code"] == "EB"
    assert shown["requirements"][1]["material"]["license_type"]["code"] == "BUSINESS_LICENSE"


def test_show_bundle_lists_its_stages() -> None:
    code, out, _ = run("catalogue", "show", "CONSTRUCTION_PROJECT")
    assert code == 0
    assert "stage PROJECT_INITIATION (lead DRC): DRC-BA-001, NR-XK-001" in out


def test_show_unknown_code_exits_1_naming_it() -> None:
    code, _, err = run("catalogue", "show", "MR-DJ-999")
    assert code == 1
    assert "unknown item code 'MR-DJ-999'" in err


def test_check_the_shipped_catalogue() -> None:
    code, out, _ = run("catalogue", "check", "--json")
    assert code == 0
    assert json.loads(out)["valid"] is True


def test_check_a_broken_file_exits_1_naming_the_problem(tmp_path: Path) -> None:
    edited = tmp_path / "catalogue.toml"
    edited.write_text(MINIMAL.replace("promised_days = 3", "promised_days = 30"), encoding="utf-8")
    code, _, err = run("catalogue", "check", str(edited))
    assert code == 1
    assert "item 'MR-DJ-001'" in err
    assert "promised_days 30 exceeds statutory_days 15" in err


def test_check_a_good_file(tmp_path: Path) -> None:
    edited = tmp_path / "catalogue.toml"
    edited.write_text(MINIMAL, encoding="utf-8")
    code, out, _ = run("catalogue", "check", str(edited))
    assert code == 0
    assert "test.1" in out
    assert "1 items" in out


def test_workdays_add_and_between() -> None:
    assert run("workdays", "add", "2026-09-30", "1") == (0, "2026-10-08\n", "")
    code, out, _ = run("workdays", "between", "2026-02-13", "2026-02-28", "--json")
    assert code == 0
    assert json.loads(out)["working_days"] == 6


def test_workdays_bad_date_is_a_usage_error() -> None:
    code, _, err = run("workdays", "add", "30/09/2026", "1")
    assert code == 2
    assert "30/09/2026" in err
