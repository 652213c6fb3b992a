"""Sealed licenses: a seal per version, tampering detected, status lists flip their bits."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, select, update

from hub.cli.main import cli
from hub.errors import ValidationError
from hub.events.base import IdentifierType
from hub.events.licenses import LicenseIssued, LicenseRevoked, LicenseSuspended
from hub.identifiers import generate_license_id
from hub.trust.erasure import erase_person
from hub.trust.keys import DepartmentKeys
from hub.trust.keystore import PersonKeys
from hub.trust.signing import (
    PUBLIC_TAMPERED,
    LicenseSealer,
    canonical,
    public_canonical,
    verify_license,
)
from hub.trust.statuslist import (
    LIST_SIZE,
    assign_index,
    bit_of,
    status_index,
    status_list_credential,
    verify_proof,
)
from hub.trust.tables import license_public_seals, license_seals, status_indices
from projections.engine import Projector
from projections.processors.issuance import issuer_code
from projections.tables import licenses

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
URL = "http://hub.test/api/v1/status-lists/revocation"


def issued(serial: str = "2026000001") -> LicenseIssued:
    return LicenseIssued(
        source="MR",
        license_id=generate_license_id("BUSINESSLICENSE", issuer_code("MR"), serial),
        license_type="BUSINESS_LICENSE",
        license_name="营业执照",
        holder_id_type=IdentifierType.RESIDENT_ID,
        holder_id_number="11010519491231002X",
        holder_name="张三",
        issuer="MR",
        valid_from=date(2026, 1, 1),
        face_fields={"经营范围": "餐饮服务"},
        version=1,
    )


@pytest.fixture
def engine() -> Engine:
    return create_engine("sqlite://")


@pytest.fixture
def keys(tmp_path: Path) -> DepartmentKeys:
    return DepartmentKeys(tmp_path / "keys")


@pytest.fixture
def sealer(engine: Engine, keys: DepartmentKeys) -> LicenseSealer:
    return LicenseSealer(engine, keys)


def store(engine: Engine, sealer: LicenseSealer, *events: LicenseIssued) -> None:
    Projector(engine, "license_store").apply(events)
    sealer.handle(events, NOW)


def test_a_sealed_license_verifies(engine: Engine, sealer: LicenseSealer) -> None:
    license_ = issued()
    store(engine, sealer, license_)
    verdict = verify_license(engine, sealer.keys, license_.license_id, TODAY)
    assert verdict.valid, verdict.reasons


@pytest.mark.parametrize(
    ("column", "value"),
    [("holder_name", "李四"), ("valid_from", date(2025, 1, 1)), ("face_fields", {"经营范围": "x"})],
)
def test_tampering_with_a_stored_license_fails(
    engine: Engine, sealer: LicenseSealer, column: str, value: object
) -> None:
    license_ = issued()
    store(engine, sealer, license_)
    with engine.begin() as conn:
        conn.execute(update(licenses).values({column: value}))
    verdict = verify_license(engine, sealer.keys, license_.license_id, TODAY)
    assert not verdict.valid
    assert verdict.reasons == ("the signature does not match the license as stored",)


def test_one_flipped_byte_of_the_signature_fails(engine: Engine, sealer: LicenseSealer) -> None:
    license_ = issued()
    store(engine, sealer, license_)
    with engine.begin() as conn:
        signature = conn.execute(license_seals.select()).mappings().one()["signature"]
        flipped = ("A" if signature[5] != "A" else "B").join((signature[:5], signature[6:]))
        conn.execute(update(license_seals).values(signature=flipped))
    assert not verify_license(engine, sealer.keys, license_.license_id, TODAY).valid


def test_unsealed_unknown_and_foreign_keys_are_named(
    engine: Engine, sealer: LicenseSealer, tmp_path: Path
) -> None:
    license_ = issued()
    Projector(engine, "license_store").apply([license_])
    assert verify_license(engine, sealer.keys, license_.license_id, TODAY).reasons == (
        "the license carries no seal",
    )
    assert not verify_license(engine, sealer.keys, "NOPE", TODAY).valid
    sealer.handle([license_], NOW)
    other_keys = DepartmentKeys(tmp_path / "other")
    reasons = verify_license(engine, other_keys, license_.license_id, TODAY).reasons
    assert reasons == ("no key of the issuer 'MR' to check the seal with",)
    assert not (tmp_path / "other" / "MR.pem").exists()
    other_keys.key_id("MR")
    reasons = verify_license(engine, other_keys, license_.license_id, TODAY).reasons
    assert reasons == ("the seal was not made with the key of the issuer 'MR'",)


def test_status_and_period_make_it_invalid(engine: Engine, sealer: LicenseSealer) -> None:
    license_ = issued()
    store(engine, sealer, license_)
    revoked = LicenseRevoked(
        source="MR", license_id=license_.license_id, authority="MR", reason="false materials"
    )
    Projector(engine, "license_store").apply([revoked])
    verdict = verify_license(engine, sealer.keys, license_.license_id, date(2025, 6, 1))
    assert verdict.reasons == (
        "the license is revoked",
        "the license is valid only from 2026-01-01",
    )


def test_sealing_again_writes_the_same_bytes(engine: Engine, sealer: LicenseSealer) -> None:
    license_ = issued()
    store(engine, sealer, license_)
    with engine.connect() as conn:
        first = conn.execute(license_seals.select()).mappings().one()
    sealer.handle([license_], NOW)
    with engine.connect() as conn:
        assert conn.execute(license_seals.select()).mappings().one() == first


def test_canonical_form_is_sorted_compact_json() -> None:
    text = canonical(issued().model_dump()).decode()
    assert text.startswith('{"face_fields":{"经营范围":"餐饮服务"},"holder_id_number":')
    assert ", " not in text


def test_keys_are_made_once_private_to_the_owner(tmp_path: Path) -> None:
    keys = DepartmentKeys(tmp_path)
    key_id = keys.key_id("MR")
    mode = (tmp_path / "MR.pem").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert DepartmentKeys(tmp_path).key_id("MR") == key_id
    assert "PRIVATE" not in keys.public_pem("MR")


def test_revoking_flips_its_bit(engine: Engine, sealer: LicenseSealer) -> None:
    licenses_ = [issued(f"20260000{n:02d}") for n in range(5)]
    store(engine, sealer, *licenses_)
    target = licenses_[2]
    with engine.connect() as conn:
        index = status_index(conn, target.license_id)
        assert index is not None
        before = status_list_credential(conn, "revocation", URL, sealer.keys, NOW)
    revoked = LicenseRevoked(source="MR", license_id=target.license_id, authority="MR", reason="x")
    Projector(engine, "license_store").apply([revoked])
    with engine.connect() as conn:
        after = status_list_credential(conn, "revocation", URL, sealer.keys, NOW)
        suspension = status_list_credential(conn, "suspension", URL, sealer.keys, NOW)
    assert bit_of(before, index) == 0
    assert bit_of(after, index) == 1
    assert bit_of(suspension, index) == 0
    assert sum(bit_of(after, n) for n in _indices(engine, licenses_)) == 1
    assert after["credentialSubject"]["encodedList"].startswith("u")
    assert verify_proof(after, sealer.keys)


def test_suspension_list_and_tampered_proof(engine: Engine, sealer: LicenseSealer) -> None:
    license_ = issued()
    store(engine, sealer, license_)
    suspended = LicenseSuspended(
        source="MR", license_id=license_.license_id, authority="EB", reason="inspection"
    )
    Projector(engine, "license_store").apply([suspended])
    with engine.connect() as conn:
        index = status_index(conn, license_.license_id)
        credential = status_list_credential(conn, "suspension", URL, sealer.keys, NOW)
    assert index is not None
    assert bit_of(credential, index) == 1
    credential["credentialSubject"]["statusPurpose"] = "revocation"
    assert not verify_proof(credential, sealer.keys)


def test_the_list_is_long_enough_for_herd_privacy(engine: Engine, sealer: LicenseSealer) -> None:
    store(engine, sealer, issued())
    with engine.connect() as conn:
        credential = status_list_credential(conn, "revocation", URL, sealer.keys, NOW)
    assert bit_of(credential, LIST_SIZE - 1) == 0
    with pytest.raises(IndexError):
        bit_of(credential, LIST_SIZE)


def _indices(engine: Engine, events: list[LicenseIssued]) -> list[int]:
    with engine.connect() as conn:
        found = [status_index(conn, event.license_id) for event in events]
    return [index for index in found if index is not None]


@pytest.fixture
def file_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The database of a hub in ``tmp_path``, as ``onewindow license verify`` finds it."""
    monkeypatch.setenv("ONEWINDOW_DATA_DIR", str(tmp_path))
    engine = create_engine(f"sqlite:///{tmp_path / 'onewindow.db'}")
    yield engine
    engine.dispose()


