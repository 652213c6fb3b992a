"""W3C Bitstring Status List: revocation and suspension of licenses, published as credentials.

Each sealed license gets a stable, randomly chosen index (random, so that neighbouring
indices say nothing about neighbouring licenses). A status list is a bitstring of
:data:`LIST_SIZE` bits, bit ``i`` set when license ``i`` is revoked (or cancelled) for the
``revocation`` list, suspended for the ``suspension`` list; it is gzip-compressed and
multibase base64url-encoded (``u…``) into a ``BitstringStatusListCredential``, signed by
the hub with an ``eddsa-jcs-2022`` Data Integrity proof::

    credential = status_list_credential(conn, "revocation", base_url, keys, now)
    bit_of(credential, status_index(conn, license_id))   # 1 once revoked
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import secrets
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, select

from hub.db import insert_ignore
from hub.errors import ValidationError
from hub.trust.keys import DepartmentKeys
from hub.trust.tables import status_indices
from projections.tables import LicenseStatus, licenses

#: The W3C minimum, 16 KiB: enough for herd privacy among the hub's licenses.
LIST_SIZE = 131_072
HUB_KEY = "onewindow"
# Random draws before giving up: at 90% full, 64 draws all miss one time in a thousand.
_DRAWS = 64
Purpose = Literal["revocation", "suspension"]
_SET_BY: dict[str, frozenset[str]] = {
    "revocation": frozenset({LicenseStatus.REVOKED, LicenseStatus.CANCELLED}),
    "suspension": frozenset({LicenseStatus.SUSPENDED}),
}
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def assign_index(conn: Connection, license_id: str) -> int:
    """The status-list index of ``license_id``, chosen at random once and kept for good."""
    found = status_index(conn, license_id)
    if found is not None:
        return found
    for _ in range(_DRAWS):
        index = secrets.randbelow(LIST_SIZE)
        if not _taken(conn, index):
            row = {"license_id": license_id, "list_index": index}
            insert_ignore(conn, status_indices, [row], ["license_id"])
            return index
    raise ValidationError(f"the status list of {LIST_SIZE} bits is nearly full: add a list")


def _taken(conn: Connection, index: int) -> bool:
    query = select(status_indices.c.license_id).where(status_indices.c.list_index == index)
    return conn.execute(query).first() is not None


def status_index(conn: Connection, license_id: str) -> int | None:
    """The index of ``license_id`` in the status lists, None if it has none."""
    query = select(status_indices.c.list_index).where(status_indices.c.license_id == license_id)
    found: int | None = conn.execute(query).scalar()
    return found


def encoded_list(conn: Connection, purpose: Purpose) -> str:
    """The ``encodedList`` of ``purpose``: gzip, then multibase base64url without padding."""
    bits = bytearray(LIST_SIZE // 8)
    query = (
        select(status_indices.c.list_index)
        .join(licenses, licenses.c.license_id == status_indices.c.license_id)
        .where(licenses.c.status.in_(sorted(_SET_BY[purpose])))
    )
    for index in conn.execute(query).scalars():
        bits[index // 8] |= 0x80 >> (index % 8)  # bit 0 is the leftmost bit of the first byte
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def bit_of(credential: dict[str, Any], index: int) -> int:
    """Bit ``index`` of the list inside ``credential`` (what a verifier checks)."""
    encoded: str = credential["credentialSubject"]["encodedList"]
    payload = encoded.removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return (bits[index // 8] >> (7 - index % 8)) & 1


def status_entry(index: int, purpose: Purpose, base_url: str) -> dict[str, str]:
    """The ``credentialStatus`` entry a license credential carries for ``purpose``."""
    return {
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": f"{base_url}/{purpose}",
    }


def status_list_credential(
    conn: Connection, purpose: Purpose, url: str, keys: DepartmentKeys, now: datetime
) -> dict[str, Any]:
    """The signed ``BitstringStatusListCredential`` of ``purpose``, published at ``url``."""
    issued = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": f"{url}#{HUB_KEY}",
        "validFrom": issued,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list(conn, purpose),
        },
    }
    return {**credential, "proof": _proof(credential, keys, issued)}


def verify_proof(credential: dict[str, Any], keys: DepartmentKeys) -> bool:
    """Whether ``credential``'s proof is the hub's signature over it."""
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    config = {name: value for name, value in credential["proof"].items() if name != "proofValue"}
    signature = _base58_decode(credential["proof"]["proofValue"].removeprefix("z"))
    return keys.verify(HUB_KEY, signature, _hash_data(config, unsigned))


def _proof(credential: dict[str, Any], keys: DepartmentKeys, created: str) -> dict[str, Any]:
    config = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": created,
        "verificationMethod": f"{credential['issuer']}-{keys.key_id(HUB_KEY)}",
        "proofPurpose": "assertionMethod",
        "@context": credential["@context"],
    }
    signature = keys.sign(HUB_KEY, _hash_data(config, credential))
    return {**config, "proofValue": "z" + _base58_encode(signature)}


def _hash_data(config: dict[str, Any], document: dict[str, Any]) -> bytes:
    """eddsa-jcs-2022: SHA-256 of the JCS proof config, then of the JCS document."""
    return _jcs_hash(config) + _jcs_hash(document)


def _jcs_hash(value: dict[str, Any]) -> bytes:
    # JCS equals sorted-key compact JSON for documents of strings and lists, as these are.
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).digest()


def _base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, rest = divmod(number, 58)
        digits = _BASE58[rest] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def _base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _BASE58.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * zeros + body
