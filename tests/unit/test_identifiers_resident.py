"""Resident identity numbers: every rule, every reason, the parsed parts and masking."""

from datetime import date

import pytest

from hub.errors import InvalidIdentifierError
from hub.identifiers import mask, parse_resident_id, validate_resident_id
from hub.identifiers.checks import mod11_2_check

EXAMPLE = "11010519491231002X"  # domain.md
TODAY = date(2024, 6, 15)


def with_check(body: str) -> str:
    return body + mod11_2_check(body)


def test_example_is_valid_and_parsed() -> None:
    assert validate_resident_id(EXAMPLE, TODAY).valid
    parsed = parse_resident_id(EXAMPLE, TODAY)
    assert parsed.area_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sequence == "002"
    assert parsed.sex == "female"


def test_odd_sequence_is_male() -> None:
    assert parse_resident_id(with_check("44030419900101001"), TODAY).sex == "male"


def test_lowercase_x_is_accepted_and_normalised() -> None:
    verdict = validate_resident_id(EXAMPLE.lower(), TODAY)
    assert verdict.valid
    assert verdict.value == "11010519491231002x"
    assert verdict.normalized == EXAMPLE


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310", "wrong length 15, expected 18"),
        ("11A10519491231002X", "character 'A' at position 3 is not allowed"),
        ("1101051949123100XX", "character 'X' at position 17 is not allowed"),
        ("11010519491231002Y", "character 'Y' at position 18 is not allowed"),
        ("110105194912310021", "check character is '1', expected 'X'"),
        (
            with_check("99010519491231002"),
            "area code 990105 does not start with a province-level code",
        ),
        (with_check("11010519490230002"), "birth date 19490230 is not a real date"),
        (with_check("11010519491301002"), "birth date 19491301 is not a real date"),
        (with_check("11010518991231002"), "birth date 18991231 is before 1900-01-01"),
        (with_check("11010520240616002"), "birth date 20240616 is in the future"),
    ],
)
def test_invalid_numbers_name_the_problem(number: str, reason: str) -> None:
    verdict = validate_resident_id(number, TODAY)
    assert not verdict.valid
    assert verdict.reason == reason


@pytest.mark.parametrize("province", ["11", "15", "46", "54", "65", "71", "81", "82"])
def test_province_level_codes_are_accepted(province: str) -> None:
    assert validate_resident_id(with_check(province + "010519491231002"), TODAY).valid


@pytest.mark.parametrize("province", ["10", "16", "20", "47", "55", "66", "72", "83", "91"])
def test_other_first_two_digits_are_refused(province: str) -> None:
    assert not validate_resident_id(with_check(province + "010519491231002"), TODAY).valid


def test_born_today_and_on_the_first_day_are_accepted() -> None:
    assert validate_resident_id(with_check("11010520240615002"), TODAY).valid
    assert validate_resident_id(with_check("11010519000101002"), TODAY).valid


def test_parse_raises_with_the_reason() -> None:
    with pytest.raises(InvalidIdentifierError, match="birth date 19490230 is not a real date"):
        parse_resident_id(with_check("11010519490230002"), TODAY)


def test_mask_shows_first_six_and_last_four() -> None:
    assert mask(EXAMPLE) == "110105********002X"
    assert mask("short") == "*****"
