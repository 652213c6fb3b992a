"""Disclosure: subjects found at any depth, persons masked unless granted, each view recorded."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from hub.api.disclosure import WITHHELD, Caller, Disclosure
from hub.api.testing import AccessRecorder
from hub.queries.models import Subject

PERSON = Subject(id_type="RESIDENT_ID", id_number="11010519491231002X", name="张三丰")
COMPANY = Subject(id_type="USCC", id_number="91350200776049653A", name="某某有限公司")


class Held(BaseModel):
    license_id: str
    holder: Subject
    face_fields: dict[str, str]


class Answer(BaseModel):
    case_id: str
    applicant: Subject
    licenses: list[Held]


ANSWER = Answer(
    case_id="C-1",
    applicant=PERSON,
    licenses=[
        Held(license_id="L-1", holder=PERSON, face_fields={"名称": "张三丰"}),
        Held(license_id="L-2", holder=COMPANY, face_fields={"名称": "某某有限公司"}),
    ],
)


def released(*granted: str) -> tuple[dict[str, Any], AccessRecorder]:
    sink = AccessRecorder()
    caller = Caller(accessor="officer-1", department="MR", purpose="review")
    shown = Disclosure(caller, granted, sink, "/api/v1/cases/C-1").release(ANSWER)
    return shown, sink


def test_persons_are_masked_everywhere_and_companies_stay_whole() -> None:
    shown, _ = released()
    assert shown["applicant"] == {
        "id_type": "RESIDENT_ID",
        "id_number": "110105********002X",
        "name": "张**",
    }
    person_license, company_license = shown["licenses"]
    assert person_license["holder"]["id_number"] == "110105********002X"
    assert person_license["face_fields"] == {"名称": WITHHELD}
    assert company_license["holder"] == COMPANY.model_dump()
    assert company_license["face_fields"] == {"名称": "某某有限公司"}


def test_each_subject_is_recorded_once_with_the_case_it_was_seen_in() -> None:
    _, sink = released()
    assert [(e.subject_id_number, e.case_id) for e in sink] == [
        (PERSON.id_number, "C-1"),
        (COMPANY.id_number, "C-1"),
    ]
    event = sink[0]
    assert (event.accessor, event.department, event.purpose) == ("officer-1", "MR", "review")
    assert event.resource == "/api/v1/cases/C-1"


def test_a_caller_granted_every_field_sees_everything_and_is_still_recorded() -> None:
    shown, sink = released("id_number", "name", "face_fields")
    assert shown == ANSWER.model_dump(mode="json")
    assert len(sink) == 2


def test_each_field_is_granted_on_its_own() -> None:
    shown, _ = released("name")
    assert shown["applicant"]["id_number"] == "110105********002X"
    assert shown["applicant"]["name"] == "张三丰"
    assert shown["licenses"][0]["face_fields"] == {"名称": WITHHELD}
