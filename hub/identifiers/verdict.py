"""The outcome of checking one identifier, and the wording every reason shares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Verdict:
    """One checked value: valid or not, why, and its normalised form.

    ``reason`` says why an invalid value fails; on a valid value it is ``None`` unless the
    value was accepted by an explicit exception, whose note it then carries.
    """

    value: str
    valid: bool
    reason: str | None
    normalized: str

    def as_dict(self) -> dict[str, str | bool | None]:
        """The verdict as a JSON-ready mapping."""
        return {
            "value": self.value,
            "valid": self.valid,
            "reason": self.reason,
            "normalized": self.normalized,
        }


def verdict(value: str, normalized: str, reason: str | None) -> Verdict:
    """A verdict that is valid exactly when there is no reason against it."""
    return Verdict(value, reason is None, reason, normalized)


def wrong_length(actual: int, expected: int) -> str:
    """The reason for a value of the wrong length."""
    return f"wrong length {actual}, expected {expected}"


def bad_character(code: str, allowed: str, start: int = 0) -> str | None:
    """The reason naming the first character outside ``allowed`` (1-based), if any."""
    for index in range(start, len(code)):
        if code[index] not in allowed:
            return f"character {code[index]!r} at position {index + 1} is not allowed"
    return None


def wrong_check(actual: str, expected: str) -> str:
    """The reason for a check character that does not match."""
    return f"check character is {actual!r}, expected {expected!r}"
