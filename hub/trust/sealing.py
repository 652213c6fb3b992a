"""Personal fields encrypted at the publish boundary and decrypted before anything reads them.

Which fields are personal: the identity number and the name of a person, in every event
that names one (``applicant_*`` in applications, ``holder_*`` in licenses, materials,
commitments and supervision, ``subject_*`` in credit records and data accesses), plus the
face fields of a person's license. A credit code and a company's name are public register
data and stay plain. A field is personal only when its ``<prefix>_id_type`` is
``RESIDENT_ID``.

The Avro contracts do not change: a sealed field is the same ``string`` holding
``enc:v1:<key-id>:<ciphertext>`` (see :mod:`hub.trust.keystore`). :class:`SealingSerializer`
and :class:`OpeningDeserializer` are drop-in replacements of the serde's classes; with
``ONEWINDOW_ENCRYPT_PERSONAL_DATA=true`` the hub's publishers, worker, connectors and
rebuilds use them (:func:`serializer_for`, :func:`deserializer_for`). Once a person's key
is deleted, opening yields tombstones: ``[erased:<key-id>]`` for the identity number
(distinct per person, so rows keyed by it stay apart) and ``[erased]`` for names and
face fields.

The Kafka message key and the CloudEvents ``ce_subject`` of an event keyed by a person
(materials, credit, access: ``key_field`` is a person's ``*_id_number``) are a pseudonym,
``psn:<key-id>`` (:meth:`SealingSerializer.key_of`): one per person, so their events keep
their partition, order and compaction, and random, so once the key is deleted nothing
maps it back to them. Keys that are not a person (case and license ids, a company's
credit code) stay as they are. Consumers never need the number from the key: every
event carries it, sealed, in its value.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard

from hub.registry.base import SchemaRegistry
from hub.serde import Decoded, Deserializer, SerializableEvent, Serializer
from hub.settings import HubSettings
from hub.trust.keystore import PersonKeys, is_sealed, key_id_of
from schemas import SCHEMA_DIR

PREFIXES = ("applicant", "holder", "subject")
RESIDENT = "RESIDENT_ID"
PSEUDONYM = "psn:"
ERASED = "[erased]"
FACE_FIELDS = "face_fields"
ERASED_ID_PREFIX = "[erased:"
Record = dict[str, Any]


def erased_id(key_id: str) -> str:
    """The tombstone that replaces an erased person's identity number."""
    return f"{ERASED_ID_PREFIX}{key_id}]"


def is_erased(value: object) -> TypeGuard[str]:
    """Whether ``value`` is the tombstone of an erased person's identity number."""
    return isinstance(value, str) and value.startswith(ERASED_ID_PREFIX) and value.endswith("]")


def tombstone_key_id(tombstone: str) -> str:
    """The key id inside the tombstone ``[erased:<key-id>]``."""
    return tombstone.removeprefix(ERASED_ID_PREFIX).removesuffix("]")


def pseudonym(key_id: str) -> str:
    """The message key that stands for the person whose key is ``key_id``."""
    return f"{PSEUDONYM}{key_id}"


def personal_prefixes(record: Record) -> list[str]:
    """The prefixes of ``record`` whose subject is a person."""
    return [p for p in PREFIXES if record.get(f"{p}_id_type") == RESIDENT]


def seal_record(record: Record, keys: PersonKeys) -> Record:
    """``record`` with every personal field encrypted with its person's key."""
    sealed = dict(record)
    for prefix in personal_prefixes(record):
        person = record[f"{prefix}_id_number"]
        if not isinstance(person, str) or is_sealed(person):
            continue
        _each_personal(sealed, prefix, functools.partial(keys.encrypt, person))
    return sealed


def open_record(record: Record, keys: PersonKeys) -> Record:
    """``record`` with every sealed field decrypted, or a tombstone where the key is gone."""
    opened = dict(record)
    for prefix in personal_prefixes(record):
        number = record.get(f"{prefix}_id_number")
        if not is_sealed(number):
            continue
        key_id = key_id_of(number)
        reveal = functools.partial(_reveal, keys, key_id, keys.secret(key_id))
        _each_personal(opened, prefix, reveal, sealed_only=True)
    return opened


def _reveal(keys: PersonKeys, key_id: str, secret: bytes | None, field: str, value: str) -> str:
    """The plain ``value``; a tombstone once the person was erased (no ``secret`` left)."""
    if secret is None:
        return erased_id(key_id) if field.endswith("_id_number") else ERASED
    if key_id_of(value) == key_id:
        return keys.open(value, field, secret)
    return keys.decrypt(value, field) or ERASED


def _each_personal(
    record: Record, prefix: str, change: Callable[[str, str], str], sealed_only: bool = False
) -> None:
    """Replace, in place, each personal field of ``prefix`` by ``change(field, value)``."""
    for field in (f"{prefix}_id_number", f"{prefix}_name"):
        value = record.get(field)
        if isinstance(value, str) and (is_sealed(value) or not sealed_only):
            record[field] = change(field, value)
    face = record.get(FACE_FIELDS)
    if prefix == "holder" and isinstance(face, dict):
        record[FACE_FIELDS] = {
            name: change(f"{FACE_FIELDS}.{name}", value)
            if is_sealed(value) or not sealed_only
            else value
            for name, value in face.items()
        }


def serializer_for(settings: HubSettings, registry: SchemaRegistry) -> Serializer:
    """The serializer a hub process publishes with: sealing when the settings say so."""
    if not settings.encrypt_personal_data:
        return Serializer(registry)
    return SealingSerializer(registry, PersonKeys.from_settings(settings))


def deserializer_for(settings: HubSettings, registry: SchemaRegistry) -> Deserializer:
    """The deserializer a hub process reads with: opening sealed fields when so set."""
    if not settings.encrypt_personal_data:
        return Deserializer(registry)
    return OpeningDeserializer(registry, PersonKeys.from_settings(settings))


class SealingSerializer(Serializer):
    """A :class:`~hub.serde.Serializer` that encrypts personal fields before encoding."""

    def __init__(
        self, registry: SchemaRegistry, keys: PersonKeys, schema_dir: Path = SCHEMA_DIR
    ) -> None:
        super().__init__(registry, schema_dir)
        self.keys = keys

    def encode_event(self, event: SerializableEvent) -> bytes:
        """The framed value of ``event``, its personal fields sealed."""
        record = seal_record(event.to_record(), self.keys)
        return self.encode(event.event_name, record, validate=False)

    def key_of(self, event: SerializableEvent) -> str:
        """The event's key; a pseudonym, ``psn:<key-id>``, when the key is a person."""
        key = event.key()
        field = str(getattr(event, "key_field", ""))
        prefix = field.removesuffix("_id_number")
        if prefix == field or getattr(event, f"{prefix}_id_type", None) != RESIDENT:
            return key
        return pseudonym(key_id_of(key) if is_sealed(key) else self.keys.key_id_for(key))


class OpeningDeserializer(Deserializer):
    """A :class:`~hub.serde.Deserializer` that decrypts personal fields after decoding."""

    def __init__(
        self, registry: SchemaRegistry, keys: PersonKeys, schema_dir: Path = SCHEMA_DIR
    ) -> None:
        super().__init__(registry, schema_dir)
        self.keys = keys

    def decode(self, data: bytes) -> Decoded:
        """The decoded value, its sealed fields opened (or tombstoned, once erased)."""
        decoded = super().decode(data)
        return dataclasses.replace(decoded, record=open_record(decoded.record, self.keys))
