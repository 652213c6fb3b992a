"""What each sink connector delivered of whom, and the erasure notices that follows from it.

When :class:`~hub.trust.sinks.AgreedSink` hands its sink an event naming a person, the
ledger keeps one row: the connector (its consumer group), the event id, the person, the
department, and the event's case or license id. Erasing the person anonymises these rows
like every other (:mod:`hub.trust.erasure`: their number becomes the tombstone); the
ledger then yields one :class:`~hub.events.erasure.PersonErased` per connector that
delivered anything of theirs, listing what it delivered. A department finds its copies by
those event, case and license ids, which it received; the notice names no one::

    ledger = DeliveryLedger(engine)
    ledger.record("connector-bank-mirror", "BANK", events)
    erase_person(engine, person, keys)
    notices = ledger.notices()   # every erased person's not yet sent; publish them, then:
    ledger.notified(notices)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update

from hub.db import database_errors, insert_ignore
from hub.events import Event
from hub.events.erasure import PersonErased
from hub.trust.sealing import (
    ERASED_ID_PREFIX,
    is_erased,
    personal_prefixes,
    pseudonym,
    tombstone_key_id,
)
from hub.trust.tables import create_trust_tables, sink_deliveries

SOURCE = "onewindow-erasure"
_column = sink_deliveries.c


class DeliveryLedger:
    """The ``sink_deliveries`` table of the hub database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        create_trust_tables(engine)

    def record(self, connector: str, department: str | None, events: Sequence[Event]) -> None:
        """Note that ``connector`` delivered ``events`` (plain, as the sink got them)."""
        now = datetime.now(UTC)
        rows = [
            row | {"connector": connector, "department": department, "delivered_at": now}
            for event in events
            for row in _persons(event)
        ]
        if rows:
            with database_errors("cannot record sink deliveries"), self._engine.begin() as conn:
                insert_ignore(
                    conn, sink_deliveries, rows, ["connector", "event_id", "subject_id_number"]
                )

    def notices(self) -> list[PersonErased]:
        """A notice per erased person and connector that delivered their data, not yet sent."""
        query = select(sink_deliveries).where(
            _column.subject_id_number.startswith(ERASED_ID_PREFIX), _column.notified_at.is_(None)
        )
        with database_errors("cannot read sink deliveries"), self._engine.connect() as conn:
            rows = conn.execute(query.order_by(_column.delivered_at)).mappings().all()
        grouped: dict[tuple[str, str], list[Any]] = {}
        for row in rows:
            grouped.setdefault((row["subject_id_number"], row["connector"]), []).append(row)
        return [_notice(tombstone, found) for (tombstone, _), found in grouped.items()]

    def notified(self, notices: Sequence[PersonErased]) -> None:
        """Mark the deliveries of ``notices`` as told, once the broker confirmed them."""
        now = datetime.now(UTC)
        with database_errors("cannot update sink deliveries"), self._engine.begin() as conn:
            for notice in notices:
                told = (_column.connector == notice.connector) & (
                    _column.subject_id_number == notice.tombstone
                )
                conn.execute(update(sink_deliveries).where(told).values(notified_at=now))


def _persons(event: Event) -> list[dict[str, Any]]:
    """A ledger row (without connector) per person ``event`` names."""
    record, key = event.to_record(), event.key()
    numbers = {record[f"{prefix}_id_number"] for prefix in personal_prefixes(record)}
    return [
        {
            "event_id": event.event_id,
            "subject_id_number": number,
            "aggregate_id": None if key in numbers else key,
        }
        for number in numbers
        if isinstance(number, str) and not is_erased(number)
    ]


def _notice(tombstone: str, rows: list[Any]) -> PersonErased:
    first = rows[0]
    return PersonErased(
        source=SOURCE,
        pseudonym=pseudonym(tombstone_key_id(tombstone)),
        tombstone=tombstone,
        connector=first["connector"],
        department=first["department"],
        event_ids=tuple(dict.fromkeys(row["event_id"] for row in rows)),
        aggregate_ids=tuple(a for a in dict.fromkeys(row["aggregate_id"] for row in rows) if a),
    )
