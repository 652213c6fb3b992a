"""``/api/v1/status-lists/{purpose}``: the W3C Bitstring Status List credentials of licenses.

Anyone may fetch them: they name no one, only bits at random indices. A verifier reads
the index a license's credential names and checks that bit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from hub.api.deps import Conn
from hub.trust.keys import DepartmentKeys
from hub.trust.statuslist import Purpose, status_list_credential

router = APIRouter(prefix="/api/v1/status-lists", tags=["licenses"])


def _keys(request: Request) -> DepartmentKeys:
    keys: DepartmentKeys = request.app.state.trust.keys
    return keys


@router.get("/{purpose}", summary="A license status list credential")
def status_list(
    purpose: Annotated[Purpose, Path(description="revocation or suspension")],
    request: Request,
    conn: Conn,
    keys: Annotated[DepartmentKeys, Depends(_keys)],
) -> dict[str, Any]:
    """The signed ``BitstringStatusListCredential``: bit i set when license i is affected."""
    url = str(request.url_for("status_list", purpose=purpose))
    return status_list_credential(conn, purpose, url, keys, datetime.now(UTC))
