"""The department's mirror of the licenses it needs: one row per license, its current state.

Beside it, ``<table>_applied`` records the id of every event already applied, written in
the same transaction as the row, so an event delivered twice is applied once.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, Text


def mirror_tables(name: str) -> tuple[Table, Table]:
    """The license table called ``name`` and its applied-events table."""
    metadata = MetaData()
    licenses = Table(
        name,
        metadata,
        Column("license_id", String(255), primary_key=True),
        Column("license_type", String(64), nullable=False, index=True),
        Column("license_name", Text, nullable=False),
        Column("holder_id_type", String(16), nullable=False),
        Column("holder_id_number", String(64), nullable=False, index=True),
        Column("holder_name", Text, nullable=False),
        Column("issuer", Text, nullable=False),
        Column("valid_from", Date, nullable=False),
        Column("valid_until", Date, nullable=True),
        Column("version", Integer, nullable=False),
        Column("predecessor_id", String(255), nullable=True),
        Column("status", String(16), nullable=False),
        Column("status_reason", Text, nullable=True),
        Column("last_event_id", String(64), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    applied = Table(f"{name}_applied", metadata, Column("event_id", String(64), primary_key=True))
    return licenses, applied
