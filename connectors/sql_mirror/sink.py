"""The sql-mirror sink: keeps a department's own table of the licenses it needs in sync.

Issue, change and renewal write the license's current version (upsert by license id,
status ``valid``; a change or renewal under a new id marks the predecessor
``superseded``); suspension, revocation, cancellation and expiry set its status. Only
licenses of the configured types are kept. ``write`` buffers, ``flush`` applies the
buffer in one transaction together with the ids of the events it applied, so a batch
delivered again changes nothing. An erasure notice deletes the rows of the licenses it
names (by license id, or by the event that last wrote them). SQLite and PostgreSQL alike
(:mod:`hub.db`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic import Field
from sqlalchemy import Connection, Engine, Table

from connectors.base import Sink, SinkConfig
from connectors.sql_mirror.table import mirror_tables
from hub.db import create_engine_for, database_errors, insert_ignore, upsert
from hub.errors import ConnectorError, DatabaseError, RetriableError
from hub.events import Event
from hub.events.erasure import PersonErased
from hub.events.licenses import LicenseEvent, LicenseExpired, LicenseVersionEvent
from hub.topics import Topic

STATUS_OF = {
    "LicenseSuspended": "suspended",
    "LicenseRevoked": "revoked",
    "LicenseCancelled": "cancelled",
    "LicenseExpired": "expired",
}


class SqlMirrorConfig(SinkConfig):
    """The department database and which license types it mirrors."""

    topics: list[str] = Field(default_factory=lambda: [str(Topic.LICENSES)], min_length=1)
    database_url: str
    table: str = Field(default="licenses", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    license_types: list[str] = Field(default_factory=list, description="Empty: every type.")


class SqlMirrorSink(Sink[SqlMirrorConfig]):
    """Mirrors the current state of licenses into a department's SQLite or PostgreSQL table."""

    config_model: ClassVar[type[SqlMirrorConfig]] = SqlMirrorConfig

    def __init__(self) -> None:
        self._config: SqlMirrorConfig | None = None
        self._engine: Engine | None = None
        self._buffer: list[LicenseEvent] = []

    def start(self, config: SqlMirrorConfig) -> None:
        """Connect and create the table (and its applied-events table) if missing."""
        if self._engine is not None:
            return
        self._config, self._engine = config, create_engine_for(config.database_url)
        self._tables = mirror_tables(config.table)
        with database_errors(f"cannot create table {config.table}"):
            self._tables[0].metadata.create_all(self._engine)

    def write(self, batch: Sequence[Event]) -> None:
        """Buffer the license events of ``batch``; others are not this sink's concern."""
        self._buffer.extend(event for event in batch if isinstance(event, LicenseEvent))

    def flush(self) -> None:
        """Apply the buffer in one transaction; a database failure is retried by the runner."""
        if not self._buffer:
            return
        engine = self._started()
        try:
            with database_errors("sql-mirror flush"), engine.begin() as conn:
                for event in self._buffer:
                    self._apply_once(conn, event)
        except DatabaseError as exc:
            raise RetriableError(str(exc)) from exc
        self._buffer.clear()

    def erase(self, notice: PersonErased) -> None:
        """Delete the mirrored licenses of the erased person; a database failure is retried."""
        licenses, _ = self._tables
        named = licenses.c.license_id.in_(notice.aggregate_ids)
        written = licenses.c.last_event_id.in_(notice.event_ids)
        try:
            with database_errors("sql-mirror erase"), self._started().begin() as conn:
                conn.execute(licenses.delete().where(named | written))
        except DatabaseError as exc:
            raise RetriableError(str(exc)) from exc

    def stop(self) -> None:
        """Drop what was not flushed (it will be delivered again) and close the pool."""
        self._buffer.clear()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _started(self) -> Engine:
        if self._engine is None:
            raise ConnectorError("sql-mirror: used before start()")
        return self._engine

    def _apply_once(self, conn: Connection, event: LicenseEvent) -> None:
        licenses, applied = self._tables
        if insert_ignore(conn, applied, [{"event_id": event.event_id}], ["event_id"]):
            self._apply(conn, licenses, event)

    def _apply(self, conn: Connection, licenses: Table, event: LicenseEvent) -> None:
        if isinstance(event, LicenseVersionEvent):
            if self._wanted(event.license_type):
                upsert(conn, licenses, [_version_row(licenses, event)], ["license_id"])
                _supersede(conn, licenses, event)
        elif event.event_name in STATUS_OF:
            _set_status(conn, licenses, event)

    def _wanted(self, license_type: str) -> bool:
        types = self._config.license_types if self._config else []
        return not types or license_type in types


def _version_row(licenses: Table, event: LicenseVersionEvent) -> dict[str, Any]:
    """The columns named like the event's fields, copied; then the state the version sets."""
    fields = event.model_dump(include=set(licenses.columns.keys()))
    return fields | {
        "holder_id_type": str(event.holder_id_type),
        "status": "valid",
        "status_reason": None,
        "last_event_id": event.event_id,
        "updated_at": event.occurred_at,
    }


def _supersede(conn: Connection, licenses: Table, event: LicenseVersionEvent) -> None:
    if event.predecessor_id and event.predecessor_id != event.license_id:
        _update(conn, licenses, event.predecessor_id, status="superseded", event=event)


def _set_status(conn: Connection, licenses: Table, event: LicenseEvent) -> None:
    changes: dict[str, Any] = {"status_reason": getattr(event, "reason", None)}
    if isinstance(event, LicenseExpired):
        changes["valid_until"] = event.valid_until
    status = STATUS_OF[event.event_name]
    _update(conn, licenses, event.license_id, status=status, event=event, **changes)


def _update(
    conn: Connection, licenses: Table, license_id: str, *, status: str, event: Event, **more: Any
) -> None:
    # Only rows already mirrored: a status change of a license of another type is skipped.
    values = {"status": status, "last_event_id": event.event_id, "updated_at": event.occurred_at}
    conn.execute(
        licenses.update().where(licenses.c.license_id == license_id).values(**values, **more)
    )
