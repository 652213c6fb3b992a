"""Crypto-shredding: personal fields sealed in the log, gone from read models and rebuilds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine

from hub.cli.main import cli
from hub.errors import InvalidIdentifierError, SerializationError
from hub.registry import EmbeddedRegistry
from hub.trust.erasure import erase_person, scrub
from hub.trust.keystore import PersonKeys
from hub.trust.sealing import (
    ERASED,
    OpeningDeserializer,
    SealingSerializer,
    open_record,
    seal_record,
)
from hub.trust.testing import first_person, row_counts, traces
from projections.engine import Projector
from projections.testing import event_stream

PERSON = "11010519491231002X"
COUNTED = ("cases", "tasks", "licenses", "license_history", "materials", "access_log")


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    yield engine
    engine.dispose()


@pytest.fixture
def keys(engine: Engine) -> PersonKeys:
    return PersonKeys(engine)


def licence_record(**changes: object) -> dict[str, object]:
    return {
        "holder_id_type": "RESIDENT_ID",
        "holder_id_number": PERSON,
        "holder_name": "张三",
        "face_fields": {"住址": "北京市东城区"},
        "issuer": "MR",
        **changes,
    }


def test_a_person_is_sealed_and_opened(keys: PersonKeys) -> None:
    sealed = seal_record(licence_record(), keys)
    assert sealed["holder_id_number"].startswith("enc:v1:")
    assert sealed["holder_name"].startswith("enc:v1:")
    assert sealed["face_fields"]["住址"].startswith("enc:v1:")
    assert sealed["issuer"] == "MR"
    assert open_record(sealed, keys) == licence_record()


def test_a_company_stays_plain(keys: PersonKeys) -> None:
    company = licence_record(holder_id_type="USCC", holder_id_number="91350200776049653A")
    assert seal_record(company, keys) == company


def test_after_forgetting_the_key_only_tombstones_remain(keys: PersonKeys) -> None:
    sealed = seal_record(licence_record(), keys)
    key_id = keys.forget(PERSON)
    opened = open_record(sealed, keys)
    assert opened["holder_id_number"] == f"[erased:{key_id}]"
    assert opened["holder_name"] == ERASED
    assert opened["face_fields"] == {"住址": ERASED}


def test_a_ciphertext_moved_to_another_field_does_not_open(keys: PersonKeys) -> None:
    sealed = seal_record(licence_record(), keys)
    moved = {**sealed, "holder_name": sealed["face_fields"]["住址"]}
    with pytest.raises(SerializationError, match="does not decrypt"):
        open_record(moved, keys)


def test_scrub_replaces_the_number_and_the_names_beside_it() -> None:
    document = {"holder_id_number": PERSON, "holder_name": "张三", "note": f"see {PERSON}"}
    assert scrub([document], PERSON, "[erased:k]") == [
        {"holder_id_number": "[erased:k]", "holder_name": ERASED, "note": "see [erased:k]"}
    ]


def test_only_a_valid_resident_id_is_erased(engine: Engine, keys: PersonKeys) -> None:
    with pytest.raises(InvalidIdentifierError, match="only a person can be erased"):
        erase_person(engine, "91350200776049653A", keys)


def test_erasure_leaves_no_trace_and_keeps_the_counts(engine: Engine, keys: PersonKeys) -> None:
    registry = EmbeddedRegistry()
    writer, reader = SealingSerializer(registry, keys), OpeningDeserializer(registry, keys)
    log = [writer.encode_event(event) for event in event_stream(seed=7, cases=40)]
    projector = Projector(engine)
    projector.apply([reader.decode(value).to_event() for value in log])
    person, name = first_person([reader.decode(value).to_event() for value in log])[:2]
    assert traces(engine, person)
    assert traces(engine, name)
    assert not any(person.encode() in value or name.encode() in value for value in log)
    counts = row_counts(engine, COUNTED)

    report = erase_person(engine, person, keys)

    assert report.key_deleted
    assert report.rows
    assert not traces(engine, person)
    assert not traces(engine, name)
    assert row_counts(engine, COUNTED) == counts
    projector.rebuild(reader.decode(value).to_event() for value in log)
    assert not traces(engine, person)
    assert not traces(engine, name)
    assert row_counts(engine, COUNTED) == counts


def test_erase_command_wants_confirmation_and_a_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEWINDOW_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    unconfirmed = runner.invoke(cli, ["holder", "erase", PERSON])
    assert unconfirmed.exit_code == 2
    assert "--yes" in unconfirmed.stderr
    company = runner.invoke(cli, ["holder", "erase", "91350200776049653A", "--yes"])
    assert company.exit_code == 1
    assert "only a person can be erased" in company.stderr
    nobody = runner.invoke(cli, ["holder", "erase", PERSON, "--yes"])
    assert nobody.exit_code == 0
    assert "erased 110105********002X (no key held); rows anonymised: 0" in nobody.stdout
