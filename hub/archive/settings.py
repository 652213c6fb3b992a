"""Where the archive lives: its own setting, else the hub's database, else SQLite.

``ONEWINDOW_ARCHIVE__DATABASE_URL`` names it explicitly. Without it, a hub on PostgreSQL
(``ONEWINDOW_DATABASE_URL``) keeps the archive there too, in its own table; the embedded
default keeps it in ``data_dir/archive.db``, a file apart from the read models, which
``projections rebuild`` may drop at any time while the archive must never be.
"""

from __future__ import annotations

import pydantic
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub.errors import SettingsError
from hub.settings import ENV_PREFIX, HubSettings

ARCHIVE_FILE = "archive.db"


class ArchiveSettings(BaseSettings):
    """Settings of the event archive (environment prefix ``ONEWINDOW_ARCHIVE__``)."""

    model_config = SettingsConfigDict(env_prefix=f"{ENV_PREFIX}ARCHIVE__", extra="forbid")

    database_url: str = ""


def load_archive_settings() -> ArchiveSettings:
    """The archive's settings, or a SettingsError naming the bad one."""
    try:
        return ArchiveSettings()
    except pydantic.ValidationError as exc:
        raise SettingsError(f"invalid {ENV_PREFIX}ARCHIVE__ settings: {exc}") from exc


def archive_url(settings: HubSettings, archive: ArchiveSettings | None = None) -> str:
    """The database URL of the archive for this hub."""
    archive = archive or load_archive_settings()
    if archive.database_url:
        return archive.database_url
    return settings.database_url or f"sqlite:///{settings.data_dir / ARCHIVE_FILE}"
