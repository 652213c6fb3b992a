"""What verifiers outside the hub fetch: status lists, a license's entries, public keys.

Anyone may fetch them: the lists name no one, only bits at random indices; a license's
entries say which bit is its own; a department's public key checks its seals::

    GET /api/v1/status-lists/revocation                  the signed list credential
    GET /api/v1/status-lists/entries/{license_id}        where the license's bits are
    GET /api/v1/keys/{department}                        the PEM that checks its seals
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from hub.api.deps import Conn
from hub.api.errors import NotFound
from hub.trust.keys import DepartmentKeys
from hub.trust.statuslist import (
    Purpose,
    status_entry,
    status_index,
    status_list_credential,
)

router = APIRouter(prefix="/api/v1", tags=["licenses"])


class PublicKey(BaseModel):
    """A department's seal-checking key."""

    department: str
    key_id: str
    algorithm: str
    public_key_pem: str


def _keys(request: Request) -> DepartmentKeys:
    keys: DepartmentKeys = request.app.state.trust.keys
    return keys


Keys = Annotated[DepartmentKeys, Depends(_keys)]


@router.get("/status-lists/{purpose}", summary="A license status list credential")
def status_list(
    purpose: Annotated[Purpose, Path(description="revocation or suspension")],
    request: Request,
    conn: Conn,
    keys: Keys,
) -> dict[str, Any]:
    """The signed ``BitstringStatusListCredential``: bit i set when license i is affected."""
    url = str(request.url_for("status_list", purpose=purpose))
    return status_list_credential(conn, purpose, url, keys, datetime.now(UTC))


@router.get("/status-lists/entries/{license_id}", summary="A license's status list entries")
def status_entries(license_id: str, request: Request, conn: Conn) -> list[dict[str, str]]:
    """The ``credentialStatus`` entries of a sealed license, one per status purpose."""
    index = status_index(conn, license_id)
    if index is None:
        raise NotFound("sealed license", license_id)
    base = str(request.url_for("status_list", purpose="revocation")).rsplit("/", 1)[0]
    return [status_entry(index, purpose, base) for purpose in get_args(Purpose)]


@router.get("/keys/{department}", response_model=PublicKey, summary="A department's public key")
def public_key(department: str, keys: Keys) -> PublicKey:
    """The Ed25519 key that checks ``department``'s seals (``onewindow``: the status lists)."""
    if not keys.has_key(department):
        raise NotFound("key of department", department)
    pem = keys.public_pem(department)
    return PublicKey(
        department=department,
        key_id=keys.key_id(department),
        algorithm="Ed25519",
        public_key_pem=pem,
    )
