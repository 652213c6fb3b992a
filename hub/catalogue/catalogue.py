"""The loaded catalogue and the questions the rest of the hub asks it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pydantic

from hub.catalogue.model import (
    Bundle,
    CategoryRule,
    Department,
    GapTolerance,
    Item,
    LicenseType,
    Material,
    Requirement,
    Stage,
)
from hub.errors import UnknownItemError, ValidationError
from hub.events.applications import ProjectStage
from hub.events.base import ItemCategory


class Catalogue(pydantic.BaseModel):
    """One validated version of the item catalogue (事项目录)."""

    model_config = pydantic.ConfigDict(frozen=True)

    version: str
    effective_date: date
    departments: Mapping[str, Department]
    license_types: Mapping[str, LicenseType]
    materials: Mapping[str, Material]
    categories: Mapping[ItemCategory, CategoryRule]
    items: Mapping[str, Item]
    bundles: Mapping[str, Bundle]

    def item(self, code: str) -> Item:
        """The item of that code; UnknownItemError names a code the catalogue lacks."""
        try:
            return self.items[code]
        except KeyError:
            raise UnknownItemError(f"unknown item code {code!r}") from None

    def bundle(self, code: str) -> Bundle:
        """The bundle of that code; UnknownItemError names a code the catalogue lacks."""
        try:
            return self.bundles[code]
        except KeyError:
            raise UnknownItemError(f"unknown bundle code {code!r}") from None

    def expand(self, item_codes: Iterable[str], bundle_code: str | None = None) -> list[Item]:
        """The bundle's items then the named ones, each once, in that stable order."""
        chosen = list(self.bundle(bundle_code).items) if bundle_code else []
        chosen += [self.item(code) for code in item_codes]
        return list({item.code: item for item in chosen}.values())

    def stages(self, bundle: str | Bundle) -> tuple[Stage, ...]:
        """A staged bundle's stages in project order; empty for an unstaged bundle."""
        found = self.bundle(bundle) if isinstance(bundle, str) else bundle
        return tuple(
            Stage(name=name, lead=_lead(items), items=items)
            for name in ProjectStage
            if (items := tuple(i for i in found.items if i.stage == name))
        )

    def rule(self, item: Item) -> CategoryRule:
        """The category rule that governs ``item``."""
        return self.categories[item.category]

    def tolerates_missing(self, item: Item, missing: Iterable[str], good_credit: bool) -> bool:
        """Whether ``item`` can be accepted on commitment (容缺) with ``missing`` materials."""
        requirements = [_required(item, code) for code in missing]
        if not requirements:
            return True
        if any(r.essential for r in requirements):
            return False
        tolerance = self.rule(item).gap_tolerance
        if tolerance is GapTolerance.NON_ESSENTIAL_WITH_GOOD_CREDIT:
            return good_credit
        return tolerance is GapTolerance.NON_ESSENTIAL


def _lead(items: tuple[Item, ...]) -> Department:
    """The department of the stage's lead item (the loader guarantees exactly one)."""
    return next(item.department for item in items if item.stage_lead)


def _required(item: Item, material_code: str) -> Requirement:
    requirement = item.requirement(material_code)
    if requirement is None:
        raise ValidationError(f"item {item.code!r} does not require material {material_code!r}")
    return requirement
