"""The ``sql-mirror`` sink: a department's own table of the licenses it needs, kept current.

Config (TOML)::

    database_url = "postgresql://tax@db.tax.example.gov/tax"
    table = "hub_licenses"
    license_types = ["FOOD_BUSINESS", "BUSINESS_LICENSE"]
"""

from connectors.sql_mirror.sink import SqlMirrorConfig, SqlMirrorSink
from connectors.sql_mirror.table import mirror_tables

__all__ = ["SqlMirrorConfig", "SqlMirrorSink", "mirror_tables"]
