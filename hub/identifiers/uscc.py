"""Unified social credit codes (GB 32100-2015) and the list of accepted exceptions.

A code is 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY``:

=========  ==============================================================================
position   meaning and what is checked
=========  ==============================================================================
1          registration authority (登记管理部门), a key of :data:`ORGANISATION_TYPES`
2          organisation type (机构类别), one the authority defines in that table
3-8        administrative division of the registering office (GB/T 2260; ``100000`` for
           the national level): six digits. The division list itself changes every year
           and is not kept here.
9-17       the subject's organisation code (GB 11714-1997): enforced, including its own
           check character (position 17, ``0-9`` or ``X``), because GB 32100 defines
           these nine characters as that code and every code seen in the examples and
           in public data keeps it.
18         check character, MOD 31 with weights 1 3 9 … 28; 31 is written ``0``
=========  ==============================================================================

Lowercase input is accepted and normalised to uppercase. A code listed in
``uscc_exceptions.csv`` (legal codes from pre-2016 pilot areas that fail a check) is
reported valid with the note ``accepted exception: …``, never silently.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

from hub.errors import InvalidIdentifierError
from hub.identifiers.checks import USCC_ALPHABET, organisation_code_check, uscc_check
from hub.identifiers.verdict import Verdict, bad_character, verdict, wrong_check, wrong_length

USCC_LENGTH: Final = 18
EXCEPTIONS_RESOURCE: Final = "uscc_exceptions.csv"

# GB 32100-2015 appendix A: registration authority -> (name, {organisation type: name}).
ORGANISATION_TYPES: Final[Mapping[str, tuple[str, Mapping[str, str]]]] = {
    "1": (
        "institutional establishment",
        {"1": "organ", "2": "public institution", "3": "mass organisation", "9": "other"},
    ),
    "2": ("foreign affairs", {"1": "resident foreign news agency", "9": "other"}),
    "3": (
        "justice",
        {
            "1": "law firm",
            "2": "notary office",
            "3": "grassroots legal service",
            "4": "forensic appraisal",
            "5": "arbitration commission",
            "9": "other",
        },
    ),
    "4": ("culture", {"1": "foreign cultural centre", "9": "other"}),
    "5": (
        "civil affairs",
        {
            "1": "social organisation",
            "2": "private non-enterprise unit",
            "3": "foundation",
            "9": "other",
        },
    ),
    "6": (
        "tourism",
        {"1": "foreign tourism office", "2": "HK/Macao/Taiwan tourism office", "9": "other"},
    ),
    "7": ("religious affairs", {"1": "place of worship", "2": "religious college", "9": "other"}),
    "8": ("trade union", {"1": "grassroots trade union", "9": "other"}),
    "9": (
        "industry and commerce",
        {"1": "enterprise", "2": "individual business", "3": "farmers' cooperative"},
    ),
    "A": (
        "CMC reform and establishment office",
        {"1": "military public institution", "9": "other"},
    ),
    "N": (
        "agriculture",
        {
            "1": "group collective",
            "2": "village collective",
            "3": "township collective",
            "9": "other",
        },
    ),
    "Y": ("other", {"1": "other"}),
}

_WELL_FORMED: Final = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")


@dataclass(frozen=True, slots=True)
class UsccException:
    """A legal code that fails a check but is accepted, with why and on whose word."""

    code: str
    reason: str
    source: str
    listed_on: date

    @property
    def note(self) -> str:
        """The note a verdict carries when this exception accepts a code."""
        return f"accepted exception: {self.reason} (source: {self.source}, {self.listed_on})"


def uscc_problem(code: str) -> str | None:
    """Why an uppercase code is not a valid unified social credit code, or ``None``."""
    if len(code) != USCC_LENGTH:
        return wrong_length(len(code), USCC_LENGTH)
    if not _WELL_FORMED.fullmatch(code):
        return bad_character(code, USCC_ALPHABET)
    wrong_structure = _structure_problem(code)
    if wrong_structure is not None:
        return wrong_structure
    expected = uscc_check(code[:17])
    return None if code[17] == expected else wrong_check(code[17], expected)


def _structure_problem(code: str) -> str | None:
    authority = ORGANISATION_TYPES.get(code[0])
    if authority is None:
        return f"registration authority {code[0]!r} at position 1 is not defined"
    if code[1] not in authority[1]:
        return (
            f"organisation type {code[1]!r} is not defined for registration authority {code[0]!r}"
        )
    if not code[2:8].isdigit():
        return f"administrative division {code[2:8]!r} at positions 3-8 is not six digits"
    expected = organisation_code_check(code[8:16])
    if code[16] != expected:
        return f"organisation code check character is {code[16]!r}, expected {expected!r}"
    return None


def validate_uscc(value: str, exceptions: Mapping[str, UsccException] | None = None) -> Verdict:
    """Check a unified social credit code; ``exceptions`` defaults to the shipped list."""
    code = value.upper()
    reason = uscc_problem(code)
    if reason is not None:
        accepted = (default_exceptions() if exceptions is None else exceptions).get(code)
        if accepted is not None:
            return Verdict(value, True, accepted.note, code)
    return verdict(value, code, reason)


@cache
def default_exceptions() -> Mapping[str, UsccException]:
    """The exception list shipped with the hub (``hub/identifiers/uscc_exceptions.csv``)."""
    text = resources.files(__package__).joinpath(EXCEPTIONS_RESOURCE).read_text("utf-8")
    return parse_exceptions(text, EXCEPTIONS_RESOURCE)


def load_exceptions(path: Path) -> dict[str, UsccException]:
    """The shipped exceptions plus those listed in a local file of the same format."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InvalidIdentifierError(f"cannot read exception list {path}: {exc}") from exc
    return {**default_exceptions(), **parse_exceptions(text, str(path))}


def parse_exceptions(text: str, origin: str) -> dict[str, UsccException]:
    """Parse ``code,reason,source,date`` rows; ``#`` lines are comments."""
    rows = [
        (number, line)
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not rows or rows[0][1].replace(" ", "") != "code,reason,source,date":
        raise InvalidIdentifierError(f"{origin}: expected the header 'code,reason,source,date'")
    parsed = (_exception(number, line, origin) for number, line in rows[1:])
    return {entry.code: entry for entry in parsed}


def _exception(number: int, line: str, origin: str) -> UsccException:
    where = f"{origin} line {number}"
    fields = [field.strip() for field in next(csv.reader(io.StringIO(line)))]
    if len(fields) != 4 or not all(fields):
        raise InvalidIdentifierError(
            f"{where}: expected 4 non-empty fields code,reason,source,date"
        )
    code = fields[0].upper()
    if len(code) != USCC_LENGTH or bad_character(code, USCC_ALPHABET):
        raise InvalidIdentifierError(f"{where}: {code!r} is not 18 characters of the code alphabet")
    if uscc_problem(code) is None:
        raise InvalidIdentifierError(f"{where}: {code} passes every check; it is no exception")
    try:
        listed_on = date.fromisoformat(fields[3])
    except ValueError as exc:
        raise InvalidIdentifierError(f"{where}: date {fields[3]!r} is not YYYY-MM-DD") from exc
    return UsccException(code, fields[1], fields[2], listed_on)
