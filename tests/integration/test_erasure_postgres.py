"""Erasure on PostgreSQL: JSON columns cast to text, reflected tables, anonymised in place."""

from __future__ import annotations

import pytest

from hub.db import create_engine_for
from hub.registry import EmbeddedRegistry
from hub.trust.erasure import erase_person
from hub.trust.keystore import PersonKeys
from hub.trust.sealing import OpeningDeserializer, SealingSerializer
from hub.trust.testing import first_person, row_counts, traces
from projections.engine import Projector
from projections.testing import event_stream

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
COUNTED = ("cases", "tasks", "licenses", "license_history", "materials", "access_log")


def test_erasure_on_postgresql(postgres_url: str) -> None:
    engine = create_engine_for(postgres_url)
    keys = PersonKeys(engine)
    registry = EmbeddedRegistry()
    writer, reader = SealingSerializer(registry, keys), OpeningDeserializer(registry, keys)
    log = [writer.encode_event(event) for event in event_stream(seed=7, cases=20)]
    Projector(engine).apply([reader.decode(value).to_event() for value in log])
    person, name = first_person(reader.decode(value).to_event() for value in log)[:2]
    counts = row_counts(engine, COUNTED)
    assert traces(engine, person)
    erase_person(engine, person, keys)
    assert traces(engine, person) == []
    assert traces(engine, name) == []
    assert row_counts(engine, COUNTED) == counts
    engine.dispose()
