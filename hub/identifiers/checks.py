"""Check-character algorithms: GB 32100 MOD 31, GB 11714, ISO 7064 MOD 11-2 and MOD 37,36.

Each function takes the characters before the check (already known to be in its alphabet)
and returns the check character that must follow them.
"""

from __future__ import annotations

from operator import mul
from typing import Final

USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ALPHANUMERIC: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS: Final = "0123456789"

_USCC_VALUES: Final = {char: value for value, char in enumerate(USCC_ALPHABET)}
_ALNUM_VALUES: Final = {char: value for value, char in enumerate(ALPHANUMERIC)}
_USCC_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORGANISATION_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECKS: Final = "10X98765432"
_ORGANISATION_CHECKS: Final = "0123456789X0"  # indexed by 1..11; 0 never occurs


def _weighted_sum(body: str, values: dict[str, int], weights: tuple[int, ...]) -> int:
    # map() keeps the loop in C: registers of 100,000 codes are checked in one go.
    return sum(map(mul, map(values.__getitem__, body), weights))


def uscc_check(body: str) -> str:
    """GB 32100-2015: 31 - (Σ value·weight mod 31), where 31 is written ``0``."""
    remainder = _weighted_sum(body, _USCC_VALUES, _USCC_WEIGHTS) % 31
    return USCC_ALPHABET[(31 - remainder) % 31]


def organisation_code_check(body: str) -> str:
    """GB 11714-1997: 11 - (Σ value·weight mod 11), where 10 is ``X`` and 11 is ``0``."""
    return _ORGANISATION_CHECKS[11 - _weighted_sum(body, _ALNUM_VALUES, _ORGANISATION_WEIGHTS) % 11]


def mod11_2_check(body: str) -> str:
    """ISO 7064 MOD 11-2 as GB 11643-1999 writes it: Y = Σ digit·weight mod 11 → check."""
    return _RESIDENT_CHECKS[_weighted_sum(body, _ALNUM_VALUES, _RESIDENT_WEIGHTS) % 11]


def mod37_36_check(body: str) -> str:
    """ISO 7064 MOD 37,36, the hybrid system over ``0-9A-Z``."""
    product = 36
    for char in body:
        total = (product + _ALNUM_VALUES[char]) % 36
        product = ((total or 36) * 2) % 37
    return ALPHANUMERIC[(37 - product) % 36]
