"""Department identities: bearer tokens for the HTTP API and ingress, and Kafka principals.

A token is 32 random bytes from :mod:`secrets`, shown once when it is made and stored only
as its SHA-256 (a high-entropy secret needs no slow hash: nobody can guess it to begin
with). Rotation makes a new token and lets the old one live on for a grace period, so a
department can roll its systems over without an outage::

    identities = Identities(engine)
    issued = identities.create("MR")
    identities.authenticate(issued.secret)   # 'MR'
    identities.rotate(issued.record.token_id, grace=timedelta(hours=1))
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, RowMapping, Select, insert, select, update

from hub.catalogue import load_catalogue
from hub.clock import Clock, SystemClock
from hub.db import database_errors
from hub.errors import AuthenticationError, ValidationError
from hub.trust.tables import create_trust_tables, department_tokens

TOKEN_PREFIX = "owt_"
DEFAULT_LIFETIME = timedelta(days=365)
DEFAULT_GRACE = timedelta(days=1)


def principal_of(department: str) -> str:
    """The Kafka principal of ``department``, as ``deploy/principals.toml`` names it."""
    return f"dept-{department.lower()}"


def known_department(department: str) -> str:
    """``department`` if the item catalogue lists it, else a ValidationError naming them."""
    codes = sorted(load_catalogue().departments)
    if department not in codes:
        raise ValidationError(f"unknown department {department!r}; known: {', '.join(codes)}")
    return department


def token_hash(secret: str) -> str:
    """The stored form of a token: its SHA-256 in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    """What the hub keeps of a token: never the secret itself."""

    token_id: str
    department: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    replaced_by: str | None

    def usable(self, now: datetime) -> bool:
        """Whether the token authenticates at ``now``."""
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True)
class IssuedToken:
    """A new token: its record and the secret, which is shown this once."""

    record: TokenRecord
    secret: str


class Identities:
    """The department tokens in the hub database."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()
        create_trust_tables(engine)

    def create(self, department: str, lifetime: timedelta = DEFAULT_LIFETIME) -> IssuedToken:
        """A new token for ``department``, valid for ``lifetime``."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._clock.now()
        record = TokenRecord(
            secrets.token_hex(8), known_department(department), now, now + lifetime, None, None
        )
        row = {**record.__dict__, "token_hash": token_hash(secret)}
        with database_errors("cannot store the token"), self._engine.begin() as conn:
            conn.execute(insert(department_tokens).values(row))
        return IssuedToken(record, secret)

    def rotate(self, token_id: str, grace: timedelta = DEFAULT_GRACE) -> IssuedToken:
        """A new token for the same department; the old one stops working after ``grace``."""
        old = self._usable(token_id)
        issued = self.create(old.department, old.expires_at - old.created_at)
        ends = min(old.expires_at, self._clock.now() + grace)
        self._update(token_id, expires_at=ends, replaced_by=issued.record.token_id)
        return issued

    def revoke(self, token_id: str) -> TokenRecord:
        """Stop ``token_id`` from authenticating, at once."""
        self._usable(token_id)
        self._update(token_id, revoked_at=self._clock.now())
        return self.get(token_id)

    def get(self, token_id: str) -> TokenRecord:
        """The record of ``token_id``."""
        query = select(department_tokens).where(department_tokens.c.token_id == token_id)
        row = self._first(query)
        if row is None:
            raise ValidationError(f"no token with id {token_id!r}")
        return _record(row)

    def tokens(self, department: str | None = None) -> list[TokenRecord]:
        """Every token, or those of ``department``, oldest first."""
        query = select(department_tokens).order_by(department_tokens.c.created_at)
        if department is not None:
            query = query.where(department_tokens.c.department == department)
        with database_errors("cannot read the tokens"), self._engine.connect() as conn:
            return [_record(row) for row in conn.execute(query).mappings()]

    def authenticate(self, secret: str) -> str:
        """The department that ``secret`` belongs to, or an AuthenticationError saying why not."""
        column = department_tokens.c
        row = self._first(select(department_tokens).where(column.token_hash == token_hash(secret)))
        if row is None:
            raise AuthenticationError("unknown bearer token")
        record = _record(row)
        if record.revoked_at is not None:
            raise AuthenticationError(f"token {record.token_id} was revoked")
        if not record.usable(self._clock.now()):
            raise AuthenticationError(f"token {record.token_id} expired at {record.expires_at}")
        return record.department

    def _usable(self, token_id: str) -> TokenRecord:
        record = self.get(token_id)
        if not record.usable(self._clock.now()):
            raise ValidationError(f"token {token_id!r} is already revoked or expired")
        return record

    def _update(self, token_id: str, **values: object) -> None:
        statement = update(department_tokens).where(department_tokens.c.token_id == token_id)
        with database_errors("cannot update the token"), self._engine.begin() as conn:
            conn.execute(statement.values(**values))

    def _first(self, query: Select[Any]) -> RowMapping | None:
        with database_errors("cannot read the tokens"), self._engine.connect() as conn:
            return conn.execute(query).mappings().first()


def _record(row: RowMapping) -> TokenRecord:
    return TokenRecord(
        token_id=row["token_id"],
        department=row["department"],
        created_at=_aware(row["created_at"]),
        expires_at=_aware(row["expires_at"]),
        revoked_at=_aware(row["revoked_at"]) if row["revoked_at"] else None,
        replaced_by=row["replaced_by"],
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
