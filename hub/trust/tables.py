"""The trust tables: credentials, seals, status lists, person keys, sink deliveries, receipts.

They live in the hub database beside the read models but are not read models: none of
them can be rebuilt from the log (a token's hash, a person's key), so they have their own
:data:`trust_metadata` and ``projections rebuild`` never drops them.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

from hub.db import create_tables, database_errors

trust_metadata = MetaData()

department_tokens = Table(
    "department_tokens",
    trust_metadata,
    Column("token_id", String, primary_key=True),
    Column("department", String, nullable=False, index=True),
    Column("token_hash", String, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("replaced_by", String),
)

license_seals = Table(
    "license_seals",
    trust_metadata,
    Column("license_id", String, primary_key=True),
    Column("issuer", String, nullable=False),
    Column("key_id", String, nullable=False),
    Column("signature", String, nullable=False),
)

# The issuer's signature over a version's fields that name no person (see hub.trust.signing),
# the one part of the seal that can still be checked once the holder was erased.
license_public_seals = Table(
    "license_public_seals",
    trust_metadata,
    Column("license_id", String, primary_key=True),
    Column("signature", String, nullable=False),
)

status_indices = Table(
    "status_indices",
    trust_metadata,
    Column("license_id", String, primary_key=True),
    Column("list_index", Integer, nullable=False, unique=True),
)

person_keys = Table(
    "person_keys",
    trust_metadata,
    Column("subject_id_number", String, primary_key=True),
    Column("key_id", String, nullable=False, unique=True),
    Column("secret", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# What each sink connector delivered of whom (hub.trust.deliveries): erasure anonymises the
# subject like every other row, then tells each connector which of its deliveries to erase.
sink_deliveries = Table(
    "sink_deliveries",
    trust_metadata,
    Column("connector", String, primary_key=True),
    Column("event_id", String, primary_key=True),
    Column("subject_id_number", String, primary_key=True),
    Column("department", String),
    Column("aggregate_id", String),
    Column("delivered_at", DateTime(timezone=True), nullable=False),
    Column("notified_at", DateTime(timezone=True)),
)

ingress_receipts = Table(
    "ingress_receipts",
    trust_metadata,
    Column("event_id", String, primary_key=True),
    Column("department", String, nullable=False),
    Column("event_type", String, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


def create_trust_tables(engine: Engine) -> None:
    """Create the trust tables that ``engine``'s database does not have yet."""
    with database_errors("cannot create the trust tables"):
        create_tables(engine, trust_metadata)
