"""CloudEvents Kafka-binding headers built from an event and read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from hub.bench.serde import sample_record
from hub.envelope import build_headers, headers_for, parse_headers
from hub.errors import SerializationError
from hub.events.applications import ApplicationSubmitted


def test_headers_carry_the_event_metadata_as_utf8_bytes() -> None:
    event = ApplicationSubmitted.from_record(sample_record())
    headers = dict(headers_for(event))
    assert headers == {
        "ce_id": event.event_id.encode(),
        "ce_type": b"gov.onewindow.events.ApplicationSubmitted",
        "ce_source": b"window.market-regulation",
        "ce_specversion": b"1.0",
        "ce_time": b"2026-11-21T09:30:00Z",
        "ce_subject": b"CASE-2026-000123",
        "content-type": b"application/avro",
    }


def test_parsing_gives_back_the_attributes() -> None:
    event = ApplicationSubmitted.from_record(sample_record())
    parsed = parse_headers([*headers_for(event), ("traceparent", b"00-abc")])
    assert parsed.id == event.event_id
    assert parsed.event_name == "ApplicationSubmitted"
    assert parsed.time == event.occurred_at
    assert parsed.subject == event.key()


def test_a_time_with_an_offset_is_written_in_utc() -> None:
    when = datetime(2026, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    headers = dict(build_headers("CaseRated", "e-1", "window", when, "C-1"))
    assert headers["ce_time"] == b"2026-03-01T00:00:00Z"
    assert parse_headers(headers.items()).time == datetime(2026, 3, 1, tzinfo=UTC)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(SerializationError, match="no time zone"):
        build_headers("CaseRated", "e-1", "window", datetime(2026, 3, 1), "C-1")


@pytest.mark.parametrize(
    ("drop", "replace", "message"),
    [
        ("ce_id", None, "lacks CloudEvents headers ce_id"),
        ("ce_type", None, "ce_type"),
        (None, ("ce_specversion", b"0.3"), "ce_specversion is '0.3'"),
        (None, ("ce_time", b"yesterday"), "not an RFC 3339 time"),
        (None, ("ce_time", b"2026-03-01T00:00:00"), "no time zone offset"),
        (None, ("ce_source", b"\xff\xfe"), "header ce_source is not UTF-8"),
    ],
)
def test_bad_headers_are_named(
    drop: str | None, replace: tuple[str, bytes] | None, message: str
) -> None:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    headers = dict(build_headers("CaseRated", "e-1", "window", when, "C-1"))
    headers.pop(drop or "", None)
    headers.update([replace] if replace else [])
    with pytest.raises(SerializationError, match=message):
        parse_headers(headers.items())


def test_a_message_without_headers_is_refused() -> None:
    with pytest.raises(SerializationError, match="ce_id, ce_type, ce_source, ce_time"):
        parse_headers(None)
