"""The uniform identifier API: validate, require_valid, event identifier types, examples."""

import doctest
from types import ModuleType

import pytest

import hub.identifiers
import hub.identifiers.generate
import hub.identifiers.license
from hub.errors import InvalidIdentifierError
from hub.identifiers import IdKind, kind_for_identifier_type, require_valid, validate
from hub.identifiers.checks import ALPHANUMERIC, DIGITS, USCC_ALPHABET

EXAMPLES = {
    IdKind.USCC: "91350200776049653A",
    IdKind.RESIDENT: "11010519491231002X",
    IdKind.LICENSE: "FOODBIZ.91350200776049653A.2024000117.001.U",
}
ALPHABETS = {
    IdKind.USCC: USCC_ALPHABET,
    IdKind.RESIDENT: DIGITS + "X",
    IdKind.LICENSE: ALPHANUMERIC + ".",
}


@pytest.mark.parametrize("kind", list(IdKind))
def test_examples_are_valid_by_kind_and_by_name(kind: IdKind) -> None:
    assert validate(kind, EXAMPLES[kind]).valid
    assert validate(kind.value, EXAMPLES[kind]).valid


@pytest.mark.parametrize("kind", list(IdKind))
def test_every_one_character_change_of_an_example_is_invalid(kind: IdKind) -> None:
    example = EXAMPLES[kind]
    for position, original in enumerate(example):
        for replacement in ALPHABETS[kind].replace(original, ""):
            changed = example[:position] + replacement + example[position + 1 :]
            assert not validate(kind, changed).valid, changed


def test_an_eighteen_character_value_is_only_checked_as_its_stated_kind() -> None:
    assert validate(IdKind.USCC, EXAMPLES[IdKind.USCC]).valid
    assert validate(IdKind.RESIDENT, EXAMPLES[IdKind.USCC]).reason == (
        "character 'A' at position 18 is not allowed"
    )


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(InvalidIdentifierError, match="unknown identifier kind 'passport'"):
        validate("passport", "X")


def test_require_valid_returns_the_normalised_value() -> None:
    assert require_valid(IdKind.RESIDENT, "11010519491231002x", field="holder") == (
        "11010519491231002X"
    )


def test_require_valid_names_the_field_and_the_reason() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        require_valid("uscc", "91350200776049653B", field="applicant_id_number")
    assert str(caught.value) == (
        "applicant_id_number: uscc '91350200776049653B' is invalid: "
        "check character is 'B', expected 'A'"
    )


@pytest.mark.parametrize(
    ("identifier_type", "kind"), [("USCC", IdKind.USCC), ("RESIDENT_ID", IdKind.RESIDENT)]
)
def test_event_identifier_types_map_to_kinds(identifier_type: str, kind: IdKind) -> None:
    assert kind_for_identifier_type(identifier_type) is kind


def test_unknown_event_identifier_type_is_refused() -> None:
    with pytest.raises(InvalidIdentifierError, match="expected USCC or RESIDENT_ID"):
        kind_for_identifier_type("PASSPORT")


@pytest.mark.parametrize(
    "module", [hub.identifiers, hub.identifiers.license, hub.identifiers.generate]
)
def test_docstring_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