def stored_in(engine: Engine, data_dir: Path) -> LicenseIssued:
    license_ = issued()
    store(engine, LicenseSealer(engine, DepartmentKeys(data_dir / "keys")), license_)
    return license_


def test_license_verify_command_checks_the_seal(file_engine: Engine, tmp_path: Path) -> None:
    license_ = stored_in(file_engine, tmp_path)
    run = CliRunner()
    sealed = json.loads(
        run.invoke(cli, ["license", "verify", license_.license_id, "--json"]).stdout
    )
    assert sealed["signature"] == {
        "checked": True,
        "valid": True,
        "detail": "sealed by MR",
        "holder_erased": False,
    }
    with file_engine.begin() as conn:
        conn.execute(update(licenses).values(holder_name="李四"))
    tampered = run.invoke(cli, ["license", "verify", license_.license_id, "--json"])
    assert tampered.exit_code == 1
    assert json.loads(tampered.stdout)["signature"]["valid"] is False


def test_a_full_status_list_is_named(engine: Engine, sealer: LicenseSealer) -> None:
    rows = [{"license_id": f"L{n}", "list_index": n} for n in range(LIST_SIZE)]
    with engine.begin() as conn:
        conn.execute(status_indices.insert(), rows)
    with pytest.raises(ValidationError, match="nearly full"), engine.begin() as conn:
        assign_index(conn, "one-too-many")
    with engine.connect() as conn:
        assert assign_index(conn, "L7") == 7


