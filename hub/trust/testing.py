"""Helpers to check an erasure: where a text still appears, and how many rows there are.

Used by the project's own erasure tests, and usable by anyone auditing a hub database::

    assert traces(engine, "11010519491231002X") == []   # in no row of any table
    assert not [m for m in logged(bootstrap, events) if b"002X" in (m.value or b"")]
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Engine, MetaData, func, select

from hub.consuming import RawMessage, read_topic
from hub.events import Event
from hub.events.base import IdentifierType
from hub.events.licenses import LicenseIssued
from hub.identifiers import generate_license_id
from projections.processors.issuance import issuer_code


def traces(engine: Engine, text: str) -> list[str]:
    """The tables (one entry per row) whose rows hold ``text`` anywhere, JSON included."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as conn:
        return [
            table.name
            for table in tables.sorted_tables
            for row in conn.execute(select(table)).mappings()
            if text in str(dict(row))
        ]


def logged(bootstrap: str, events: Sequence[Event], idle: float = 5.0) -> list[RawMessage]:
    """The messages of ``events`` as the log holds them, found by ``ce_id`` on their topics."""
    found: list[RawMessage] = []
    for topic in sorted({str(event.topic) for event in events}):
        ours = {event.event_id for event in events if event.topic == topic}
        for message in read_topic(bootstrap, topic, idle_timeout=idle):
            if message.header("ce_id") in ours:
                found.append(message)
                ours.discard(message.header("ce_id") or "")
            if not ours:
                break
    if len(found) != len(events):
        raise LookupError(f"{len(events) - len(found)} of {len(events)} events are not on the log")
    return found


def row_counts(engine: Engine, names: Sequence[str]) -> dict[str, int]:
    """How many rows each table of ``names`` holds."""
    tables = MetaData()
    tables.reflect(engine, only=list(names))
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(tables.tables[name])).scalar_one()
            for name in names
        }


def license_of_a_person(kind: str, person: str = "11010519491231002X") -> LicenseIssued:
    """A business license of type ``kind`` (unique per test) issued by MR to ``person``."""
    serial = str(uuid.uuid4().int)[:10]
    return LicenseIssued(
        source="MR",
        license_id=generate_license_id("BUSINESSLICENSE", issuer_code("MR"), serial),
        license_type=kind,
        license_name="营业执照",
        holder_id_type=IdentifierType.RESIDENT_ID,
        holder_id_number=person,
        holder_name="张三",
        issuer="MR",
        valid_from=date(2026, 1, 1),
        version=1,
    )


def first_person(events: Iterable[Event]) -> tuple[str, str, str]:
    """Identity number, name and case id of the first person who applied in ``events``."""
    for event in events:
        record = event.to_record()
        if record.get("applicant_id_type") == IdentifierType.RESIDENT_ID:
            return record["applicant_id_number"], record["applicant_name"], record["case_id"]
    raise LookupError("no person applied in these events")
