"""The ``file-import`` source: CSV and JSON-lines files from legacy systems, row by row.

Config (TOML)::

    inbox = "/srv/drop/market-regulation"
    event_type = "LicenseIssued"
    source = "market-regulation"
    columns = { license_id = "LicenceNo", holder_name = "Holder" }
    constants = { holder_id_type = "USCC" }
"""

from connectors.file_import.config import FileImportConfig
from connectors.file_import.source import FileImportSource

__all__ = ["FileImportConfig", "FileImportSource"]
