"""License identifiers: segment formats, the MOD 37,36 check, versions and their link."""

import pytest

from hub.errors import InvalidIdentifierError
from hub.identifiers import (
    generate_license_id,
    next_version,
    parse_license_id,
    validate_license_id,
)

ISSUER = "91350200776049653A"
ISSUED = "FOODBIZ.91350200776049653A.2024000117.001.U"


def test_generated_identifier_has_the_documented_shape() -> None:
    assert generate_license_id("FOODBIZ", ISSUER, "2024000117") == ISSUED
    assert validate_license_id(ISSUED).valid


def test_parse_gives_the_parts() -> None:
    parsed = parse_license_id(ISSUED.lower())
    assert (parsed.type_code, parsed.issuer_code, parsed.serial) == (
        "FOODBIZ",
        ISSUER,
        "2024000117",
    )
    assert parsed.version == 1
    assert parsed.check == "U"
    assert parsed.lineage == "FOODBIZ.91350200776049653A.2024000117"
    assert str(parsed) == ISSUED


def test_next_version_keeps_the_lineage_and_gets_a_new_check() -> None:
    renewed = next_version(ISSUED)
    assert renewed == "FOODBIZ.91350200776049653A.2024000117.002.S"
    assert parse_license_id(renewed).lineage == parse_license_id(ISSUED).lineage


def test_last_version_cannot_be_renewed() -> None:
    last = generate_license_id("FOODBIZ", ISSUER, "7", version=999)
    with pytest.raises(InvalidIdentifierError, match="at the last version 999"):
        next_version(last)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            "FOODBIZ.91350200776049653A.2024000117.001",
            "expected 5 dot-separated segments TYPE.ISSUER.SERIAL.VERSION.CHECK, found 4",
        ),
        ("F.91350200776049653A.1.001.X", "license type code 'F' has length 1, expected 2-30"),
        (
            "FOOD_BIZ.91350200776049653A.1.001.X",
            "license type code 'FOOD_BIZ': character '_' at position 5 is not allowed",
        ),
        (
            "FOODBIZ.91350200776049653B.1.001.X",
            "issuer code '91350200776049653B': check character is 'B', expected 'A'",
        ),
        ("FOODBIZ.91350200776049653A..001.X", "serial '' has length 0, expected 1-20"),
        ("FOODBIZ.91350200776049653A.1.000.X", "version '000' must be three digits 001-999"),
        ("FOODBIZ.91350200776049653A.1.01.X", "version '01' must be three digits 001-999"),
        ("FOODBIZ.91350200776049653A.2024000117.001.V", "check character is 'V', expected 'U'"),
        ("FOODBIZ.91350200776049653A.2024000117.001.UU", "check character is 'UU', expected 'U'"),
    ],
)
def test_invalid_identifiers_name_the_problem(value: str, reason: str) -> None:
    verdict = validate_license_id(value)
    assert not verdict.valid
    assert verdict.reason == reason


def test_type_code_may_be_thirty_characters_and_serial_twenty() -> None:
    longest = generate_license_id("T" * 30, ISSUER, "9" * 20, version=42)
    assert parse_license_id(longest).version == 42
    assert not validate_license_id(longest.replace("T" * 30, "T" * 31, 1)).valid


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("FOODBIZ", ISSUER, "1", 0), "version 0 is outside 1-999"),
        (("FOODBIZ", ISSUER, "1", 1000), "version 1000 is outside 1-999"),
        (("FOODBIZ", "123", "1", 1), "issuer code '123': wrong length 3"),
        (("FOOD.BIZ", ISSUER, "1", 1), "character '.' at position 5 is not allowed"),
    ],
)
def test_generate_refuses_bad_parts(arguments: tuple[str, str, str, int], message: str) -> None:
    with pytest.raises(InvalidIdentifierError, match=message):
        generate_license_id(*arguments)


def test_parse_raises_with_the_reason() -> None:
    with pytest.raises(InvalidIdentifierError, match="check character is 'V', expected 'U'"):
        parse_license_id(ISSUED[:-1] + "V")
