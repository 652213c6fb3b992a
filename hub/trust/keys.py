"""Ed25519 keys per department, made on first use and kept under the data directory.

Each department's private key is one PKCS#8 PEM file, ``<data_dir>/keys/<code>.pem``,
readable by the hub's user only. The key id is the start of the SHA-256 of the raw
public key, so a verifier can tell which key a seal claims. Private keys are never
logged or shown: :class:`DepartmentKeys` hands out signatures and public keys only.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from hub.errors import SettingsError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class DepartmentKeys:
    """The signing keys of every department, one PEM file each under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._loaded: dict[str, Ed25519PrivateKey] = {}

    def sign(self, department: str, payload: bytes) -> bytes:
        """``department``'s Ed25519 signature of ``payload`` (its key made if missing)."""
        return self._private(department).sign(payload)

    def verify(self, department: str, signature: bytes, payload: bytes) -> bool:
        """Whether ``signature`` is ``department``'s over ``payload``."""
        try:
            self.public_key(department).verify(signature, payload)
        except InvalidSignature:
            return False
        return True

    def has_key(self, department: str) -> bool:
        """Whether ``department`` has a key already (verifying must not make one)."""
        if department in self._loaded:
            return True
        return bool(_NAME.match(department)) and (self._directory / f"{department}.pem").is_file()

    def key_id(self, department: str) -> str:
        """A short fingerprint of ``department``'s public key."""
        raw = self.public_key(department).public_bytes(Encoding.Raw, PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]

    def public_key(self, department: str) -> Ed25519PublicKey:
        """``department``'s public key."""
        return self._private(department).public_key()

    def public_pem(self, department: str) -> str:
        """``department``'s public key as PEM, to hand to verifiers elsewhere."""
        pem = self.public_key(department).public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        )
        return pem.decode("ascii")

    def _private(self, department: str) -> Ed25519PrivateKey:
        if department not in self._loaded:
            self._loaded[department] = self._load_or_make(department)
        return self._loaded[department]

    def _load_or_make(self, department: str) -> Ed25519PrivateKey:
        if not _NAME.match(department):
            raise SettingsError(f"cannot keep a key for {department!r}: not a department code")
        path = self._directory / f"{department}.pem"
        try:
            try:
                return _make(path)
            except FileExistsError:
                return _read(path)
        except (OSError, ValueError) as exc:
            raise SettingsError(f"cannot use the signing key {path}: {exc}") from exc


def _read(path: Path) -> Ed25519PrivateKey:
    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def _make(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: of two processes making the same key at once, the second reads the first's.
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as file:
        file.write(pem)
    return key
