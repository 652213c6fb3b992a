"""The API as a component of ``onewindow up``: served, ready, and every access on the log."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from hub.api.component import api_component
from hub.api.testing import fill, free_port
from hub.archive import ArchiveStore
from hub.broker.embedded import EmbeddedBroker
from hub.consuming import read_topic
from hub.db import create_engine_for
from hub.runtime import ENTRY_POINT_GROUP, HubContext
from hub.settings import load_settings
from hub.topics import Topic, declared_topics
from projections.app import APP_ID
from projections.tables import cases

pytestmark = pytest.mark.integration


def test_the_api_is_a_registered_hub_component() -> None:
    found = {entry.name: entry.load() for entry in entry_points(group=ENTRY_POINT_GROUP)}
    assert found["api"] is api_component


def test_served_in_the_hub_it_publishes_every_access_on_the_access_topic(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'read.db'}"
    fill(database, 20)
    engine = create_engine_for(database)
    with engine.connect() as conn:
        first = select(cases.c.case_id, cases.c.applicant_id_number).limit(1)
        case_id, subject = conn.execute(first).one()
    engine.dispose()
    broker = EmbeddedBroker(topics=declared_topics()).start()
    try:
        settings = load_settings(
            database_url=database,
            kafka={"bootstrap_servers": broker.bootstrap_servers},
            api={"port": free_port()},
        )
        archive = ArchiveStore(create_engine_for(f"sqlite:///{tmp_path / 'archive.db'}"))
        context = HubContext(settings, archive, broker)
        component = api_component(context)
        line = component.start(context)
        try:
            url = line.rsplit(" ", 1)[-1]
            assert httpx.get(f"{url}/api/v1/cases/{case_id}").status_code == 200
            ready = httpx.get(f"{url}/readyz").json()
            metrics = httpx.get(f"{url}/metrics").text
        finally:
            component.stop()
        accesses = list(read_topic(broker.bootstrap_servers, Topic.ACCESS, idle_timeout=2))
    finally:
        broker.stop()
    checks = {"database": "ok", "broker": "ok", "processors": "ok"}
    assert ready == {"ready": True, "checks": checks}
    assert f'onewindow_consumer_lag{{group="{APP_ID}",topic="{Topic.APPLICATIONS}"}} 0.0' in metrics
    assert [message.key for message in accesses] == [subject.encode()]
    assert accesses[0].header("ce_type") is not None
