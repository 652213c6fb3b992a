"""Policies of the material library: per holder, the latest version of each material.

A row is keyed by the holder's identifier type and number and the material code, which
is what the prefill/reuse query asks ("for holder X, which required materials are on
file, of which grade and from which source"). A re-registration replaces the content and
keeps the reuse count.
"""

from __future__ import annotations

from hub.events.materials import MaterialRegistered, MaterialReused
from projections.model import Key, Row


def registered_key(event: MaterialRegistered) -> Key:
    """The library row of the registered material."""
    return (event.holder_id_type.value, event.holder_id_number, event.material.code)


def reused_key(event: MaterialReused) -> Key:
    """The library row of the reused material."""
    return (event.holder_id_type.value, event.holder_id_number, event.material_code)


def registered(material: Row, event: MaterialRegistered) -> None:
    """A material entered the library, with its grade, issuer and the system it came from."""
    material.update(
        name=event.material.name,
        content_hash=event.material.content_hash,
        trust_grade=event.material.trust_grade,
        issuer=event.material.issuer,
        source=event.source,
        valid_until=event.valid_until,
        case_id=event.case_id,
        registered_at=event.occurred_at,
    )


def reused(material: Row, event: MaterialReused) -> None:
    """A department used the material on file instead of asking for it again."""
    material["times_reused"] += 1
    material.update(last_reused_by=event.department, last_reused_at=event.occurred_at)
