"""The electronic license store: one license, a holder's licenses, history, verification.

Verification tells anyone holding a license number whether it is well formed, known,
and valid today. The seal check is a hook (:data:`SignatureChecker`) until licenses are
signed; without one the answer says the signature was not checked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Connection, RowMapping, select

from hub.identifiers import validate_license_id
from hub.queries import shapes
from hub.queries.models import (
    LicenseHistoryEntry,
    LicenseView,
    Page,
    SignatureCheck,
    Verification,
)
from hub.queries.pages import PageRequest, paginate
from projections.tables import LicenseStatus, license_history, licenses

SignatureChecker = Callable[[LicenseView], SignatureCheck]
_HOLDER_FIELDS = ("holder_id_type", "holder_id_number", "holder_name")


def not_checked(_license: LicenseView) -> SignatureCheck:
    """The answer until licenses carry a seal: nothing was checked."""
    return SignatureCheck(checked=False, valid=None, detail="licenses are not signed yet")


def find_license(conn: Connection, license_id: str) -> LicenseView | None:
    """The license ``license_id``, or None if the store does not hold it."""
    query = select(licenses).where(licenses.c.license_id == license_id)
    row = conn.execute(query).mappings().first()
    return shapes.license_view(row) if row is not None else None


def licenses_of(conn: Connection, holder: str, request: PageRequest) -> Page[LicenseView]:
    """The licenses held by the credit code or identity number ``holder``."""
    query = select(licenses).where(licenses.c.holder_id_number == holder)
    return paginate(conn, query, [licenses.c.license_id], request, shapes.license_view)


def history(conn: Connection, license_id: str) -> list[LicenseHistoryEntry]:
    """Every event of the license, oldest first, with the license as it stood after it."""
    column = license_history.c
    query = select(license_history).where(column.license_id == license_id)
    rows = conn.execute(query.order_by(column.occurred_at, column.event_id)).mappings()
    return [_history_entry(row) for row in rows]


def verify(
    conn: Connection,
    license_id: str,
    today: date,
    check_signature: SignatureChecker = not_checked,
) -> Verification:
    """Whether ``license_id`` is well formed, in the store and valid on ``today``."""
    verdict = validate_license_id(license_id)
    unchecked = SignatureCheck(checked=False, valid=None, detail="no license to check")
    if not verdict.valid:
        return Verification(
            license_id=license_id,
            well_formed=False,
            problem=verdict.reason,
            found=False,
            signature=unchecked,
        )
    found = find_license(conn, license_id)
    if found is None:
        problem = "no license with this number in the store"
        return Verification(
            license_id=license_id,
            well_formed=True,
            problem=problem,
            found=False,
            signature=unchecked,
        )
    return _verified(found, today, check_signature(found))


def _verified(found: LicenseView, today: date, signature: SignatureCheck) -> Verification:
    problem = _why_not_valid(found, today)
    return Verification(
        license_id=found.license_id,
        well_formed=True,
        problem=problem,
        found=True,
        status=found.status,
        valid_from=found.valid_from,
        valid_until=found.valid_until,
        valid_today=problem is None and signature.valid is not False,
        superseded_by=found.superseded_by,
        license_name=found.license_name,
        issuer=found.issuer,
        signature=signature,
    )


def _why_not_valid(found: LicenseView, today: date) -> str | None:
    if found.status != LicenseStatus.VALID:
        reason = f": {found.status_reason}" if found.status_reason else ""
        return f"the license is {found.status}{reason}"
    if found.superseded_by is not None:
        return f"this version was replaced by {found.superseded_by}"
    if found.valid_from is not None and today < found.valid_from:
        return f"the license is valid only from {found.valid_from}"
    if found.valid_until is not None and today > found.valid_until:
        return f"the license ran out on {found.valid_until}"
    return None


def _history_entry(row: RowMapping) -> LicenseHistoryEntry:
    snapshot = dict(row["snapshot"])
    holder = shapes.subject(snapshot, "holder")
    for name in _HOLDER_FIELDS:
        snapshot.pop(name, None)
    face_fields = snapshot.pop("face_fields", None) or {}
    fields = {**row, "holder": holder, "snapshot": snapshot, "face_fields": face_fields}
    return LicenseHistoryEntry.model_validate(fields)
