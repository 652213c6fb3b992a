"""The compatibility checker on realistic schema changes, and on schemas against themselves."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.compatibility import Mode, Rule, can_read, check
from schemas import SCHEMA_DIR


def application(version: int = 3) -> dict[str, Any]:
    text = (SCHEMA_DIR / "ApplicationSubmitted" / f"v{version}.avsc").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in schema["fields"] if f["name"] == name)


def material(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return field(field(schema, "materials")["type"]["items"], name)


def record(name: str, *fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "record", "name": name, "fields": list(fields)}


def problems(new: Any, old: Any, mode: Mode = Mode.BACKWARD) -> list[tuple[str, Rule]]:
    return [(p.path, p.rule) for p in check(new, [old], mode)]


def test_the_published_application_versions_are_backward_transitive() -> None:
    versions = [application(v) for v in (1, 2, 3)]
    assert check(versions[2], versions[:2], Mode.BACKWARD_TRANSITIVE) == []


def test_a_field_added_without_default_breaks_backward_and_names_it() -> None:
    new = application()
    new["fields"].append({"name": "fee", "type": "long"})
    found = check(new, [application()], Mode.BACKWARD)
    assert [(p.path, p.rule) for p in found] == [
        ("ApplicationSubmitted.fee", Rule.READER_FIELD_MISSING_DEFAULT_VALUE)
    ]
    assert "added without a default" in str(found[0])
    assert "against v1" in str(found[0])


def test_a_field_added_with_default_is_fully_compatible() -> None:
    new = application()
    new["fields"].append({"name": "fee", "type": "long", "default": 0})
    assert problems(new, application(), Mode.FULL_TRANSITIVE) == []


def test_removing_a_field_without_default_breaks_forward_only() -> None:
    new = application()
    new["fields"].remove(field(new, "applicant_name"))
    assert problems(new, application(), Mode.BACKWARD) == []
    assert problems(new, application(), Mode.FORWARD) == [
        ("ApplicationSubmitted.applicant_name", Rule.READER_FIELD_MISSING_DEFAULT_VALUE)
    ]


def test_a_removed_enum_symbol_in_a_nested_array_is_reported_with_its_path() -> None:
    new = application()
    material(new, "trust_grade")["type"]["symbols"].remove("D")
    assert problems(new, application()) == [
        ("ApplicationSubmitted.materials[].trust_grade", Rule.MISSING_ENUM_SYMBOLS)
    ]


def test_an_enum_default_lets_a_reader_drop_symbols() -> None:
    new = application()
    grade = material(new, "trust_grade")["type"]
    grade["symbols"].remove("D")
    grade["default"] = "C"
    assert problems(new, application()) == []


@pytest.mark.parametrize(
    ("old_type", "new_type", "ok"),
    [
        ("int", "long", True),
        ("int", "double", True),
        ("long", "float", True),
        ("float", "double", True),
        ("string", "bytes", True),
        ("bytes", "string", True),
        ("long", "int", False),
        ("double", "float", False),
        ("string", "int", False),
        ("boolean", "string", False),
        ("string", ["null", "string"], True),
        (["null", "string"], "string", False),
        (["null", "int"], ["null", "long"], True),
    ],
)
def test_primitive_promotions_and_unions(old_type: Any, new_type: Any, ok: bool) -> None:
    old = record("R", {"name": "x", "type": old_type})
    new = record("R", {"name": "x", "type": new_type})
    assert (problems(new, old) == []) is ok


def test_a_union_losing_a_branch_names_the_missing_branch() -> None:
    old = record("R", {"name": "x", "type": ["null", "string", "long"]})
    new = record("R", {"name": "x", "type": ["null", "string"]})
    assert problems(new, old) == [("R.x", Rule.MISSING_UNION_BRANCH)]


def test_a_type_change_inside_a_map_is_reported_under_the_map() -> None:
    new = application()
    field(new, "form_fields")["type"]["values"] = "int"
    assert problems(new, application()) == [
        ("ApplicationSubmitted.form_fields{}", Rule.TYPE_MISMATCH)
    ]


def test_fixed_sizes_and_renamed_records() -> None:
    old = record("R", {"name": "h", "type": {"type": "fixed", "name": "Hash", "size": 32}})
    new = copy.deepcopy(old)
    new["fields"][0]["type"]["size"] = 16
    assert problems(new, old) == [("R.h", Rule.FIXED_SIZE_MISMATCH)]
    renamed = record("Other", *old["fields"])
    assert problems(renamed, old) == [("Other", Rule.NAME_MISMATCH)]
    renamed["aliases"] = ["R"]
    assert problems(renamed, old) == []


def test_a_renamed_field_is_readable_through_its_alias() -> None:
    assert can_read(application(3), application(2)) == []
    new = application(3)
    del field(new, "applicant_id_number")["aliases"]
    assert [p.path for p in can_read(new, application(2))] == [
        "ApplicationSubmitted.applicant_id_number"
    ]


def test_named_type_references_are_resolved() -> None:
    grade = {"type": "enum", "name": "Grade", "symbols": ["A", "B"]}
    old = record("R", {"name": "a", "type": grade}, {"name": "b", "type": "Grade"})
    new = copy.deepcopy(old)
    new["fields"][0]["type"]["symbols"] = ["A"]
    assert problems(new, old) == [
        ("R.a", Rule.MISSING_ENUM_SYMBOLS),
        ("R.b", Rule.MISSING_ENUM_SYMBOLS),
    ]


def test_recursive_types_terminate() -> None:
    node = record("Node", {"name": "next", "type": ["null", "Node"]}, {"name": "v", "type": "int"})
    assert problems(node, copy.deepcopy(node), Mode.FULL) == []


def test_transitive_modes_check_every_earlier_version() -> None:
    v1 = record("R", {"name": "x", "type": "int"})
    y = {"name": "y", "type": "int", "default": 1}
    v2 = record("R", {"name": "x", "type": "int", "default": 0}, y)
    v3 = record("R", y)
    assert check(v3, [v1, v2], Mode.FORWARD) == []
    found = check(v3, [v1, v2], Mode.FORWARD_TRANSITIVE)
    assert [(p.path, p.against_version) for p in found] == [("R.x", 1)]
    assert check(v3, [v1, v2], Mode.NONE) == []


NAMES = st.sampled_from(["a", "b", "c", "d", "e"])
PRIMITIVE = st.sampled_from(
    ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
)


def _types(depth: int) -> st.SearchStrategy[Any]:
    if depth == 0:
        return PRIMITIVE
    inner = _types(depth - 1)
    return st.one_of(
        PRIMITIVE,
        st.builds(lambda t: {"type": "array", "items": t}, inner),
        st.builds(lambda t: {"type": "map", "values": t}, inner),
        st.builds(lambda s: ["null", s], st.sampled_from(["int", "string"])),
        st.lists(st.sampled_from(["X", "Y", "Z"]), min_size=1, unique=True).map(
            lambda symbols: {"type": "enum", "name": f"E{''.join(symbols)}", "symbols": symbols}
        ),
        st.integers(1, 16).map(lambda n: {"type": "fixed", "name": f"F{n}", "size": n}),
    )


SCHEMAS = st.lists(st.tuples(NAMES, _types(2)), max_size=5, unique_by=lambda f: f[0]).map(
    lambda fields: record("Rec", *({"name": n, "type": t} for n, t in fields))
)


@settings(max_examples=150, deadline=None)
@given(SCHEMAS, st.sampled_from(list(Mode)))
def test_a_schema_is_always_compatible_with_itself(schema: dict[str, Any], mode: Mode) -> None:
    assert check(schema, [copy.deepcopy(schema)], mode) == []
