"""The Avro contracts of the hub: one ``.avsc`` file per event type and version.

``SCHEMA_DIR`` is where they live, in the source tree and in an installed wheel alike.
"""

from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent
