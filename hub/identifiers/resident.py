"""Resident identity numbers (GB 11643-1999): validation, parts and masking.

A number is 18 characters: a 6-digit area code, an 8-digit birth date ``YYYYMMDD``, a
3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check
character, ``0-9`` or ``X`` (a lowercase ``x`` is accepted and normalised).

The area code is checked only as far as its first two digits, which must be a
province-level code of GB/T 2260 (:data:`PROVINCE_CODES`, including 71 Taiwan and 81/82
Hong Kong and Macao, which appear on residence permits): the full county list changes
every year and numbers keep the code of the county where they were first issued, so a
stricter check would reject real people. The birth date must be a real calendar date,
not before 1900-01-01 and not after today.

Only second-generation 18-character numbers are accepted; 15-digit first-generation
numbers are reported as a wrong length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from hub.errors import InvalidIdentifierError
from hub.identifiers.checks import DIGITS, mod11_2_check
from hub.identifiers.verdict import Verdict, bad_character, verdict, wrong_check, wrong_length

RESIDENT_ID_LENGTH: Final = 18
EARLIEST_BIRTH: Final = date(1900, 1, 1)
_WELL_FORMED: Final = re.compile(r"[0-9]{17}[0-9X]")
# GB/T 2260 province-level codes, one row per region as the standard groups them.
# fmt: off
PROVINCE_CODES: Final = frozenset({
    "11", "12", "13", "14", "15",
    "21", "22", "23",
    "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46",
    "50", "51", "52", "53", "54",
    "61", "62", "63", "64", "65",
    "71", "81", "82",
})
# fmt: on


@dataclass(frozen=True, slots=True)
class ResidentId:
    """The parts of a valid resident identity number."""

    number: str
    area_code: str
    birth_date: date
    sequence: str

    @property
    def sex(self) -> str:
        """``"male"`` for an odd sequence number, ``"female"`` for an even one."""
        return "male" if int(self.sequence[2]) % 2 else "female"


def resident_problem(number: str, today: date | None = None) -> str | None:
    """Why an uppercase number is not a valid resident identity number, or ``None``."""
    if len(number) != RESIDENT_ID_LENGTH:
        return wrong_length(len(number), RESIDENT_ID_LENGTH)
    if not _WELL_FORMED.fullmatch(number):
        return bad_character(number[:17], DIGITS) or bad_character(number, DIGITS + "X", 17)
    if number[:2] not in PROVINCE_CODES:
        return f"area code {number[:6]} does not start with a province-level code"
    wrong_birth = _birth_date_problem(number[6:14], today or date.today())
    if wrong_birth is not None:
        return wrong_birth
    expected = mod11_2_check(number[:17])
    return None if number[17] == expected else wrong_check(number[17], expected)


def _birth_date_problem(text: str, today: date) -> str | None:
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return f"birth date {text} is not a real date"
    if born < EARLIEST_BIRTH:
        return f"birth date {text} is before {EARLIEST_BIRTH:%Y-%m-%d}"
    if born > today:
        return f"birth date {text} is in the future"
    return None


def validate_resident_id(value: str, today: date | None = None) -> Verdict:
    """Check a resident identity number; ``today`` bounds the birth date (default: today)."""
    number = value.upper()
    return verdict(value, number, resident_problem(number, today))


def parse_resident_id(value: str, today: date | None = None) -> ResidentId:
    """The parts of a resident identity number; raises ``InvalidIdentifierError`` if invalid."""
    number = value.upper()
    problem = resident_problem(number, today)
    if problem is not None:
        raise InvalidIdentifierError(f"resident identity number {value!r}: {problem}")
    birth = number[6:14]
    return ResidentId(
        number=number,
        area_code=number[:6],
        birth_date=date(int(birth[:4]), int(birth[4:6]), int(birth[6:])),
        sequence=number[14:17],
    )


def mask(value: str) -> str:
    """Hide all but the first 6 and last 4 characters, as in ``110105********002X``."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
