"""Holder identifiers in queries: a credit code or an identity number, checked and normalised.

An 18-character value can pass both checks; then the caller must say which it means::

    >>> holder_id("91350200776049653a")
    '91350200776049653A'
"""

from __future__ import annotations

from hub.errors import InvalidIdentifierError
from hub.identifiers import IdKind, validate

_HOLDER_KINDS = {"USCC": IdKind.USCC, "RESIDENT_ID": IdKind.RESIDENT}


def holder_id(value: str, id_type: str | None = None) -> str:
    """A credit code or identity number, checked as ``id_type`` or as whichever one fits."""
    kinds = [_HOLDER_KINDS[id_type]] if id_type else list(_HOLDER_KINDS.values())
    verdicts = [validate(kind, value) for kind in kinds]
    valid = [verdict for verdict in verdicts if verdict.valid]
    if len(valid) > 1:
        raise InvalidIdentifierError(
            f"holder {value!r} is both a valid credit code and identity number: pass id_type"
        )
    if not valid:
        reasons = "; ".join(
            f"as {kind}: {v.reason}" for kind, v in zip(kinds, verdicts, strict=True)
        )
        raise InvalidIdentifierError(f"holder {value!r} is not a valid identifier ({reasons})")
    return valid[0].normalized
