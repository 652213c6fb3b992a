"""Pseudonymous keys: a person's topics carry ``psn:<key-id>``, never their identity number.

Material, credit and access events of one person go through a sealing publisher to the
embedded broker and are read back raw: the number is in no key, header or value, the
person's events share one key, and once they are erased no table maps the key to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select

from hub.consuming import RawMessage
from hub.events import Event
from hub.events.access import DataAccessed
from hub.events.base import IdentifierType, MaterialRef, TrustGrade
from hub.events.credit import CreditCause, CreditEffect, CreditRecorded
from hub.events.materials import MaterialRegistered
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.trust.erasure import erase_person
from hub.trust.keystore import PersonKeys
from hub.trust.sealing import SealingSerializer
from hub.trust.tables import person_keys
from hub.trust.testing import logged, traces

pytestmark = pytest.mark.integration
PERSON, OTHER, COMPANY = "11010519491231002X", "110101199003070010", "91330481MA2B3C4D5E"
RESIDENT = IdentifierType.RESIDENT_ID


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path}/hub.db")
    yield engine
    engine.dispose()


def material(person: str) -> MaterialRegistered:
    ref = MaterialRef(code="ID", name="身份证", content_hash="a" * 64, trust_grade=TrustGrade.A)
    return MaterialRegistered(
        source="test", holder_id_type=RESIDENT, holder_id_number=person, material=ref
    )


def credit(person: str, kind: IdentifierType = RESIDENT) -> CreditRecorded:
    return CreditRecorded(
        source="test",
        subject_id_type=kind,
        subject_id_number=person,
        subject_name="张三",
        effect=CreditEffect.GREEN_LIGHT,
        cause=CreditCause.GOOD_STANDING,
        reason="no breach in a year",
        valid_until=date(2027, 1, 1),
    )


def access(person: str) -> DataAccessed:
    return DataAccessed(
        source="test",
        subject_id_type=RESIDENT,
        subject_id_number=person,
        accessor="li.na",
        department="MR",
        purpose="licensing",
        resource="licenses",
    )


def published(bootstrap: str, engine: Engine, events: list[Event]) -> list[RawMessage]:
    serializer = SealingSerializer(EmbeddedRegistry(), PersonKeys(engine))
    with Publisher(bootstrap, serializer) as publisher:
        publisher.publish_many(events).wait()
    by_id = {message.header("ce_id"): message for message in logged(bootstrap, events)}
    return [by_id[event.event_id] for event in events]


def raw_bytes(message: RawMessage) -> bytes:
    headers = b"".join(name.encode() + value for name, value in message.headers)
    return (message.key or b"") + headers + (message.value or b"")


def test_a_persons_topics_are_keyed_by_one_pseudonym(kafka_bootstrap: str, engine: Engine) -> None:
    events: list[Event] = [material(PERSON), credit(PERSON), access(PERSON), access(OTHER)]
    messages = published(kafka_bootstrap, engine, events)

    assert not [m for m in messages if PERSON.encode() in raw_bytes(m)]
    assert not [m for m in messages if OTHER.encode() in raw_bytes(m)]
    keys = [message.key_text for message in messages]
    key_id = PersonKeys(engine).key_id(PERSON)
    assert keys[:3] == [f"psn:{key_id}"] * 3
    assert keys[3] not in (keys[0], None)
    assert all(m.header("ce_subject") == m.key_text for m in messages)

    erase_person(engine, PERSON, PersonKeys(engine))

    with engine.connect() as conn:
        held = conn.execute(select(person_keys.c.key_id)).scalars().all()
    assert key_id not in held
    assert traces(engine, PERSON) == []


def test_a_company_keeps_its_credit_code_as_key(kafka_bootstrap: str, engine: Engine) -> None:
    [message] = published(kafka_bootstrap, engine, [credit(COMPANY, IdentifierType.USCC)])

    assert message.key_text == COMPANY
    assert message.header("ce_subject") == COMPANY
