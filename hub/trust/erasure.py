"""Erasure of a person: their key deleted, every read-model row that names them anonymised.

The log is immutable, so a person is erased from it by deleting their key
(:mod:`hub.trust.keystore`): every sealed field of theirs, in the log, the archive and any
copy, is unreadable from then on, and a rebuild writes tombstones instead of their data.
The read models are anonymised in place, not deleted, so aggregate statistics survive:
every row of every table of the hub database that holds the identity number gets the
tombstone ``[erased:<key-id>]`` instead, the name beside it (``<prefix>_name`` next to
``<prefix>_id_number`` or ``<prefix>_id``) and a person's license face fields become
``[erased]``, and JSON documents (history snapshots, processor state) are scrubbed the
same way. The seals over their licenses lose the signature that covers their fields
(the one over the other fields stays, see :mod:`hub.trust.signing`)::

    report = erase_person(engine, "11010519491231002X", PersonKeys(engine))
    report.rows   # {'cases': 2, 'licenses': 1, 'access_log': 5, ...}

Tables are found by reflecting the database, so a read model added later is covered
without a change here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    and_,
    cast,
    or_,
    select,
    update,
)

from hub.db import database_errors
from hub.errors import InvalidIdentifierError
from hub.identifiers import mask, validate_resident_id
from hub.trust.keystore import PersonKeys
from hub.trust.sealing import ERASED, FACE_FIELDS, erased_id
from hub.trust.tables import license_seals
from projections import stamps
from projections.registry import PROJECTIONS
from projections.stamps import projection_stamps
from projections.tables import licenses

_ID_SUFFIXES = ("_id_number", "_id")
_SEALS, _LICENSES = license_seals.name, licenses.name


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure did: whose key went, and how many rows per table were anonymised."""

    person: str
    key_deleted: bool
    tombstone: str
    rows: dict[str, int] = field(default_factory=dict)


def erase_person(engine: Engine, person: str, keys: PersonKeys) -> ErasureReport:
    """Delete ``person``'s key and anonymise every row that names them."""
    verdict = validate_resident_id(person)
    if not verdict.valid:
        raise InvalidIdentifierError(f"only a person can be erased: {person!r}: {verdict.reason}")
    key_id = keys.forget(person)
    tombstone = erased_id(key_id or secrets.token_hex(8))
    with database_errors("cannot anonymise the read models"), engine.begin() as conn:
        # As every writer of the read models: under their write lock, leaving new stamps,
        # so that no projector writes back a row it kept from before.
        stamps.lock(conn, list(PROJECTIONS))
        tables = _reflected(conn)
        counts = {table.name: _anonymise(conn, table, person, tombstone) for table in tables}
        counts[_SEALS] = counts.get(_SEALS, 0) + _forget_seals(conn, tables, tombstone)
        if projection_stamps.name in {table.name for table in tables}:
            stamps.restamp(conn, list(PROJECTIONS))
    rows = {name: count for name, count in counts.items() if count}
    return ErasureReport(mask(person), key_id is not None, tombstone, rows)


def _forget_seals(conn: Connection, tables: list[Table], tombstone: str) -> int:
    """Blank the seal signatures over the erased person's licenses; returns how many.

    A seal signs the holder's number, name and face fields with the rest, so whoever
    guessed them could confirm the guess against it. Its issuer and key stay, and so does
    the signature over the fields that name no one, which verification checks instead.
    """
    by_name = {table.name: table for table in tables}
    if _SEALS not in by_name or _LICENSES not in by_name:
        return 0
    seals, held = by_name[_SEALS], by_name[_LICENSES]
    theirs = select(held.c.license_id).where(held.c.holder_id_number == tombstone)
    blank = update(seals).where(seals.c.license_id.in_(theirs)).values(signature=ERASED)
    return conn.execute(blank).rowcount


def scrub(value: Any, person: str, tombstone: str) -> Any:
    """``value`` (a row, a JSON document, a string) with ``person`` replaced by ``tombstone``."""
    if isinstance(value, str):
        return value.replace(person, tombstone)
    if isinstance(value, list):
        return [scrub(item, person, tombstone) for item in value]
    if isinstance(value, dict):
        return _scrub_mapping(value, person, tombstone)
    return value


def _scrub_mapping(mapping: dict[str, Any], person: str, tombstone: str) -> dict[str, Any]:
    owners = {_owner(key) for key, value in mapping.items() if value == person and _owner(key)}
    names = {f"{owner}_name" for owner in owners}
    scrubbed: dict[str, Any] = {}
    for key, value in mapping.items():
        if key in names and value is not None:
            scrubbed[key] = ERASED
        elif key == FACE_FIELDS and "holder" in owners and isinstance(value, dict):
            scrubbed[key] = dict.fromkeys(value, ERASED)
        else:
            scrubbed[key] = scrub(value, person, tombstone)
    return scrubbed


def _owner(key: str) -> str | None:
    """``holder`` for ``holder_id_number`` or ``holder_id``; None for other keys."""
    for suffix in _ID_SUFFIXES:
        if key.endswith(suffix):
            return key.removesuffix(suffix)
    return None


def _reflected(conn: Connection) -> list[Table]:
    found = MetaData()
    found.reflect(conn)
    return list(found.sorted_tables)


def _anonymise(conn: Connection, table: Table, person: str, tombstone: str) -> int:
    texts = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
    if not texts:
        return 0
    matching = or_(*(cast(column, Text).contains(person) for column in texts))
    rows = conn.execute(select(table).where(matching)).mappings().all()
    for row in rows:
        old = dict(row)
        new = _scrub_mapping(old, person, tombstone)
        changed = {name: value for name, value in new.items() if value != old[name]}
        conn.execute(update(table).where(_identity(table, old)).values(changed))
    return len(rows)


def _identity(table: Table, row: dict[str, Any]) -> Any:
    """The condition that picks ``row``: its primary key, or else its plain columns."""
    columns = list(table.primary_key.columns) or [
        c for c in table.columns if not isinstance(c.type, JSON)
    ]
    return and_(*(c.is_(None) if row[c.name] is None else c == row[c.name] for c in columns))
