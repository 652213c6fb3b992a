"""The event models and the Avro schemas in ``schemas/`` agree, and every event round-trips."""

from __future__ import annotations

import io
import types
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

import fastavro
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel, Field, TypeAdapter
from test_events_examples import EXAMPLES, WHEN, example

from hub.errors import SchemaError, UnknownSchemaError, ValidationError
from hub.events import EVENT_MODELS, Event, current_version, event_names, load_schema, model_for
from hub.events.avsc import schema_versions
from hub.events.base import Value
from hub.events.cases import CaseCompleted, CaseRated, CaseWithdrawn
from hub.topics import Topic
from schemas import SCHEMA_DIR

NAMES = sorted(EVENT_MODELS)
SCHEMA_FILES = [(name, v) for name, versions in schema_versions().items() for v in versions]
# Avro's integer types hold -n … n-1 for these n.
AVRO_INTS = {"int": 2**31, "long": 2**63}


def avro_round_trip(event: Event) -> Event:
    schema = fastavro.parse_schema(load_schema(event.event_name))
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, event.to_record())
    buffer.seek(0)
    record = fastavro.schemaless_reader(buffer, schema)
    assert isinstance(record, dict)
    return type(event).from_record(record)


@pytest.mark.parametrize(("name", "version"), SCHEMA_FILES)
def test_every_schema_file_is_a_valid_event_record(name: str, version: int) -> None:
    schema = load_schema(name, version)
    fastavro.parse_schema(schema)
    assert schema["namespace"] == "gov.onewindow.events"
    assert schema["doc"]
    assert [field["name"] for field in schema["fields"][:3]] == [
        "event_id",
        "occurred_at",
        "source",
    ]
    assert all(field.get("doc") for field in schema["fields"])
    text = (SCHEMA_DIR / name / f"v{version}.avsc").read_text(encoding="utf-8")
    assert text.startswith('{\n  "type": "record"'), "schemas are indented by two spaces"


def test_every_schema_has_a_model_and_every_model_a_schema() -> None:
    assert set(event_names()) == set(EVENT_MODELS)
    assert set(EXAMPLES) == set(EVENT_MODELS)


@pytest.mark.parametrize("name", NAMES)
def test_model_mirrors_its_current_schema(name: str) -> None:
    model = EVENT_MODELS[name]
    assert model.event_name == name
    assert model.schema_version == current_version(name)
    expanded = fastavro.parse_schema(load_schema(name), expand=True)
    assert isinstance(expanded, dict)
    assert_mirrors(model, expanded)


def assert_mirrors(model: type[BaseModel], record: dict[str, Any]) -> None:
    """Field names, optionality, enum symbols and types agree, nested records included."""
    avro_fields = {field["name"]: field for field in record["fields"]}
    assert set(model.model_fields) == set(avro_fields), model.__name__
    for name, info in model.model_fields.items():
        field = avro_fields[name]
        optional = isinstance(field["type"], list)
        assert optional == ("default" in field and field["default"] is None), name
        assert optional == (not info.is_required() and info.default is None), name
        where = f"{model.__name__}.{name}"
        assert_type(info.annotation, field["type"], where, tuple(info.metadata))


_PRIMITIVES: dict[object, object] = {
    str: "string",
    bool: "boolean",
    date: {"type": "int", "logicalType": "date"},
    AwareDatetime: {"type": "long", "logicalType": "timestamp-micros"},
}


def assert_type(annotation: Any, avro: Any, where: str, metadata: tuple[Any, ...] = ()) -> None:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        assert_type(args[0], avro, where, (*args[1:], *metadata))
    elif annotation is int:
        assert_fits(int_type(metadata), avro, where)
    elif origin in (Union, types.UnionType):
        assert isinstance(avro, list), where
        assert avro[0] == "null", where
        (inner,) = [arg for arg in args if arg is not type(None)]
        assert_type(inner, avro[1], where, metadata)
    elif origin is tuple:
        assert avro["type"] == "array", where
        assert_type(args[0], avro["items"], where)
    elif origin is dict:
        assert avro == {"type": "map", "values": "string"}, where
        assert args == (str, str), where
    elif isinstance(annotation, type) and issubclass(annotation, StrEnum):
        assert avro["type"] == "enum", where
        assert avro["symbols"] == [member.value for member in annotation], where
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        assert avro["type"] == "record", where
        assert_mirrors(annotation, avro)
    else:
        assert _PRIMITIVES[annotation] == avro, where


