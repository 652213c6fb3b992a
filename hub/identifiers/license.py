"""Electronic license identifiers in the style of GB/T 36904: format, check, versions.

An identifier is five segments joined by dots, ``TYPE.ISSUER.SERIAL.VERSION.CHECK``:

=============  =========================================================================
segment        format
=============  =========================================================================
TYPE           license-type code: 2-30 characters ``A-Z 0-9`` (no underscore: the check
               alphabet has no value for it), e.g. ``FOODBIZ``
ISSUER         the issuing department's unified social credit code, 18 characters,
               validated as such (shipped exceptions apply)
SERIAL         the issuer's serial number: 1-20 characters ``A-Z 0-9``
VERSION        three digits ``001``-``999``; a change or renewal keeps TYPE, ISSUER and
               SERIAL and takes the next version, which is how versions stay linked
CHECK          ISO 7064 MOD 37,36 check character (``0-9 A-Z``) over every character
               before it, dots excluded
=============  =========================================================================

Lowercase input is accepted and normalised to uppercase. Example::

    >>> issued = generate_license_id("FOODBIZ", "91350200776049653A", "2024000117")
    >>> issued
    'FOODBIZ.91350200776049653A.2024000117.001.U'
    >>> parse_license_id(next_version(issued)).version
    2
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from hub.errors import InvalidIdentifierError
from hub.identifiers.checks import ALPHANUMERIC, mod37_36_check
from hub.identifiers.uscc import validate_uscc
from hub.identifiers.verdict import Verdict, bad_character, verdict, wrong_check

SEGMENTS: Final = 5
LAST_VERSION: Final = 999
_ALPHANUMERIC_RUN: Final = re.compile("[0-9A-Z]+")
_VERSION: Final = re.compile("00[1-9]|0[1-9][0-9]|[1-9][0-9]{2}")


@dataclass(frozen=True, slots=True)
class LicenseId:
    """The parts of a valid license identifier."""

    type_code: str
    issuer_code: str
    serial: str
    version: int
    check: str

    @property
    def lineage(self) -> str:
        """``TYPE.ISSUER.SERIAL``: the part every version of one license shares."""
        return f"{self.type_code}.{self.issuer_code}.{self.serial}"

    def __str__(self) -> str:
        return f"{self.lineage}.{self.version:03d}.{self.check}"


def _segment_problem(name: str, text: str, shortest: int, longest: int) -> str | None:
    if not shortest <= len(text) <= longest:
        return f"{name} {text!r} has length {len(text)}, expected {shortest}-{longest}"
    if _ALPHANUMERIC_RUN.fullmatch(text):
        return None
    return f"{name} {text!r}: {bad_character(text, ALPHANUMERIC)}"


def _body_problem(type_code: str, issuer: str, serial: str, version: str) -> str | None:
    issuer_verdict = validate_uscc(issuer)
    if not issuer_verdict.valid:
        return f"issuer code {issuer!r}: {issuer_verdict.reason}"
    if not _VERSION.fullmatch(version):
        return f"version {version!r} must be three digits 001-{LAST_VERSION}"
    return _segment_problem("license type code", type_code, 2, 30) or _segment_problem(
        "serial", serial, 1, 20
    )


def license_problem(text: str) -> str | None:
    """Why an uppercase identifier is not a valid license identifier, or ``None``."""
    segments = text.split(".")
    if len(segments) != SEGMENTS:
        return (
            f"expected {SEGMENTS} dot-separated segments TYPE.ISSUER.SERIAL.VERSION.CHECK, "
            f"found {len(segments)}"
        )
    *body, check = segments
    wrong_body = _body_problem(*body)
    if wrong_body is not None:
        return wrong_body
    expected = mod37_36_check("".join(body))
    return None if check == expected else wrong_check(check, expected)


def validate_license_id(value: str) -> Verdict:
    """Check a license identifier."""
    text = value.upper()
    return verdict(value, text, license_problem(text))


def parse_license_id(value: str) -> LicenseId:
    """The parts of a license identifier; raises ``InvalidIdentifierError`` if invalid."""
    text = value.upper()
    problem = license_problem(text)
    if problem is not None:
        raise InvalidIdentifierError(f"license identifier {value!r}: {problem}")
    type_code, issuer, serial, version, check = text.split(".")
    return LicenseId(type_code, issuer, serial, int(version), check)


def generate_license_id(type_code: str, issuer_code: str, serial: str, version: int = 1) -> str:
    """The license identifier for these parts, with its check character."""
    if not 1 <= version <= LAST_VERSION:
        raise InvalidIdentifierError(f"version {version} is outside 1-{LAST_VERSION}")
    body = (type_code.upper(), issuer_code.upper(), serial.upper(), f"{version:03d}")
    problem = _body_problem(*body)
    if problem is not None:
        raise InvalidIdentifierError(f"cannot generate a license identifier: {problem}")
    return f"{'.'.join(body)}.{mod37_36_check(''.join(body))}"


def next_version(license_id: str) -> str:
    """The identifier of the changed or renewed license that succeeds ``license_id``."""
    current = parse_license_id(license_id)
    if current.version == LAST_VERSION:
        raise InvalidIdentifierError(f"license {current} is at the last version {LAST_VERSION}")
    return generate_license_id(
        current.type_code, current.issuer_code, current.serial, current.version + 1
    )
