"""Sinks deliver only what the agreements grant: masked fields, left-out topics, recorded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from connectors.sql_mirror.sink import SqlMirrorConfig, SqlMirrorSink
from connectors.sql_mirror.table import mirror_tables
from hub.api.testing import AccessRecorder
from hub.events.base import IdentifierType, ItemCategory
from hub.events.licenses import LicenseIssued
from hub.events.materials import MaterialRegistered
from hub.events.supervision import SupervisionRequested
from hub.events.tasks import SupplementProvided, TaskDispatched
from hub.identifiers import generate_license_id, mask
from hub.trust.agreements import load_agreements
from hub.trust.sinks import AgreedSink, Recipient, addressee
from projections.processors.issuance import issuer_code

PERSON = "11010519491231002X"


def license_of(holder_type: IdentifierType, number: str, name: str) -> LicenseIssued:
    return LicenseIssued(
        source="MR",
        license_id=generate_license_id("BUSINESSLICENSE", issuer_code("MR"), number[-8:]),
        license_type="BUSINESS_LICENSE",
        license_name="营业执照",
        holder_id_type=holder_type,
        holder_id_number=number,
        holder_name=name,
        issuer="MR",
        valid_from=date(2026, 1, 1),
        face_fields={"住所": "北京市东城区"},
        version=1,
    )


def material() -> MaterialRegistered:
    return MaterialRegistered.model_validate(
        {
            "source": "MR",
            "holder_id_type": "RESIDENT_ID",
            "holder_id_number": PERSON,
            "material": {
                "code": "ID_CARD_COPY",
                "name": "身份证复印件",
                "content_hash": "ab" * 32,
                "trust_grade": "B",
            },
        }
    )


def mirrored(
    tmp_path: Path, department: str, purpose: str
) -> tuple[list[dict[str, object]], AccessRecorder]:
    url = f"sqlite:///{tmp_path / f'{department}.db'}"
    recorder = AccessRecorder()
    sink = AgreedSink(SqlMirrorSink(), Recipient(department, purpose), load_agreements(), recorder)
    sink.start(SqlMirrorConfig(database_url=url))
    person = license_of(IdentifierType.RESIDENT_ID, PERSON, "张三")
    company = license_of(IdentifierType.USCC, "91350200776049653A", "厦门某某贸易有限公司")
    sink.write([person, company, material()])
    sink.flush()
    sink.stop()
    table = mirror_tables("licenses")[0]
    with create_engine(url).connect() as conn:
        rows = [dict(row) for row in conn.execute(select(table)).mappings()]
    return rows, recorder


def test_bank_gets_the_name_but_not_the_number(tmp_path: Path) -> None:
    rows, recorder = mirrored(tmp_path, "BANK", "account opening")
    person = next(row for row in rows if row["holder_id_type"] == "RESIDENT_ID")
    assert person["holder_id_number"] == mask(PERSON)
    assert person["holder_name"] == "张三"
    company = next(row for row in rows if row["holder_id_type"] == "USCC")
    assert company["holder_id_number"] == "91350200776049653A"
    assert [(e.department, e.subject_id_number, e.purpose) for e in recorder] == [
        ("BANK", PERSON, "account opening")
    ]


def test_a_joint_review_department_sees_no_personal_field(tmp_path: Path) -> None:
    rows, _ = mirrored(tmp_path, "HC", "licensing")
    person = next(row for row in rows if row["holder_id_type"] == "RESIDENT_ID")
    assert person["holder_name"] == "张*"
    assert PERSON not in str(rows)


@pytest.mark.parametrize(("department", "purpose"), [("WATER", "licensing"), ("BANK", "marketing")])
def test_outside_the_agreements_nothing_is_delivered(
    tmp_path: Path, department: str, purpose: str
) -> None:
    rows, recorder = mirrored(tmp_path, department, purpose)
    assert rows == []
    assert list(recorder) == []


def test_a_topic_the_agreement_does_not_name_is_left_out(tmp_path: Path) -> None:
    recorder = AccessRecorder()
    sink = AgreedSink(
        SqlMirrorSink(), Recipient("BANK", "account opening"), load_agreements(), recorder
    )
    assert sink.disclosed(material()) is None
    assert sink.disclosed(license_of(IdentifierType.RESIDENT_ID, PERSON, "张三")) is not None


#: A task's fields other than whose it is; only the department and item matter here.
TASK = {
    "source": "onewindow/casework",
    "case_id": "C-2026-000001",
    "category": ItemCategory.ENCOURAGED,
    "commitment_based": False,
    "statutory_days": 20,
    "promised_days": 5,
    "statutory_due_date": date(2026, 3, 30),
    "promised_due_date": date(2026, 3, 9),
}


def task(department: str, item: str) -> TaskDispatched:
    whose = {"task_id": f"C-2026-000001:{item}", "department": department, "item_code": item}
    return TaskDispatched.model_validate({**TASK, **whose})


def supplement(item: str) -> SupplementProvided:
    return SupplementProvided(
        source="sim/applicants",
        case_id="C-2026-000001",
        task_id=f"C-2026-000001:{item}",
        materials=(material().material,),
    )


def inspection_request(department: str) -> SupervisionRequested:
    return SupervisionRequested(
        source="onewindow/casework",
        license_id="L-1",
        supervision_id="L-1:supervision",
        department=department,
        case_id="C-2026-000001",
        holder_id_type=IdentifierType.RESIDENT_ID,
        holder_id_number=PERSON,
        holder_name="张三",
        commitment_based=True,
        due_date=date(2026, 3, 16),
    )


def processing(department: str) -> tuple[AgreedSink, AccessRecorder]:
    recorder = AccessRecorder()
    recipient = Recipient(department, "processing")
    return AgreedSink(SqlMirrorSink(), recipient, load_agreements(), recorder), recorder


def test_events_are_addressed_by_their_department_or_their_task_item() -> None:
    assert addressee(task("TAX", "TAX-DJ-001")) == "TAX"
    assert addressee(supplement("PS-BA-001")) == "PS"
    assert addressee(inspection_request("FD")) == "FD"
    assert addressee(material()) is None


def test_a_department_receives_its_own_tasks_and_no_other(tmp_path: Path) -> None:
    sink, _ = processing("PS")  # no agreement of PS names the applications topic
    own = task("PS", "PS-BA-001")
    assert sink.disclosed(own) == own
    assert sink.disclosed(supplement("PS-BA-001")) is not None
    assert sink.disclosed(task("TAX", "TAX-DJ-001")) is None
    assert sink.disclosed(supplement("TAX-DJ-001")) is None
    assert sink.disclosed(inspection_request("FD")) is None


def test_an_inspection_comes_with_the_holder_it_is_about(tmp_path: Path) -> None:
    sink, recorder = processing("EE")
    shown = sink.disclosed(inspection_request("EE"))
    assert isinstance(shown, SupervisionRequested)
    assert (shown.holder_id_number, shown.holder_name) == (PERSON, "张三")
    assert [(e.department, e.subject_id_number, e.purpose) for e in recorder] == [
        ("EE", PERSON, "processing")
    ]


def test_the_service_centre_receives_the_tasks_delegated_to_it(tmp_path: Path) -> None:
    sink, _ = processing("SC")
    assert sink.disclosed(task("DRC", "DRC-BA-001")) is not None
    assert sink.disclosed(task("TAX", "TAX-DJ-001")) is None


def test_other_purposes_see_other_departments_tasks_as_the_agreements_say() -> None:
    market = AgreedSink(
        SqlMirrorSink(), Recipient("MR", "licensing"), load_agreements(), AccessRecorder()
    )
    assert market.disclosed(task("TAX", "TAX-DJ-001")) is not None  # MR-registration
    tax = AgreedSink(
        SqlMirrorSink(), Recipient("TAX", "licensing"), load_agreements(), AccessRecorder()
    )
    assert tax.disclosed(task("TAX", "TAX-DJ-001")) is None  # its own, but not to process
