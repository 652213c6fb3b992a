"""The reuse answer (一处填报、全网通用): what a holder already has on file for the items ahead.

For an applicant and the items they are about to apply for, each required material is
either held — a valid license of the type that satisfies it, or a material in the
holder's library at a good enough trust grade, with its source department and grade —
or still needed. The HTTP API serves it at ``/api/v1/holders/{id}/reuse`` and connectors
call :func:`reuse_answer` in Python. Either way the answer leaves through
:class:`hub.api.disclosure.Disclosure`, which records each use as a data access (the
demo's window does so: :mod:`hub.demo.window`)::

    >>> from datetime import date
    >>> from hub.db import create_engine_for
    >>> from projections.tables import metadata
    >>> engine = create_engine_for("sqlite://")
    >>> metadata.create_all(engine)
    >>> with engine.connect() as conn:
    ...     answer = reuse_answer(conn, "91350200776049653A", ["PS-BA-001"], date(2026, 11, 20))
    >>> [needed.material_code for needed in answer.still_needed]
    ['BUSINESS_LICENSE_COPY', 'ID_CARD_COPY', 'SEAL_SPECIMEN']
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import Field
from sqlalchemy import Connection, select

from hub.catalogue import Catalogue, Item, Requirement, load_catalogue
from hub.errors import ValidationError
from hub.events.base import TrustGrade
from hub.identifiers import IdKind, validate
from hub.queries.holders import holder_id
from hub.queries.models import Subject, View
from projections.tables import LicenseStatus, cases, licenses, materials

#: Items one question may name: a window asks for one submission, not a catalogue dump.
MAX_ITEMS = 20


class HeldMaterial(View):
    """A required material the holder already has on file, and where it came from."""

    material_code: str
    material_name: str
    kind: str = Field(description="'license' (a valid license on file) or 'material'")
    license_id: str | None
    content_hash: str | None
    trust_grade: str
    source_department: str | None
    items: list[str] = Field(description="The asked-for items this material satisfies")


class NeededMaterial(View):
    """A required material that is not on file at the grade the items ask for."""

    material_code: str
    material_name: str
    essential: bool = Field(description="Essential for at least one of the items")
    min_grade: str = Field(description="The strictest grade any of the items accepts")
    items: list[str]


class ReuseAnswer(View):
    """What the holder can reuse for the items, and what they must still hand in."""

    holder: Subject
    items: list[str]
    day: date = Field(description="The day (China time) validity was judged on")
    held: list[HeldMaterial]
    still_needed: list[NeededMaterial]


def item_codes(text: str) -> list[str]:
    """The item codes of a comma-separated ``items`` parameter, each once, in order."""
    codes = list(dict.fromkeys(code.strip() for code in text.split(",") if code.strip()))
    if not codes:
        raise ValidationError("items: name at least one item code, e.g. items=MR-DJ-001,TAX-DJ-001")
    if len(codes) > MAX_ITEMS:
        raise ValidationError(f"items: at most {MAX_ITEMS} item codes, not {len(codes)}")
    return codes


def reuse_answer(
    conn: Connection,
    holder: str,
    codes: Sequence[str],
    day: date,
    id_type: str | None = None,
    catalogue: Catalogue | None = None,
) -> ReuseAnswer:
    """What ``holder`` holds and still needs for the items ``codes`` on ``day``.

    The identifier is checked (as ``id_type`` when given) and every item code must be in
    the catalogue; either problem is a ValidationError naming it.
    """
    number = holder_id(holder, id_type)
    catalogue = catalogue or load_catalogue()
    items = [catalogue.item(code) for code in codes]
    on_file = _licenses(conn, number, day) | _materials(conn, number, day)
    held: dict[str, dict[str, Any]] = {}
    needed: dict[str, list[tuple[Item, Requirement]]] = {}
    for item in items:
        for requirement in item.requirements:
            source = _satisfying(requirement, on_file)
            if not source:
                needed.setdefault(requirement.code, []).append((item, requirement))
            else:
                held.setdefault(requirement.code, source | {"items": []})["items"].append(item.code)
    return ReuseAnswer(
        holder=_subject(conn, number, id_type),
        items=[item.code for item in items],
        day=day,
        held=[HeldMaterial(**source) for source in held.values()],
        still_needed=[_needed(pairs) for pairs in needed.values()],
    )


def _satisfying(requirement: Requirement, on_file: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The source on file for ``requirement`` (a license first), or an empty dict."""
    license_type = requirement.material.license_type
    if license_type is not None and f"license:{license_type.code}" in on_file:
        return on_file[f"license:{license_type.code}"] | {
            "material_code": requirement.code,
            "material_name": requirement.material.name,
        }
    found = on_file.get(f"material:{requirement.code}")
    if found is None or not requirement.accepts(found["grade"]):
        return {}
    return {key: value for key, value in found.items() if key != "grade"}


def _licenses(conn: Connection, number: str, day: date) -> dict[str, dict[str, Any]]:
    """Licenses usable on ``day``: valid (or with a lapsed suspension), in their period."""
    c = licenses.c
    lifted = (c.status == LicenseStatus.SUSPENDED.value) & (c.suspended_until < day)
    query = select(licenses).where(
        c.holder_id_number == number,
        (c.status == LicenseStatus.VALID.value) | lifted,
        c.superseded_by.is_(None),
        (c.valid_from.is_(None)) | (c.valid_from <= day),
        (c.valid_until.is_(None)) | (c.valid_until >= day),
    )
    return {
        f"license:{row.license_type}": {
            "kind": "license",
            "license_id": row.license_id,
            "content_hash": None,
            "trust_grade": "A",
            "source_department": row.issuer,
        }
        for row in conn.execute(query.order_by(c.version))
    }


def _materials(conn: Connection, number: str, day: date) -> dict[str, dict[str, Any]]:
    """Materials of the holder's library still valid on ``day``.

    A material comes from its issuer when one issued it, else from the window of the case
    it was handed in with, else from the system that registered it.
    """
    c = materials.c
    # A row without a grade only counts reuses of a material a license stood for.
    query = (
        select(materials, cases.c.window)
        .outerjoin(cases, cases.c.case_id == c.case_id)
        .where(
            c.holder_id_number == number,
            c.trust_grade.is_not(None),
            (c.valid_until.is_(None)) | (c.valid_until >= day),
        )
    )
    return {
        f"material:{row.material_code}": {
            "material_code": row.material_code,
            "material_name": row.name or row.material_code,
            "kind": "material",
            "license_id": None,
            "content_hash": row.content_hash,
            "trust_grade": row.trust_grade,
            "grade": TrustGrade(row.trust_grade),
            "source_department": row.issuer or row.window or row.source,
        }
        for row in conn.execute(query)
    }


def _needed(pairs: list[tuple[Item, Requirement]]) -> NeededMaterial:
    first = pairs[0][1]
    return NeededMaterial(
        material_code=first.code,
        material_name=first.material.name,
        essential=any(requirement.essential for _, requirement in pairs),
        min_grade=min(requirement.min_grade.value for _, requirement in pairs),
        items=[item.code for item, _ in pairs],
    )


def _subject(conn: Connection, number: str, id_type: str | None) -> Subject:
    """The holder as a subject, named as their latest case names them."""
    c = cases.c
    query = select(c.applicant_name).where(c.applicant_id_number == number)
    name = conn.execute(query.order_by(c.submitted_at.desc()).limit(1)).scalar()
    kind = id_type or ("USCC" if validate(IdKind.USCC, number).valid else "RESIDENT_ID")
    return Subject(id_type=kind, id_number=number, name=name)
