"""The file-import source passes the conformance kit on the embedded broker."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Source
from connectors.file_import import FileImportSource
from connectors.testing import Produced, SourceContract
from hub.topics import Topic

pytestmark = pytest.mark.integration


def drop(inbox: Path, name: str, text: str) -> Path:
    """Write a file the way departments are told to: a temporary name, then a rename."""
    partial = inbox / f"{name}.part"
    partial.write_text(text, encoding="utf-8")
    return partial.replace(inbox / name)


class TestFileImportContract(SourceContract):
    def make_connector(self, workdir: Path) -> tuple[Source[Any], dict[str, Any]]:
        inbox = workdir / "inbox"
        inbox.mkdir(exist_ok=True)
        config = {
            "inbox": str(inbox),
            "event_type": "CaseRated",
            "source": "market-regulation",
            "columns": {"case_id": "Case", "score": "Score"},
            "poll_interval": 0.05,
        }
        return FileImportSource(), config

    def produce_input(self, workdir: Path, good: int, bad: int) -> Produced:
        run = uuid.uuid4().hex[:8]
        keys = [f"C-{run}-{n}" for n in range(good)]
        bad_keys = [f"C-{run}-bad-{n}" for n in range(bad)]
        lines = [f"{key},4" for key in keys] + [f"{key},9" for key in bad_keys]
        drop(workdir / "inbox", f"ratings-{run}.csv", "Case,Score\n" + "\n".join(lines) + "\n")
        return Produced(Topic.APPLICATIONS, keys, bad_keys)
