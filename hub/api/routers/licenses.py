"""``/api/v1/licenses``: the electronic license store, by id, by holder, history, verification."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from hub.api.context import ApiContext
from hub.api.deps import Disclose, IdType, Paging, Read, context
from hub.api.errors import NotFound
from hub.errors import InvalidIdentifierError
from hub.identifiers import validate_license_id
from hub.queries import find_license, history, licenses_of, verify
from hub.queries.holders import holder_id
from hub.queries.models import LicenseHistoryEntry, LicenseView, Page, Verification

router = APIRouter(prefix="/api/v1/licenses", tags=["licenses"])
LicenseId = Annotated[str, Path(description="A license id, e.g. BUSINESSLICENSE.….001.V")]


def _well_formed(license_id: str) -> str:
    verdict = validate_license_id(license_id)
    if not verdict.valid:
        raise InvalidIdentifierError(f"license id {license_id!r}: {verdict.reason}")
    return license_id


@router.get("", response_model=Page[LicenseView], summary="A holder's licenses")
async def licenses(
    read: Read,
    disclosure: Disclose,
    paging: Paging,
    holder: Annotated[str, Query(description="Credit code or identity number of the holder")],
    id_type: IdType = None,
) -> Any:
    """Every license version the holder has, in license-id order."""
    return disclosure.release(await read(licenses_of, holder_id(holder, id_type), paging))


@router.get("/{license_id}", response_model=LicenseView, summary="One license")
async def license_by_id(license_id: LicenseId, read: Read, disclosure: Disclose) -> Any:
    """The license as it stands now: holder, validity, status and what superseded it."""
    found = await read(find_license, _well_formed(license_id))
    if found is None:
        raise NotFound("license", license_id)
    return disclosure.release(found)


@router.get(
    "/{license_id}/history", response_model=list[LicenseHistoryEntry], summary="License history"
)
async def license_history(license_id: LicenseId, read: Read, disclosure: Disclose) -> Any:
    """Every event of the license, oldest first, with the license as it stood after it."""
    entries = await read(history, _well_formed(license_id))
    if not entries:
        raise NotFound("license", license_id)
    return disclosure.release(entries)


@router.get("/{license_id}/verification", response_model=Verification, summary="Verify a license")
async def verification(
    license_id: LicenseId,
    read: Read,
    disclosure: Disclose,
    ctx: Annotated[ApiContext, Depends(context)],
) -> Any:
    """Whether the number is well formed, in the store and valid today; never a 404.

    ``signature`` reports the seal check, which is not performed until licenses are signed.
    """
    hooks = ctx.hooks
    checked = await read(verify, license_id, hooks.today(), hooks.check_signature)
    return disclosure.release(checked)
