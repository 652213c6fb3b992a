"""Erasure end to end: sealed on the broker, projected, erased, rebuilt from the log.

Events of generated cases are published through the sealing serializer to the broker,
read back, opened and projected. After the person is erased, neither the API, nor any
table of the database, nor a rebuild from the log yields their number or name, while the
counts and statistics stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hub.api import Hooks, create_app
from hub.api.testing import AccessRecorder
from hub.consuming import RawMessage
from hub.db import create_engine_for
from hub.events import Event
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.settings import load_settings
from hub.trust.api import Trust, install_trust
from hub.trust.erasure import erase_person
from hub.trust.identities import Identities
from hub.trust.keystore import PersonKeys
from hub.trust.sealing import OpeningDeserializer, SealingSerializer
from hub.trust.testing import first_person, logged, row_counts, traces
from projections.engine import Projector
from projections.testing import event_stream

pytestmark = pytest.mark.integration
REGISTRY = EmbeddedRegistry()
COUNTED = ("cases", "tasks", "licenses", "license_history", "materials", "access_log")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = create_engine_for(f"sqlite:///{tmp_path_factory.mktemp('erasure') / 'hub.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def published(kafka_bootstrap: str, engine: Engine) -> list[Event]:
    events = list(event_stream(seed=4242, cases=15))
    with Publisher(kafka_bootstrap, SealingSerializer(REGISTRY, PersonKeys(engine))) as publisher:
        publisher.publish_many(events).wait()
    return events


def opened(engine: Engine, log: list[RawMessage]) -> list[Event]:
    reader = OpeningDeserializer(REGISTRY, PersonKeys(engine))
    events = [reader.decode(message.value or b"").to_event() for message in log]
    return sorted(events, key=lambda event: event.occurred_at)


def api(engine: Engine, data_dir: Path) -> tuple[TestClient, dict[str, str]]:
    settings = load_settings(data_dir=data_dir)
    app = create_app(settings, engine, Hooks(access_sink=AccessRecorder()))
    install_trust(app, Trust.from_settings(settings, engine))
    secret = Identities(engine).create("MR").secret
    return TestClient(app), {
        "Authorization": f"Bearer {secret}",
        "X-Onewindow-Purpose": "licensing",
    }


def shown(client: TestClient, headers: dict[str, str], person: str, case_id: str) -> str:
    """Everything the API answers about the person and their case."""
    answers = [
        client.get(f"/api/v1/cases/{case_id}", headers=headers),
        client.get("/api/v1/licenses", params={"holder": person}, headers=headers),
        client.get(f"/api/v1/holders/{person}/access-log", headers=headers),
        client.get("/api/v1/cases", params={"q": person}, headers=headers),
    ]
    return "".join(answer.text for answer in answers)


def statistics(client: TestClient, headers: dict[str, str]) -> Any:
    answer = client.get("/api/v1/statistics", headers=headers).json()
    return answer["departments"], answer["items"]


def test_erased_from_api_database_and_rebuild(
    kafka_bootstrap: str, engine: Engine, published: list[Event], tmp_path: Path
) -> None:
    log = logged(kafka_bootstrap, published)
    projector = Projector(engine)
    projector.apply(opened(engine, log))
    person, name, case_id = first_person(published)
    plain = [person.encode(), name.encode()]
    assert not [m for m in log if any(text in (m.value or b"") for text in plain)]
    client, mr = api(engine, tmp_path)
    assert person in shown(client, mr, person, case_id)
    assert traces(engine, person)
    before, stats = row_counts(engine, COUNTED), statistics(client, mr)

    report = erase_person(engine, person, PersonKeys(engine))

    assert report.key_deleted
    client, mr = api(engine, tmp_path)
    after = shown(client, mr, person, case_id)
    assert person not in after
    assert name not in after
    assert report.tombstone in client.get(f"/api/v1/cases/{case_id}", headers=mr).text
    assert traces(engine, person) == []
    assert traces(engine, name) == []
    assert row_counts(engine, COUNTED) == before
    assert statistics(client, mr) == stats

    projector.rebuild(opened(engine, logged(kafka_bootstrap, published)))

    assert traces(engine, person) == []
    assert traces(engine, name) == []
    assert row_counts(engine, COUNTED) == before
    assert person not in shown(client, mr, person, case_id)
