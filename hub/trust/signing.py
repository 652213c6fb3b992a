"""Signed electronic licenses: each stored version sealed by its issuer's Ed25519 key.

The seal is the issuing department's signature over a canonical encoding of the license
version: its face (:data:`SIGNED_FIELDS`) as sorted-key compact JSON, UTF-8, dates in ISO
form. Status (suspended, revoked…) is not sealed, it changes; the status list carries it.

Each version gets a second signature, over its fields that name no person
(:func:`public_canonical`: the face without the holder's number and name, and only the
names of the face fields). Once a person is erased, their number, name and face fields
are tombstones in the store, so the full seal can no longer be checked over them; the
answer then says so (``holder_erased``) and what is still verified: the issuer's
signature over the rest, the status and the validity period. It never calls an erased
holder's license tampered.

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
from hub.trust.sealing import is_erased
from hub.trust.statuslist import assign_index
from hub.trust.tables import create_trust_tables, license_public_seals, license_seals
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


PERSONAL_FACE = ("holder_id_number", "holder_name", "face_fields")


def canonical(license_fields: Mapping[str, Any]) -> bytes:
    """The bytes a seal signs: the signed fields as sorted-key compact JSON."""
    face = {name: _plain(license_fields.get(name)) for name in SIGNED_FIELDS}
    return _encoded(face)


def public_canonical(license_fields: Mapping[str, Any]) -> bytes:
    """The bytes the second signature signs: the fields that name no person."""
    face = {
        name: _plain(license_fields.get(name))
        for name in SIGNED_FIELDS
        if name not in PERSONAL_FACE
    }
    face["face_field_names"] = sorted(license_fields.get("face_fields") or {})
    return _encoded(face)


def _encoded(face: dict[str, Any]) -> bytes:
    return json.dumps(face, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def holder_erased(license_fields: Mapping[str, Any]) -> bool:
    """Whether the license's holder was erased (their number is a tombstone)."""
    return is_erased(license_fields.get("holder_id_number"))


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
            "signature": _text(signature),
        }
        upsert(conn, license_seals, [row], ["license_id"])
        public = self.keys.sign(issuer, public_canonical(license_fields))
        public_row = {"license_id": row["license_id"], "signature": _text(public)}
        upsert(conn, license_public_seals, [public_row], ["license_id"])
        assign_index(conn, str(license_fields["license_id"]))


def verify_license(
    engine: Engine, keys: DepartmentKeys, license_id: str, today: date
) -> Verification:
    """Check the stored license ``license_id``: its seal, its validity period, its status."""
    with database_errors("cannot read the license store"), engine.connect() as conn:
        stored = conn.execute(select(licenses).where(licenses.c.license_id == license_id))
        row = stored.mappings().first()
        seal, public = stored_seals(conn, license_id)
    if row is None:
        return Verification(license_id, False, ("no license with this number in the store",))
    checked = check_seal(keys, dict(row), seal, public)
    reasons = [*checked.problems, *_standing(dict(row), today)]
    return Verification(license_id, not reasons, tuple(reasons))


def stored_seals(conn: Connection, license_id: str) -> tuple[dict[str, Any] | None, str | None]:
    """The seal of ``license_id`` and its signature over the non-personal fields, if any."""
    seal = conn.execute(select(license_seals).where(license_seals.c.license_id == license_id))
    found = seal.mappings().first()
    public = select(license_public_seals.c.signature)
    signature = conn.execute(public.where(license_public_seals.c.license_id == license_id))
    return (dict(found) if found is not None else None), signature.scalar()


@dataclass(frozen=True)
class SealCheck:
    """What the seal vouches for: why not (empty when it holds), and over which fields."""

    issuer: str
    problems: tuple[str, ...] = ()
    holder_erased: bool = False
    checked: bool = True

    @property
    def detail(self) -> str:
        """The first problem, or what was checked."""
        if self.problems:
            return self.problems[0]
        if not self.holder_erased:
            return f"sealed by {self.issuer}"
        if not self.checked:
            return f"{ERASED_HOLDER}; this version was sealed before its other fields were"
        return f"{ERASED_HOLDER}; the seal of {self.issuer} over the other fields holds"


ERASED_HOLDER = (
    "the holder was erased: their number, name and face fields are gone, so the seal "
    "cannot be checked over them"
)


def check_seal(
    keys: DepartmentKeys,
    license_fields: Mapping[str, Any],
    seal: Mapping[str, Any] | None,
    public_signature: str | None = None,
) -> SealCheck:
    """Check ``seal`` over ``license_fields``; over the non-personal ones if the holder is gone."""
    erased, issuer = holder_erased(license_fields), str(license_fields["issuer"])
    problem = _seal_problem(keys, license_fields, seal)
    if problem is not None or seal is None:
        return SealCheck(issuer, (problem or "the license carries no seal",), erased)
    if not erased:
        intact = _verifies(keys, issuer, seal["signature"], canonical(license_fields))
        return SealCheck(issuer, () if intact else (TAMPERED,))
    if public_signature is None:
        return SealCheck(issuer, (), erased, checked=False)
    intact = _verifies(keys, issuer, public_signature, public_canonical(license_fields))
    return SealCheck(issuer, () if intact else (PUBLIC_TAMPERED,), erased)


TAMPERED = "the signature does not match the license as stored"
PUBLIC_TAMPERED = "the signature does not match the license's non-personal fields as stored"


def _seal_problem(
    keys: DepartmentKeys, license_fields: Mapping[str, Any], seal: Mapping[str, Any] | None
) -> str | None:
    if seal is None:
        return "the license carries no seal"
    issuer = str(license_fields["issuer"])
    if not keys.has_key(issuer):
        return f"no key of the issuer {issuer!r} to check the seal with"
    if seal["issuer"] != issuer or seal["key_id"] != keys.key_id(issuer):
        return f"the seal was not made with the key of the issuer {issuer!r}"
    return None


def _verifies(keys: DepartmentKeys, issuer: str, signature: str, signed: bytes) -> bool:
    return keys.verify(issuer, base64.urlsafe_b64decode(signature), signed)


def _text(signature: bytes) -> str:
    return base64.urlsafe_b64encode(signature).decode("ascii")


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
