"""Property tests: generated identifiers validate, and every single substitution is caught.

MOD 31 (GB 32100), MOD 11-2 (GB 11643) and the hybrid MOD 37,36 each detect every
single-character substitution, so no changed value may pass.
"""

import random
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from hub.identifiers import (
    IdKind,
    next_version,
    parse_license_id,
    parse_resident_id,
    validate,
)
from hub.identifiers.checks import ALPHANUMERIC, DIGITS, USCC_ALPHABET
from hub.identifiers.generate import random_license_id, random_resident_id, random_uscc

TODAY = date(2024, 6, 15)
rngs = st.randoms(use_true_random=False)


def substituted(value: str, position: int, replacement: str) -> str | None:
    position %= len(value)
    if value[position] == replacement:
        return None
    return value[:position] + replacement + value[position + 1 :]


@given(rngs)
def test_generated_credit_codes_are_valid(rng: random.Random) -> None:
    code = random_uscc(rng)
    assert validate(IdKind.USCC, code).reason is None


@given(rngs)
def test_generated_resident_ids_are_valid_and_parse(rng: random.Random) -> None:
    number = random_resident_id(rng, TODAY)
    parsed = parse_resident_id(number, TODAY)
    assert parsed.birth_date <= TODAY
    assert parsed.number == number


@given(rngs)
def test_generated_license_ids_round_trip_through_parse(rng: random.Random) -> None:
    license_id = random_license_id(rng)
    assert validate(IdKind.LICENSE, license_id).valid
    assert str(parse_license_id(license_id)) == license_id


@given(rngs)
def test_next_version_keeps_the_link(rng: random.Random) -> None:
    current = parse_license_id(random_license_id(rng))
    if current.version == 999:
        return
    renewed = parse_license_id(next_version(str(current)))
    assert renewed.lineage == current.lineage
    assert renewed.version == current.version + 1


@given(rngs, st.integers(min_value=0), st.sampled_from(USCC_ALPHABET))
def test_any_substitution_in_a_credit_code_is_rejected(
    rng: random.Random, position: int, replacement: str
) -> None:
    changed = substituted(random_uscc(rng), position, replacement)
    assert changed is None or not validate(IdKind.USCC, changed).valid


@given(rngs, st.integers(min_value=0), st.sampled_from(DIGITS + "X"))
def test_any_substitution_in_a_resident_id_is_rejected(
    rng: random.Random, position: int, replacement: str
) -> None:
    changed = substituted(random_resident_id(rng, TODAY), position, replacement)
    assert changed is None or not validate(IdKind.RESIDENT, changed).valid


@given(rngs, st.integers(min_value=0), st.sampled_from(ALPHANUMERIC + "."))
def test_any_substitution_in_a_license_id_is_rejected(
    rng: random.Random, position: int, replacement: str
) -> None:
    changed = substituted(random_license_id(rng), position, replacement)
    assert changed is None or not validate(IdKind.LICENSE, changed).valid
