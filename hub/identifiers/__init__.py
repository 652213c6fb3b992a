"""Identifiers the hub accepts: credit codes, resident identity numbers, license ids.

One uniform entry point, :func:`validate`, gives a :class:`Verdict` with a specific
reason; :func:`require_valid` raises :class:`~hub.errors.InvalidIdentifierError` naming
the field, for processors and ingress. Each kind also has its own module: :mod:`.uscc`,
:mod:`.resident`, :mod:`.license`; :mod:`.generate` makes valid test data::

    >>> validate(IdKind.USCC, "91350200776049653A").valid
    True
    >>> validate("resident", "11010519491231003X").reason
    "check character is 'X', expected '8'"
    >>> require_valid(kind_for_identifier_type("USCC"), "91350200776049653a", field="applicant")
    '91350200776049653A'
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Final

from hub.errors import InvalidIdentifierError
from hub.identifiers.license import (
    LicenseId,
    generate_license_id,
    next_version,
    parse_license_id,
    validate_license_id,
)
from hub.identifiers.resident import ResidentId, mask, parse_resident_id, validate_resident_id
from hub.identifiers.uscc import UsccException, load_exceptions, validate_uscc
from hub.identifiers.verdict import Verdict

__all__ = [
    "VALIDATORS",
    "IdKind",
    "LicenseId",
    "ResidentId",
    "UsccException",
    "Verdict",
    "generate_license_id",
    "kind_for_identifier_type",
    "load_exceptions",
    "mask",
    "next_version",
    "parse_license_id",
    "parse_resident_id",
    "require_valid",
    "validate",
    "validate_license_id",
    "validate_resident_id",
    "validate_uscc",
]


class IdKind(StrEnum):
    """Which identifier scheme a value follows."""

    USCC = "uscc"
    RESIDENT = "resident"
    LICENSE = "license"


# Keyed by str too: an IdKind hashes and compares as its value.
VALIDATORS: Final[dict[str, Callable[[str], Verdict]]] = {
    IdKind.USCC: validate_uscc,
    IdKind.RESIDENT: validate_resident_id,
    IdKind.LICENSE: validate_license_id,
}

# The ``IdentifierType`` enum symbols that events carry (ApplicationSubmitted v3 on).
KIND_BY_IDENTIFIER_TYPE: Final = {"USCC": IdKind.USCC, "RESIDENT_ID": IdKind.RESIDENT}


def kind_for_identifier_type(identifier_type: str) -> IdKind:
    """The kind for an event's identifier type symbol, ``USCC`` or ``RESIDENT_ID``."""
    try:
        return KIND_BY_IDENTIFIER_TYPE[identifier_type]
    except KeyError:
        expected = " or ".join(KIND_BY_IDENTIFIER_TYPE)
        raise InvalidIdentifierError(
            f"unknown identifier type {identifier_type!r}, expected {expected}"
        ) from None


def validate(kind: IdKind | str, value: str) -> Verdict:
    """Check ``value`` as an identifier of ``kind`` (an :class:`IdKind` or its value)."""
    validator = VALIDATORS.get(kind)
    if validator is None:
        expected = ", ".join(member.value for member in IdKind)
        raise InvalidIdentifierError(f"unknown identifier kind {kind!r}, expected {expected}")
    return validator(value)


def require_valid(kind: IdKind | str, value: str, *, field: str) -> str:
    """The normalised value; raises ``InvalidIdentifierError`` naming ``field`` if invalid."""
    result = validate(kind, value)
    if not result.valid:
        raise InvalidIdentifierError(
            f"{field}: {IdKind(kind).value} {value!r} is invalid: {result.reason}"
        )
    return result.normalized