def int_type(metadata: tuple[Any, ...]) -> Any:
    """The int type with the field's constraints, as pydantic applies them."""
    return Annotated[int, *metadata] if metadata else int


def assert_fits(validated: Any, avro: Any, where: str) -> None:
    """The model refuses the first integer below and above what the Avro type holds."""
    assert avro in AVRO_INTS, f"{where} is an int, its schema says {avro}"
    adapter, limit = TypeAdapter(validated), AVRO_INTS[avro]
    for outside in (-limit - 1, limit):
        try:
            adapter.validate_python(outside)
        except pydantic.ValidationError:
            continue
        pytest.fail(f"{where} takes {outside}, which an Avro {avro} cannot hold: use AvroInt")


class _Unbounded(Value):
    """Ints an Avro schema cannot take whole: no bounds, or bounds too wide."""

    count: int
    wide: int = Field(ge=-(2**40), le=2**40)


@pytest.mark.parametrize(("field", "avro"), [("count", "int"), ("wide", "int"), ("count", "long")])
def test_the_mirror_check_refuses_an_int_without_avro_bounds(field: str, avro: str) -> None:
    info = _Unbounded.model_fields[field]
    with pytest.raises(pytest.fail.Exception, match=f"_Unbounded.{field} takes"):
        assert_type(info.annotation, avro, f"_Unbounded.{field}", tuple(info.metadata))


@pytest.mark.parametrize("name", NAMES)
def test_populated_example_round_trips_through_avro(name: str) -> None:
    event = example(name)
    assert avro_round_trip(event) == event


@pytest.mark.parametrize("name", NAMES)
def test_example_without_optional_fields_round_trips(name: str) -> None:
    model = EVENT_MODELS[name]
    required = {k: v for k, v in EXAMPLES[name].items() if model.model_fields[k].is_required()}
    event = model(source="haining.window", **required)
    assert avro_round_trip(event) == event


EXPECTED_TOPICS = {
    Topic.APPLICATIONS: ("Application", "Task", "Supplement", "Case", "Commitment", "Deadline"),
    Topic.LICENSES: ("License",),
    Topic.MATERIALS: ("Material",),
    Topic.CREDIT: ("Credit",),
    Topic.SUPERVISION: ("Supervision", "Inspection"),
    Topic.ACCESS: ("DataAccessed",),
    Topic.ERASURES: ("PersonErased",),
}
EXPECTED_KEYS = {
    Topic.APPLICATIONS: "case_id",
    Topic.LICENSES: "license_id",
    Topic.MATERIALS: "holder_id_number",
    Topic.CREDIT: "subject_id_number",
    Topic.SUPERVISION: "license_id",
    Topic.ACCESS: "subject_id_number",
    Topic.ERASURES: "pseudonym",
}


@pytest.mark.parametrize("name", NAMES)
def test_event_goes_to_its_aggregate_topic_keyed_by_aggregate_id(name: str) -> None:
    (topic,) = [t for t, prefixes in EXPECTED_TOPICS.items() if name.startswith(prefixes)]
    event = example(name)
    assert event.topic is topic
    assert event.key() == EXAMPLES[name][EXPECTED_KEYS[topic]]


def test_defaults_give_a_fresh_uuid_and_the_current_utc_time() -> None:
    first, second = (CaseWithdrawn(source="s", case_id="C", reason="r") for _ in "12")
    assert uuid.UUID(first.event_id).version == 7
    assert first.event_id != second.event_id
    assert first.occurred_at.tzinfo is UTC
    assert abs(datetime.now(UTC) - first.occurred_at) < timedelta(seconds=5)


def test_occurred_at_is_kept_in_utc_and_naive_times_are_refused() -> None:
    beijing = WHEN.astimezone(timezone(timedelta(hours=8)))
    event = example("CaseRated").model_copy(update={"occurred_at": beijing})
    assert type(event).model_validate(event.model_dump()).occurred_at.tzinfo is UTC
    with pytest.raises(ValueError, match="occurred_at"):
        CaseRated(source="s", case_id="C", score=4, occurred_at=datetime(2026, 1, 1))


