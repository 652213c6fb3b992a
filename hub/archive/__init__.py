"""The event archive: a durable, append-only copy of every message on every topic.

:class:`Archiver` copies the log into an :class:`ArchiveStore` (SQLite under ``data_dir``
by default, PostgreSQL in production); :func:`restore` puts it back on a fresh embedded
broker at start-up, so the in-memory log survives restarts::

    store = ArchiveStore(create_engine_for(archive_url(settings)))
    restore(store, broker)  # before any consumer runs
    archiver = Archiver(broker.bootstrap_servers, store, topics)
    archiver.start()
"""

from hub.archive.archiver import Archiver
from hub.archive.restore import RestoreSummary, restore
from hub.archive.settings import ArchiveSettings, archive_url
from hub.archive.store import ArchivedMessage, ArchiveStore, message_id

__all__ = [
    "ArchiveSettings",
    "ArchiveStore",
    "ArchivedMessage",
    "Archiver",
    "RestoreSummary",
    "archive_url",
    "message_id",
    "restore",
]
