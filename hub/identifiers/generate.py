"""Valid identifiers made up from a seeded random generator, for simulators and tests.

>>> import random
>>> rng = random.Random(7)
>>> from hub.identifiers import validate
>>> validate("uscc", random_uscc(rng)).valid and validate("resident", random_resident_id(rng)).valid
True
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from hub.identifiers.checks import (
    ALPHANUMERIC,
    USCC_ALPHABET,
    mod11_2_check,
    organisation_code_check,
    uscc_check,
)
from hub.identifiers.license import generate_license_id
from hub.identifiers.resident import EARLIEST_BIRTH, PROVINCE_CODES
from hub.identifiers.uscc import ORGANISATION_TYPES

# Common county-level suffixes (city districts), so generated codes look like real ones.
_COUNTIES: Final = ("0101", "0105", "0106", "0108", "0203", "0302", "0402", "0502", "0602")
_PROVINCES: Final = tuple(sorted(PROVINCE_CODES))
_AUTHORITY_TYPES: Final = tuple(
    authority + organisation_type
    for authority, (_, types) in sorted(ORGANISATION_TYPES.items())
    for organisation_type in sorted(types)
)
_LICENSE_TYPES: Final = ("FOODBIZ", "BIZLIC", "BUILDPERMIT", "TAXREG", "SEAL")


def random_area_code(rng: random.Random) -> str:
    """A six-digit area code under a real province-level code."""
    return rng.choice(_PROVINCES) + rng.choice(_COUNTIES)


def random_uscc(rng: random.Random) -> str:
    """A unified social credit code that passes every check."""
    organisation = "".join(rng.choices(USCC_ALPHABET, k=8))
    body = (
        rng.choice(_AUTHORITY_TYPES)
        + random_area_code(rng)
        + organisation
        + organisation_code_check(organisation)
    )
    return body + uscc_check(body)


def random_resident_id(rng: random.Random, today: date | None = None) -> str:
    """A resident identity number born between 1900-01-01 and ``today``."""
    latest = today or date.today()
    born = EARLIEST_BIRTH + timedelta(days=rng.randrange((latest - EARLIEST_BIRTH).days + 1))
    body = f"{random_area_code(rng)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + mod11_2_check(body)


def random_license_id(rng: random.Random) -> str:
    """A license identifier of a random type, issuer, serial and version."""
    serial = "".join(rng.choices(ALPHANUMERIC, k=rng.randint(1, 20)))
    return generate_license_id(
        rng.choice(_LICENSE_TYPES), random_uscc(rng), serial, rng.randint(1, 999)
    )
