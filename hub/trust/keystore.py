"""Per-person keys for the personal fields of events, and the ciphertext form they take.

A person (a resident identity number) gets one random AES-256-GCM key, kept in the
``person_keys`` table of the hub database. A personal field is encrypted into the same
Avro ``string`` it was, as ``enc:v1:<key-id>:<base64url(nonce ‖ ciphertext)>``, with the
field's name as associated data, so a ciphertext cannot be moved to another field.
Deleting the key ("crypto-shredding") leaves every copy in the log unreadable::

    keys = PersonKeys(engine)
    sealed = keys.encrypt("11010519491231002X", "holder_name", "张三")
    keys.decrypt(sealed, "holder_name")   # '张三'
    keys.forget("11010519491231002X")
    keys.decrypt(sealed, "holder_name")   # None: the person was erased
"""

from __future__ import annotations

import base64
import os
import secrets
import time
from datetime import UTC, datetime
from typing import TypeGuard

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, delete, select

from hub.db import create_engine_for, database_errors, insert_ignore
from hub.errors import SerializationError
from hub.settings import HubSettings
from hub.trust.tables import create_trust_tables, person_keys

PREFIX = "enc:v1:"
#: How long a process encrypts with a key it has looked up; decryption never caches, so an
#: erasure is honoured at once by every reader, and a writer stops within this time.
ENCRYPT_CACHE_SECONDS = 60.0
_NONCE = 12


def is_sealed(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a personal field in its encrypted form."""
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(sealed: str) -> str:
    """The key id a sealed value names."""
    parts = sealed.split(":")
    if len(parts) != 4 or not parts[2]:
        raise SerializationError(f"malformed encrypted field {sealed[:40]!r}")
    return parts[2]


class PersonKeys:
    """The key store: one AES-GCM key per person, deleted when the person is erased."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._recent: dict[str, tuple[float, str, bytes]] = {}
        create_trust_tables(engine)

    @classmethod
    def from_settings(cls, settings: HubSettings) -> PersonKeys:
        """The key store in the hub database; it lives as long as the process."""
        return cls(create_engine_for(settings.effective_database_url))

    def encrypt(self, person: str, field: str, value: str) -> str:
        """``value`` of ``field`` sealed with ``person``'s key (made on first use)."""
        key_id, secret = self._key_of(person)
        nonce = os.urandom(_NONCE)
        ciphertext = AESGCM(secret).encrypt(nonce, value.encode("utf-8"), field.encode("utf-8"))
        return f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(nonce + ciphertext).decode('ascii')}"

    def decrypt(self, sealed: str, field: str) -> str | None:
        """The plain value of ``sealed``, or None when its key was deleted (an erased person)."""
        secret = self.secret(key_id_of(sealed))
        return None if secret is None else self.open(sealed, field, secret)

    @staticmethod
    def open(sealed: str, field: str, secret: bytes) -> str:
        """The plain value of ``sealed`` under the key ``secret``."""
        try:
            blob = base64.urlsafe_b64decode(sealed.rsplit(":", 1)[1])
            plain = AESGCM(secret).decrypt(blob[:_NONCE], blob[_NONCE:], field.encode("utf-8"))
        except (ValueError, InvalidTag) as exc:
            raise SerializationError(f"encrypted {field} does not decrypt: {exc!r}") from exc
        return plain.decode("utf-8")

    def secret(self, key_id: str) -> bytes | None:
        """The key ``key_id``, None if it was deleted."""
        query = select(person_keys.c.secret).where(person_keys.c.key_id == key_id)
        with database_errors("cannot read the person keys"), self._engine.connect() as conn:
            found: bytes | None = conn.execute(query).scalar()
        return found

    def key_id_for(self, person: str) -> str:
        """The id of ``person``'s key, made on first use: random, so it says nothing of them."""
        return self._key_of(person)[0]

    def key_id(self, person: str) -> str | None:
        """The id of ``person``'s key, None if they have none (never had one, or erased)."""
        query = select(person_keys.c.key_id).where(person_keys.c.subject_id_number == person)
        with database_errors("cannot read the person keys"), self._engine.connect() as conn:
            found: str | None = conn.execute(query).scalar()
        return found

    def forget(self, person: str) -> str | None:
        """Delete ``person``'s key; returns its id (None if there was none)."""
        key_id = self.key_id(person)
        self._recent.pop(person, None)
        statement = delete(person_keys).where(person_keys.c.subject_id_number == person)
        with database_errors("cannot delete the person key"), self._engine.begin() as conn:
            conn.execute(statement)
        return key_id

    def _key_of(self, person: str) -> tuple[str, bytes]:
        """``person``'s key, from the last minute's if this process used it then."""
        now = time.monotonic()
        found = self._recent.get(person)
        if found is None or now - found[0] > ENCRYPT_CACHE_SECONDS:
            self._recent[person] = found = (now, *self._stored_key(person))
        return found[1], found[2]

    def _stored_key(self, person: str) -> tuple[str, bytes]:
        row = {
            "subject_id_number": person,
            "key_id": secrets.token_hex(8),
            "secret": AESGCM.generate_key(bit_length=256),
            "created_at": datetime.now(UTC),
        }
        query = select(person_keys.c.key_id, person_keys.c.secret)
        query = query.where(person_keys.c.subject_id_number == person)
        with database_errors("cannot store a person key"), self._engine.begin() as conn:
            # Two publishers may make a key for the same person at once: the first one wins.
            insert_ignore(conn, person_keys, [row], ["subject_id_number"])
            key_id, secret = conn.execute(query).one()
        return str(key_id), bytes(secret)
