"""Deploy v1, then v2, then v3 of ApplicationSubmitted against the same stored bytes.

Stored bytes are decoded with the schema that wrote them, then upcast one step at a time,
as the eventsourcing library does; the Avro defaults alone would misreport old records.
"""

from __future__ import annotations

import copy
import io
from typing import Any

import fastavro
import pytest
from fastavro.validation import validate
from hypothesis import given
from hypothesis import strategies as st
from test_events_examples import HASH, PERSON, WHEN

from hub.errors import SchemaError, UnknownSchemaError
from hub.events import load_schema, model_for, upcast
from hub.events.applications import ApplicationSubmitted, Channel
from hub.events.base import IdentifierType
from hub.events.upcasting import missing_steps, upcaster, upcaster_for

NAME = "ApplicationSubmitted"


def v1_record(window: str, kind: str = "PERSON", **changes: Any) -> dict[str, Any]:
    """What the window wrote while v1 was deployed."""
    record = {
        "event_id": "6f1c2f0e-58a4-4d62-9d55-0d9d8bb4c1a7",
        "occurred_at": WHEN,
        "source": "haining.window",
        "case_id": "C-330481-20240105-0007",
        "applicant_id": PERSON["id_number"],
        "applicant_kind": kind,
        "applicant_name": PERSON["name"],
        "item_codes": ["FD-XK-001"],
        "bundle_code": None,
        "form_fields": {"address": "18 Wenhua Road"},
        "materials": [
            {"code": "ID_CARD_COPY", "name": "ID card", "content_hash": HASH, "trust_grade": "A"}
            | {"issuer": None}
        ],
        "commitments": [],
        "window": window,
        "project_code": None,
        "stage": None,
    }
    return record | changes


def store(record: dict[str, Any], version: int) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(load_schema(NAME, version)), record)
    return buffer.getvalue()


def read(stored: bytes, writer_version: int) -> ApplicationSubmitted:
    """What the currently deployed code does: decode with the writer schema, then upcast."""
    writer = fastavro.parse_schema(load_schema(NAME, writer_version))
    record = fastavro.schemaless_reader(io.BytesIO(stored), writer)
    assert isinstance(record, dict)
    return ApplicationSubmitted.from_record(upcast(NAME, writer_version, record))


@pytest.mark.parametrize(
    ("window", "channel", "kept_window"),
    [
        ("WEB", Channel.ONLINE, None),
        ("APP", Channel.MOBILE, None),
        ("KIOSK-07", Channel.SELF_SERVICE, "KIOSK-07"),
        ("HN-SC-W03", Channel.COUNTER, "HN-SC-W03"),
    ],
)
def test_v1_bytes_read_after_deploying_v3(window: str, channel: Channel, kept_window: str) -> None:
    event = read(store(v1_record(window), 1), writer_version=1)
    assert (event.channel, event.window) == (channel, kept_window)
    assert event.applicant_id_type is IdentifierType.RESIDENT_ID
    assert event.applicant_id_number == PERSON["id_number"]
    assert event.case_id == "C-330481-20240105-0007"
    assert event.occurred_at == WHEN
    assert event.materials[0].content_hash == HASH


def test_v2_bytes_read_after_deploying_v3() -> None:
    v2 = v1_record("HN-SC-W03", kind="ENTERPRISE", applicant_id="91350200776049653A")
    event = read(store(v2 | {"channel": "ONLINE", "window": None}, 2), writer_version=2)
    assert (event.channel, event.window) == (Channel.ONLINE, None)
    assert event.applicant_id_type is IdentifierType.USCC
    assert event.applicant_id_number == "91350200776049653A"


def test_each_step_yields_a_record_of_the_next_version() -> None:
    """Deploying v2 reads v1 data as v2; deploying v3 reads that as v3."""
    v1 = v1_record("WEB")
    v2 = upcaster_for(NAME, 1)(v1)
    assert validate(v2, load_schema(NAME, 2), strict=True)
    v3 = upcaster_for(NAME, 2)(v2)
    assert validate(v3, load_schema(NAME, 3), strict=True)
    assert upcast(NAME, 1, v1) == v3


def test_avro_defaults_alone_read_old_bytes_but_get_them_wrong() -> None:
    """v3 is BACKWARD_TRANSITIVE-compatible, which is why the upcaster is still needed."""
    v1 = store(v1_record("WEB"), 1)
    v2 = store(v1_record("HN-SC-W03") | {"channel": "MOBILE", "window": None}, 2)
    resolved = [resolve_with_v3_reader(v1, 1), resolve_with_v3_reader(v2, 2)]
    assert [r["applicant_id_number"] for r in resolved] == [PERSON["id_number"]] * 2
    assert [r["applicant_id_type"] for r in resolved] == ["USCC", "USCC"]
    assert [r["channel"] for r in resolved] == ["COUNTER", "MOBILE"]
    assert [read(v1, 1).channel, read(v2, 2).channel] == [Channel.ONLINE, Channel.MOBILE]
    assert {read(v1, 1).applicant_id_type, read(v2, 2).applicant_id_type} == {
        IdentifierType.RESIDENT_ID
    }


def resolve_with_v3_reader(stored: bytes, writer_version: int) -> dict[str, Any]:
    writer = fastavro.parse_schema(load_schema(NAME, writer_version))
    reader = fastavro.parse_schema(load_schema(NAME, 3))
    resolved = fastavro.schemaless_reader(io.BytesIO(stored), writer, reader)
    assert isinstance(resolved, dict)
    return resolved


def test_a_current_record_is_returned_as_is() -> None:
    record = model_for(NAME)(source="s", **_current_fields()).to_record()
    assert upcast(NAME, 3, record) is record
    assert upcast("CaseRated", 1, record) is record


def _current_fields() -> dict[str, Any]:
    return {
        "case_id": "C-1",
        "applicant_id_type": "USCC",
        "applicant_id_number": "91350200776049653A",
        "applicant_name": "Xiamen Haiyue Foods Co.",
        "item_codes": ("FD-XK-001",),
        "channel": "COUNTER",
    }


def test_upcasting_leaves_the_stored_record_untouched() -> None:
    record = v1_record("APP")
    before = copy.deepcopy(record)
    upcast(NAME, 1, record)
    assert record == before


def test_every_old_version_has_a_step() -> None:
    assert missing_steps() == []


def test_unknown_event_or_version_is_refused() -> None:
    with pytest.raises(UnknownSchemaError, match="'CaseReopened'"):
        upcast("CaseReopened", 1, {})
    for version in (0, 4):
        with pytest.raises(UnknownSchemaError, match=f"no version {version}; versions run 1..3"):
            upcast(NAME, version, v1_record("WEB"))


def test_a_second_step_for_the_same_version_is_refused() -> None:
    with pytest.raises(SchemaError, match="already has an upcaster from v1"):
        upcaster(NAME, 1)(dict)


@given(
    window=st.sampled_from(["WEB", "APP"])
    | st.from_regex(r"\AKIOSK-[0-9]{1,3}\Z")
    | st.text(min_size=1),
    kind=st.sampled_from(["ENTERPRISE", "PERSON"]),
)
def test_any_v1_window_reads_as_a_valid_current_event(window: str, kind: str) -> None:
    event = read(store(v1_record(window, kind), 1), writer_version=1)
    online = window in ("WEB", "APP")
    assert (event.window is None) == online
    assert (event.channel is Channel.COUNTER) == (not online and not window.startswith("KIOSK-"))
    expected = IdentifierType.USCC if kind == "ENTERPRISE" else IdentifierType.RESIDENT_ID
    assert event.applicant_id_type is expected
