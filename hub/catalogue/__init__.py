"""The item catalogue (事项目录): every approval item the hub dispatches, and its bundles.

The catalogue is one versioned data file, ``hub/data/catalogue.toml``, loaded and
validated once and then cached. Item codes follow ``<department>-<kind>-<serial>``
(see :data:`hub.catalogue.model.ITEM_CODE`) and are the same at every government level::

    >>> from hub.catalogue import load_catalogue
    >>> catalogue = load_catalogue()
    >>> catalogue.item("MR-DJ-001").license_type.code
    'BUSINESS_LICENSE'
    >>> sorted({i.department.code for i in catalogue.expand([], "COMPANY_OPENING")})
    ['BANK', 'HRSS', 'MR', 'PS', 'TAX']
"""

from hub.catalogue.catalogue import Catalogue
from hub.catalogue.loader import build_catalogue, default_path, load_catalogue, read_catalogue
from hub.catalogue.model import (
    BreachAction,
    Bundle,
    CategoryRule,
    Department,
    GapTolerance,
    Item,
    LicenseType,
    Material,
    Requirement,
    Stage,
    Supervision,
)
from hub.events.applications import ProjectStage
from hub.events.base import ItemCategory, TrustGrade

__all__ = [
    "BreachAction",
    "Bundle",
    "Catalogue",
    "CategoryRule",
    "Department",
    "GapTolerance",
    "Item",
    "ItemCategory",
    "LicenseType",
    "Material",
    "ProjectStage",
    "Requirement",
    "Stage",
    "Supervision",
    "TrustGrade",
    "build_catalogue",
    "default_path",
    "load_catalogue",
    "read_catalogue",
]