def test_events_are_immutable() -> None:
    event = CaseRated(source="s", case_id="C", score=4)
    with pytest.raises(ValueError, match="frozen"):
        event.score = 1  # type: ignore[misc]


@pytest.mark.parametrize("working_days", [2**31, -(2**31) - 1, 2**40])
def test_an_int_avro_cannot_hold_is_refused_at_construction_naming_the_field(
    working_days: int,
) -> None:
    fields = {"source": "s", "case_id": "C", "outcome": "APPROVED", "approved_task_ids": ()}
    with pytest.raises(pydantic.ValidationError, match=r"working_days\n  Input should be"):
        CaseCompleted(**fields, working_days=working_days)
    assert CaseCompleted(**fields, working_days=2**31 - 1).working_days == 2**31 - 1


def test_a_copy_with_changes_is_validated_like_a_new_event() -> None:
    event = example("CaseCompleted")
    with pytest.raises(pydantic.ValidationError, match="working_days"):
        event.model_copy(update={"working_days": 2**31})
    copied = event.model_copy(update={"working_days": 3})
    assert copied == CaseCompleted(**{**dict(event), "working_days": 3})
    assert event.model_copy() == event


def test_a_bad_record_is_refused_naming_the_field() -> None:
    record = example("CaseRated").to_record() | {"score": 9}
    with pytest.raises(
        ValidationError, match="CaseRated record: score: Input should be less than or equal to 5"
    ):
        model_for("CaseRated").from_record(record)
    with pytest.raises(ValidationError, match="surprise"):
        model_for("CaseRated").from_record(example("CaseRated").to_record() | {"surprise": 1})


def test_unknown_names_and_versions_are_schema_errors() -> None:
    with pytest.raises(UnknownSchemaError, match="'CaseReopened'"):
        model_for("CaseReopened")
    with pytest.raises(UnknownSchemaError, match="'CaseReopened'"):
        load_schema("CaseReopened")
    with pytest.raises(UnknownSchemaError, match="CaseRated has no schema version 7"):
        load_schema("CaseRated", 7)
    assert issubclass(UnknownSchemaError, SchemaError)


def _strategy(annotation: Any, metadata: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _strategy(args[0], (*args[1:], *metadata))
    if annotation is int:
        return _bounded_ints(metadata)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in args if arg is not type(None)]
        return st.none() | _strategy(inner, metadata)
    if origin is tuple:
        return st.lists(_strategy(args[0]), max_size=3).map(tuple)
    if origin is dict:
        return st.dictionaries(st.text(), st.text(), max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_strategy(annotation)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return st.sampled_from(list(annotation))
    return _SCALARS[annotation]


def _bounded_ints(metadata: tuple[Any, ...]) -> st.SearchStrategy[int]:
    """Every integer the field's bounds allow, the Avro ones and any narrower."""
    bounds = [bound for item in metadata for bound in getattr(item, "metadata", [item])]
    low = max(bound.ge for bound in bounds if hasattr(bound, "ge"))
    high = min(bound.le for bound in bounds if hasattr(bound, "le"))
    return st.integers(low, high)


_SCALARS: dict[object, st.SearchStrategy[Any]] = {
    str: st.text(),
    bool: st.booleans(),
    date: st.dates(),
    AwareDatetime: st.datetimes(
        min_value=datetime(1970, 1, 2),
        timezones=st.builds(timezone, st.timedeltas(timedelta(hours=-14), timedelta(hours=14))),
    ),
}


def _model_strategy(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        fields[name] = _strategy(info.annotation, tuple(info.metadata))
        if name == "content_hash":
            fields[name] = st.one_of(st.none(), st.from_regex(r"\A[0-9a-f]{64}\Z"))
            if info.is_required():
                fields[name] = st.from_regex(r"\A[0-9a-f]{64}\Z")
    return st.fixed_dictionaries(fields).map(lambda values: model(**values))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NAMES).flatmap(lambda name: _model_strategy(EVENT_MODELS[name])))
def test_any_valid_event_round_trips_through_avro(event: Event) -> None:
    assert avro_round_trip(event) == event
