"""Signed electronic licenses: each stored version sealed by its issuer's Ed25519 key.

The seal is the issuing department's signature over a canonical encoding of the license
version: its face (:data:`SIGNED_FIELDS`) as sorted-key compact JSON, UTF-8, dates in ISO
form. Status (suspended, revoked…) is not sealed, it changes; the status list carries it.

Seals live in their own table (``license_seals``, keyed by license id, which carries the
version) rather than in a ``signature`` field of the license events: the events stay the
departments' own statements with unchanged Avro contracts, the hub's attestation is kept
apart from them, and Ed25519 signatures are deterministic, so sealing again from a replay
writes the very same bytes. :class:`LicenseSealer` is the processor that seals each
version as it reaches the licenses topic::

    sealer = LicenseSealer(engine, DepartmentKeys(data_dir / "keys"))
    sealer.handle([issued], now)
    verify_license(engine, sealer.keys, issued.license_id, today).valid   # True
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from hub.db import database_errors, upsert
from hub.events import Event
from hub.events.licenses import LicenseVersionEvent
from hub.settings import HubSettings
from hub.topics import Topic
from hub.trust.keys import DepartmentKeys
from hub.trust.statuslist import assign_index
from hub.trust.tables import create_trust_tables, license_seals
from projections.tables import LicenseStatus, licenses

SIGNED_FIELDS = (
    "license_id",
    "license_type",
    "license_name",
    "holder_id_type",
    "holder_id_number",
    "holder_name",
    "issuer",
    "valid_from",
    "valid_until",
    "face_fields",
    "version",
    "predecessor_id",
)


def canonical(license_fields: Mapping[str, Any]) -> bytes:
    """The bytes a seal signs: the signed fields as sorted-key compact JSON."""
    face = {name: _plain(license_fields.get(name)) for name in SIGNED_FIELDS}
    return json.dumps(face, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Verification:
    """Whether a stored license is sealed, intact and in force, and if not, why not."""

    license_id: str
    valid: bool
    reasons: tuple[str, ...]


class LicenseSealer:
    """The processor that seals every license version on the licenses topic."""

    name: str = "license-sealer"
    topics: tuple[Topic, ...] = (Topic.LICENSES,)

    def __init__(self, engine: Engine, keys: DepartmentKeys) -> None:
        self.engine = engine
        self.keys = keys
        create_trust_tables(engine)

    @classmethod
    def from_settings(cls, settings: HubSettings, engine: Engine) -> LicenseSealer:
        """The sealer of a hub: department keys under ``<data_dir>/keys``."""
        return cls(engine, DepartmentKeys(settings.data_dir / "keys"))

    def handle(self, batch: Sequence[Event], now: datetime) -> list[Event]:
        """Seal each license version in ``batch``; a redelivered one is sealed identically."""
        versions = [event for event in batch if isinstance(event, LicenseVersionEvent)]
        with database_errors("cannot store license seals"), self.engine.begin() as conn:
            for event in versions:
                self.seal(conn, event.model_dump(mode="python"))
        return []

    def tick(self, now: datetime) -> list[Event]:
        """Time alone seals nothing."""
        return []

    def seal(self, conn: Connection, license_fields: Mapping[str, Any]) -> None:
        """Sign one license version and give it its place in the status lists."""
        issuer = str(license_fields["issuer"])
        signature = self.keys.sign(issuer, canonical(license_fields))
        row = {
            "license_id": license_fields["license_id"],
            "issuer": issuer,
            "key_id": self.keys.key_id(issuer),
            "signature": base64.urlsafe_b64encode(signature).decode("ascii"),
        }
        upsert(conn, license_seals, [row], ["license_id"])
        assign_index(conn, str(license_fields["license_id"]))


def verify_license(
    engine: Engine, keys: DepartmentKeys, license_id: str, today: date
) -> Verification:
    """Check the stored license ``license_id``: its seal, its validity period, its status."""
    with database_errors("cannot read the license store"), engine.connect() as conn:
        stored = conn.execute(select(licenses).where(licenses.c.license_id == license_id))
        row = stored.mappings().first()
        sealed = conn.execute(select(license_seals).where(license_seals.c.license_id == license_id))
        seal = sealed.mappings().first()
    if row is None:
        return Verification(license_id, False, ("no license with this number in the store",))
    stamp = dict(seal) if seal is not None else None
    reasons = [*seal_problems(keys, dict(row), stamp), *_standing(dict(row), today)]
    return Verification(license_id, not reasons, tuple(reasons))


def seal_problems(
    keys: DepartmentKeys, license_fields: Mapping[str, Any], seal: Mapping[str, Any] | None
) -> list[str]:
    """Why ``seal`` does not vouch for ``license_fields`` (empty when it does)."""
    if seal is None:
        return ["the license carries no seal"]
    issuer = str(license_fields["issuer"])
    if not keys.has_key(issuer):
        return [f"no key of the issuer {issuer!r} to check the seal with"]
    if seal["issuer"] != issuer or seal["key_id"] != keys.key_id(issuer):
        return [f"the seal was not made with the key of the issuer {issuer!r}"]
    signature = base64.urlsafe_b64decode(seal["signature"])
    if not keys.verify(issuer, signature, canonical(license_fields)):
        return ["the signature does not match the license as stored"]
    return []


def _standing(row: Mapping[str, Any], today: date) -> list[str]:
    problems = []
    if row["status"] != LicenseStatus.VALID:
        problems.append(f"the license is {row['status']}")
    if row["valid_from"] is not None and today < row["valid_from"]:
        problems.append(f"the license is valid only from {row['valid_from']}")
    if row["valid_until"] is not None and today > row["valid_until"]:
        problems.append(f"the license ran out on {row['valid_until']}")
    return problems


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): str(item) for key, item in value.items()}
    return value
