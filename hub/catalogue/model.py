"""The values of the item catalogue: departments, materials, items, bundles, stages.

Trust grades, categories and project stages are the enums the event contracts already
use (:mod:`hub.events.base`, :mod:`hub.events.applications`), so a catalogue value and
an event field can never drift apart.

All models are frozen. References between them (an item's department, a requirement's
material, a bundle's items) are written as codes in the data file and resolved while
validating, through the ``context`` tables the loader passes in; an unknown code is a
validation error naming it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

import pydantic
from pydantic import BeforeValidator, ValidationInfo

from hub.events.applications import ProjectStage
from hub.events.base import ItemCategory, TrustGrade, Value

#: Item codes: ``<department code>-<kind>-<3-digit serial>``, e.g. ``MR-DJ-001``.
#: Province, city and district use the same code for the same item; the level is never
#: part of it. Kinds: XK 行政许可 licensing, DJ 登记 registration, BA 备案 record filing,
#: QR 行政确认 confirmation, GG 公共服务 public service.
ITEM_CODE = re.compile(r"^(?P<department>[A-Z]{2,6})-(?P<kind>XK|DJ|BA|QR|GG)-\d{3}$")
CODE = r"^[A-Z][A-Z0-9_]*$"


class GapTolerance(StrEnum):
    """Which missing materials (容缺) a category accepts on a signed commitment."""

    NONE = "NONE"
    NON_ESSENTIAL_WITH_GOOD_CREDIT = "NON_ESSENTIAL_WITH_GOOD_CREDIT"
    NON_ESSENTIAL = "NON_ESSENTIAL"


class BreachAction(StrEnum):
    """What a broken commitment does to the license or record it obtained."""

    SUSPEND = "SUSPEND"
    REVOKE = "REVOKE"


def _resolve(table: str) -> BeforeValidator:
    """Turn a code into the object of that code from ``context[table]``."""

    def lookup(value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str) or info.context is None:
            return value
        known = info.context[table]
        if value not in known:
            raise ValueError(f"unknown {table.rstrip('s').replace('_', ' ')} {value!r}")
        return known[value]

    return BeforeValidator(lookup)


class _Named(Value):
    """Anything the catalogue names in Chinese and in English."""

    name: str = pydantic.Field(min_length=1)
    name_en: str = pydantic.Field(min_length=1)


class Department(_Named):
    """A department taking part in the hub."""

    code: str = pydantic.Field(pattern=r"^[A-Z]{2,6}$")


class LicenseType(_Named):
    """A kind of license kept in the electronic license store."""

    code: str = pydantic.Field(pattern=CODE)


class Material(_Named):
    """A material shared across items; a valid license of ``license_type`` satisfies it."""

    code: str = pydantic.Field(pattern=CODE)
    license_type: Annotated[LicenseType | None, _resolve("license_types")] = None


class Requirement(Value):
    """One material an item asks for, with how essential and trustworthy it must be."""

    material: Annotated[Material, _resolve("materials")]
    essential: bool
    min_grade: TrustGrade

    @property
    def code(self) -> str:
        """The material code."""
        return self.material.code

    def accepts(self, grade: TrustGrade) -> bool:
        """Whether a material of ``grade`` on file satisfies this requirement (A best)."""
        return grade.value <= self.min_grade.value


class Supervision(Value):
    """Post-approval supervision (事中事后监管) of an item."""

    department: Annotated[Department, _resolve("departments")]
    mandatory: bool
    within_days: int = pydantic.Field(gt=0, description="working days to start the check")


class CategoryRule(Value):
    """What a category tolerates: missing materials and approval on commitment."""

    category: ItemCategory
    name: str
    gap_tolerance: GapTolerance
    commitment_allowed: bool


class Item(_Named):
    """An approval item (事项) of the catalogue."""

    code: str = pydantic.Field(pattern=ITEM_CODE.pattern)
    department: Annotated[Department, _resolve("departments")]
    category: ItemCategory
    statutory_days: int = pydantic.Field(gt=0)
    promised_days: int = pydantic.Field(gt=0)
    license_type: Annotated[LicenseType | None, _resolve("license_types")] = None
    requirements: tuple[Requirement, ...] = pydantic.Field(min_length=1)
    commitment_allowed: bool = False
    breach_action: BreachAction | None = None
    supervision: Supervision | None = None
    stage: ProjectStage | None = None
    stage_lead: bool = False

    @pydantic.model_validator(mode="after")
    def _coherent(self) -> Item:
        department = ITEM_CODE.match(self.code)
        if department and department["department"] != self.department.code:
            raise ValueError(f"code prefix does not match department {self.department.code!r}")
        if self.promised_days > self.statutory_days:
            raise ValueError(
                f"promised_days {self.promised_days} exceeds statutory_days {self.statutory_days}"
            )
        codes = [r.code for r in self.requirements]
        if len(set(codes)) != len(codes):
            raise ValueError(f"a material is required twice: {codes}")
        if self.commitment_allowed and self.breach_action is None:
            raise ValueError("commitment_allowed needs a breach_action")
        if self.commitment_allowed and not (self.supervision and self.supervision.mandatory):
            raise ValueError("commitment_allowed needs mandatory supervision")
        if self.stage_lead and self.stage is None:
            raise ValueError("stage_lead is set on an item without a stage")
        return self

    def requirement(self, material_code: str) -> Requirement | None:
        """The requirement for ``material_code``, or None if the item does not ask for it."""
        return next((r for r in self.requirements if r.code == material_code), None)


class Bundle(_Named):
    """Items accepted together at one window (企业开办, 多证合一, staged projects...)."""

    code: str = pydantic.Field(pattern=CODE)
    window: Annotated[Department, _resolve("departments")]
    items: tuple[Annotated[Item, _resolve("items")], ...] = pydantic.Field(min_length=1)

    @property
    def staged(self) -> bool:
        """Whether the bundle runs in construction-project stages."""
        return any(item.stage for item in self.items)


class Stage(Value):
    """One stage of a staged bundle: its lead department and its items."""

    name: ProjectStage
    lead: Department
    items: tuple[Item, ...]