def test_an_erased_holders_license_says_so_and_still_checks_the_rest(
    file_engine: Engine, tmp_path: Path
) -> None:
    license_ = stored_in(file_engine, tmp_path)
    erase_person(file_engine, license_.holder_id_number, PersonKeys(file_engine))
    verify = ["license", "verify", license_.license_id, "--json"]

    erased = CliRunner().invoke(cli, verify)

    assert erased.exit_code == 0, erased.output
    signature = json.loads(erased.stdout)["signature"]
    assert (signature["checked"], signature["valid"], signature["holder_erased"]) == (
        True,
        True,
        True,
    )
    assert signature["detail"].startswith("the holder was erased")
    assert "the holder was erased" in CliRunner().invoke(cli, verify[:-1]).stdout
    with file_engine.begin() as conn:
        conn.execute(update(licenses).values(valid_from=date(2020, 1, 1)))
    tampered = json.loads(CliRunner().invoke(cli, verify).stdout)["signature"]
    assert tampered["valid"] is False
    assert tampered["detail"] == PUBLIC_TAMPERED
    with file_engine.begin() as conn:
        conn.execute(license_public_seals.delete())
    older = json.loads(CliRunner().invoke(cli, verify).stdout)["signature"]
    assert (older["checked"], older["valid"], older["holder_erased"]) == (False, None, True)


def test_erasure_leaves_no_seal_that_could_confirm_a_guess_of_the_person(
    file_engine: Engine, tmp_path: Path
) -> None:
    license_ = stored_in(file_engine, tmp_path)
    with file_engine.connect() as conn:
        before = conn.execute(select(license_seals.c.signature)).scalar_one()
    keys = DepartmentKeys(tmp_path / "keys")
    guess = canonical(license_.model_dump(mode="python"))
    assert keys.verify(license_.issuer, base64.urlsafe_b64decode(before), guess)

    report = erase_person(file_engine, license_.holder_id_number, PersonKeys(file_engine))

    with file_engine.connect() as conn:
        seal = conn.execute(select(license_seals)).mappings().one()
    assert report.rows["license_seals"] == 1
    assert seal["signature"] != before
    assert (seal["issuer"], seal["license_id"]) == (license_.issuer, license_.license_id)
    verdict = json.loads(
        CliRunner().invoke(cli, ["license", "verify", license_.license_id, "--json"]).stdout
    )
    assert (verdict["signature"]["valid"], verdict["signature"]["holder_erased"]) == (True, True)


def test_the_seal_over_the_fields_naming_no_one_leaves_the_person_out() -> None:
    signed = public_canonical(issued().model_dump(mode="python")).decode()
    assert "11010519491231002X" not in signed
    assert "张三" not in signed
    assert "餐饮服务" not in signed
    assert "经营范围" in signed
