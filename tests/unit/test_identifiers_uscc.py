"""Unified social credit codes: every rule, every reason, and the exception list."""

from pathlib import Path

import pytest

from hub.errors import InvalidIdentifierError
from hub.identifiers import load_exceptions, validate_uscc
from hub.identifiers.checks import uscc_check
from hub.identifiers.uscc import default_exceptions, parse_exceptions

EXAMPLE = "91350200776049653A"  # domain.md
BEIJING = "91110000600037341L"  # a real enterprise code, as printed on its license
HEADER = "code,reason,source,date\n"


def with_check(body: str) -> str:
    return body + uscc_check(body)


@pytest.mark.parametrize("code", [EXAMPLE, BEIJING, "91350200776049653a"])
def test_real_codes_are_valid(code: str) -> None:
    verdict = validate_uscc(code)
    assert verdict.valid
    assert verdict.reason is None
    assert verdict.normalized == code.upper()


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9135020077604965", "wrong length 16, expected 18"),
        ("91350200776049653A0", "wrong length 19, expected 18"),
        ("91I50200776049653A", "character 'I' at position 3 is not allowed"),
        ("9135020077604965 A", "character ' ' at position 17 is not allowed"),
        ("91350200776049653B", "check character is 'B', expected 'A'"),
        ("91350200776049652A", "organisation code check character is '2', expected '3'"),
    ],
)
def test_invalid_codes_name_the_problem(code: str, reason: str) -> None:
    verdict = validate_uscc(code)
    assert not verdict.valid
    assert verdict.reason == reason


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("B1350200776049653", "registration authority 'B' at position 1 is not defined"),
        (
            "94350200776049653",
            "organisation type '4' is not defined for registration authority '9'",
        ),
        (
            "Y2350200776049653",
            "organisation type '2' is not defined for registration authority 'Y'",
        ),
        (
            "913502A0776049653",
            "administrative division '3502A0' at positions 3-8 is not six digits",
        ),
        ("91350200776049654", "organisation code check character is '4', expected '3'"),
    ],
)
def test_structure_is_checked_even_when_the_check_character_matches(body: str, reason: str) -> None:
    assert validate_uscc(with_check(body)).reason == reason


@pytest.mark.parametrize(
    "prefix", ["11", "12", "13", "19", "53", "59", "91", "92", "93", "N2", "Y1"]
)
def test_every_tabled_authority_and_type_is_accepted(prefix: str) -> None:
    assert validate_uscc(with_check(prefix + "350200776049653")).valid


def test_national_division_code_is_accepted() -> None:
    assert validate_uscc(with_check("11100000776049653")).valid


def test_listed_exception_is_valid_with_a_note() -> None:
    failing = "91350200776049653B"
    exceptions = parse_exceptions(
        HEADER + f"{failing.lower()},pilot code issued before 2016,registry letter 12,2015-06-30\n",
        "test.csv",
    )
    verdict = validate_uscc(failing, exceptions)
    assert verdict.valid
    assert verdict.reason == (
        "accepted exception: pilot code issued before 2016 (source: registry letter 12, 2015-06-30)"
    )
    assert not validate_uscc("91350200776049653C", exceptions).valid


def test_shipped_exception_list_loads_and_holds_only_failing_codes() -> None:
    for code in default_exceptions():
        assert validate_uscc(code, {}).reason is not None


def test_local_exception_file_adds_to_the_shipped_list(tmp_path: Path) -> None:
    listed = tmp_path / "local.csv"
    listed.write_text("# checked by hand\n" + HEADER + "91350200776049653B,pilot,gsxt,2016-01-04\n")
    assert "91350200776049653B" in load_exceptions(listed)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code;reason\n", "expected the header 'code,reason,source,date'"),
        (HEADER + "91350200776049653B,pilot,gsxt\n", "line 2: expected 4 non-empty fields"),
        (HEADER + f"{EXAMPLE},pilot,gsxt,2016-01-04\n", "passes every check; it is no exception"),
        (HEADER + "9135020077604965,pilot,gsxt,2016-01-04\n", "is not 18 characters"),
        (
            HEADER + "91350200776049653B,pilot,gsxt,4 Jan 2016\n",
            "date '4 Jan 2016' is not YYYY-MM-DD",
        ),
    ],
)
def test_malformed_exception_list_is_refused_with_its_line(text: str, message: str) -> None:
    with pytest.raises(InvalidIdentifierError, match=message):
        parse_exceptions(text, "test.csv")


def test_unreadable_exception_file_is_an_identifier_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidIdentifierError, match="cannot read exception list"):
        load_exceptions(tmp_path / "missing.csv")
