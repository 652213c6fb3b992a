"""Reading and strictly validating a catalogue file; every problem is a CatalogueError.

Sections are validated in dependency order (departments and license types, then
materials, items, bundles) so each can refer to the ones before it by code, and each
error names the section, the code of the entry and the field.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import pydantic

from hub.catalogue.catalogue import Catalogue
from hub.catalogue.model import (
    Bundle,
    CategoryRule,
    Department,
    Item,
    LicenseType,
    Material,
)
from hub.errors import CatalogueError
from hub.events.base import ItemCategory

M = TypeVar("M", bound=pydantic.BaseModel)


def default_path() -> Path:
    """The catalogue file shipped with the hub."""
    return Path(str(resources.files("hub.data") / "catalogue.toml"))


@lru_cache(maxsize=8)
def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue at ``path`` (the shipped one by default), read once and then cached."""
    return read_catalogue(path or default_path())


def read_catalogue(source: Path) -> Catalogue:
    """Read and validate a catalogue file afresh, e.g. one a person is editing."""
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"cannot read catalogue {source}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"catalogue {source} is not valid TOML: {exc}") from exc
    try:
        return build_catalogue(raw)
    except CatalogueError as exc:
        raise CatalogueError(f"catalogue {source}: {exc}") from exc


def build_catalogue(raw: dict[str, Any]) -> Catalogue:
    """Validate a parsed catalogue document and cross-check its references."""
    tables: dict[str, Any] = {}
    tables["departments"] = _section(raw, "department", Department, tables)
    tables["license_types"] = _section(raw, "license_type", LicenseType, tables)
    tables["materials"] = _section(raw, "material", Material, tables)
    categories = _categories(raw)
    tables["items"] = _section(raw, "item", Item, tables)
    bundles = _section(raw, "bundle", Bundle, tables)
    for item in tables["items"].values():
        _check_commitment(item, categories[item.category])
    for bundle in bundles.values():
        _check_stages(bundle)
    return Catalogue(
        version=_field(raw, "catalogue_version", str),
        effective_date=_field(raw, "effective_date", date),
        categories=categories,
        bundles=bundles,
        **tables,
    )


def _field(raw: dict[str, Any], name: str, kind: type[Any]) -> Any:
    value = raw.get(name)
    if not isinstance(value, kind):
        raise CatalogueError(f"top-level field {name!r} must be a {kind.__name__}, got {value!r}")
    return value


def _section(
    raw: dict[str, Any], section: str, model: type[M], tables: dict[str, Any]
) -> dict[str, M]:
    """Validate every ``[[section]]`` entry into ``model``, keyed by its unique code."""
    entries = raw.get(section)
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"section [[{section}]] is missing or empty")
    parsed: dict[str, M] = {}
    for entry in entries:
        code = entry.get("code") if isinstance(entry, dict) else None
        value = _validate(model, entry, f"{section} {code!r}", tables)
        if code in parsed:
            raise CatalogueError(f"{section} {code!r}: duplicate code")
        parsed[str(code)] = value
    return parsed


def _validate(model: type[M], entry: Any, what: str, tables: dict[str, Any]) -> M:
    try:
        return model.model_validate(entry, context=tables)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "entry"
        raise CatalogueError(f"{what}: field {where}: {error['msg']}") from exc


def _categories(raw: dict[str, Any]) -> dict[ItemCategory, CategoryRule]:
    entries = raw.get("category")
    if not isinstance(entries, list):
        raise CatalogueError("section [[category]] is missing")
    rules = [_validate(CategoryRule, e, f"category {e.get('category')!r}", {}) for e in entries]
    by_category = {rule.category: rule for rule in rules}
    missing = [c.value for c in ItemCategory if c not in by_category]
    if missing or len(rules) != len(by_category):
        raise CatalogueError(f"[[category]] must define each category once; missing {missing}")
    return by_category


def _check_commitment(item: Item, rule: CategoryRule) -> None:
    if item.commitment_allowed and not rule.commitment_allowed:
        raise CatalogueError(
            f"item {item.code!r}: field commitment_allowed: category {rule.category} "
            "does not allow approval on commitment"
        )


def _check_stages(bundle: Bundle) -> None:
    """A staged bundle has only staged items and exactly one lead item per stage."""
    staged = [item for item in bundle.items if item.stage]
    if staged and len(staged) != len(bundle.items):
        raise CatalogueError(f"bundle {bundle.code!r}: mixes staged and unstaged items")
    for stage in {item.stage for item in staged}:
        leads = [i.code for i in staged if i.stage == stage and i.stage_lead]
        if len(leads) != 1:
            raise CatalogueError(
                f"bundle {bundle.code!r}: stage {stage} needs exactly one lead department "
                f"(items with stage_lead), found {leads or 'none'}"
            )
