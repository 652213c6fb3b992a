"""The outbox source (the relay run as a connector) passes the kit on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Source
from connectors.outbox import OutboxSource
from connectors.testing import Produced, SourceContract
from hub.db import create_engine_for
from hub.events.cases import CaseRated
from hub.outbox import create_outbox, outbox, write_outbox
from hub.topics import Topic

pytestmark = pytest.mark.integration


@pytest.fixture
def outbox_url(database_url: str) -> str:
    """The URL of a department database with the outbox table."""
    engine = create_engine_for(database_url)
    create_outbox(engine)
    engine.dispose()
    return database_url


class TestOutboxContract(SourceContract):
    @pytest.fixture(autouse=True)
    def _database(self, outbox_url: str) -> None:
        self.url = outbox_url

    def make_connector(self, workdir: Path) -> tuple[Source[Any], dict[str, Any]]:
        return OutboxSource(), {"database_url": self.url, "poll_interval": 0.05}

    def produce_input(self, workdir: Path, good: int, bad: int) -> Produced:
        run = uuid.uuid4().hex[:8]
        events = [CaseRated(source="tax", case_id=f"C-{run}-{n}", score=3) for n in range(good)]
        bad_keys = [f"C-{run}-bad-{n}" for n in range(bad)]
        engine = create_engine_for(self.url)
        with engine.begin() as conn:
            write_outbox(conn, *events)
            for key in bad_keys:
                row = {"id": str(uuid.uuid4()), "aggregatetype": "application"}
                row |= {"aggregateid": key, "type": "CaseRated", "payload": '{"score": 9}'}
                conn.execute(outbox.insert(), row)
        engine.dispose()
        return Produced(Topic.APPLICATIONS, [event.key() for event in events], bad_keys)
