"""Pure parts of the built-in connectors: file rows and mapping, reports, webhook signing."""

from __future__ import annotations

import csv
import email.utils
import json
from pathlib import Path

import httpx
import pytest

from connectors.config import load_config
from connectors.file_import import FileImportConfig
from connectors.file_import.mapping import Problem, event_id_for, to_event
from connectors.file_import.report import RowError, report_path, write_report
from connectors.file_import.rows import read_rows
from connectors.webhook import sign, structured_body, verify
from connectors.webhook.sink import check_answer, retry_after
from hub.errors import BackpressureError, ConnectorError, RetriableError, SettingsError
from hub.events.cases import CaseRated


def config(tmp_path: Path, **more: object) -> FileImportConfig:
    raw = {"inbox": str(tmp_path), "event_type": "CaseRated", "source": "tax"} | more
    return load_config(FileImportConfig, raw)


def test_csv_rows_keep_their_original_text_even_across_quoted_newlines() -> None:
    rows = list(read_rows('case_id,comment\nC-1,"two\nlines"\n\nC-2\n', "csv"))
    assert [(r.number, r.line) for r in rows] == [(1, 'C-1,"two\nlines"'), (3, "C-2")]
    assert rows[0].values == {"case_id": "C-1", "comment": "two\nlines"}
    assert rows[1].problem == "row has 1 columns, the header has 2"


def test_json_lines_number_rows_by_line_and_refuse_non_objects() -> None:
    rows = list(read_rows('{"a": 1}\n\n"text"\n{broken\n', "jsonl"))
    assert [(r.number, r.problem is None) for r in rows] == [(1, True), (3, False), (4, False)]
    assert rows[1].problem == "a row must be a JSON object, not str"


def test_columns_are_renamed_and_constants_added(tmp_path: Path) -> None:
    cfg = config(tmp_path, columns={"case_id": "Case No"}, constants={"comment": "imported"})
    event = to_event({"Case No": "C-1", "score": "4", "Ignored": "x"}, cfg, "id-1")
    assert isinstance(event, CaseRated)
    assert (event.case_id, event.score, event.comment, event.source) == (
        "C-1",
        4,
        "imported",
        "tax",
    )
    assert event.event_id == "id-1"


def test_problems_name_the_field_and_its_column(tmp_path: Path) -> None:
    cfg = config(tmp_path, columns={"score": "Points"})
    problems = to_event({"Points": "9"}, cfg, "id-1")
    assert isinstance(problems, list)
    assert [p.field for p in problems] == ["case_id", "score (column Points)"]
    assert "less than or equal to 5 (got '9')" in problems[1].reason


def test_event_ids_follow_the_file_content_and_row() -> None:
    digest = "0" * 64
    assert event_id_for(digest, 1) == event_id_for(digest, 1)
    assert len({event_id_for(digest, 1), event_id_for(digest, 2), event_id_for("1" * 64, 1)}) == 3


def test_the_report_has_a_line_per_problem(tmp_path: Path) -> None:
    error = RowError(4, [Problem("a", "bad"), Problem("b", "worse")], "x,y")
    path = report_path(tmp_path / "in.csv")
    write_report(path, [error])
    with path.open(encoding="utf-8") as report:
        assert list(csv.reader(report)) == [
            ["row", "field", "reason", "line"],
            ["4", "a", "bad", "x,y"],
            ["4", "b", "worse", "x,y"],
        ]
    assert error.reason == "row 4: a: bad; b: worse"


def test_the_config_refuses_an_unknown_event_type_and_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"event_type: .*no event type 'CaseRate'"):
        config(tmp_path, event_type="CaseRate")
    with pytest.raises(SettingsError, match=r"inbox: .*is not a folder"):
        config(tmp_path, inbox=str(tmp_path / "nowhere"))


def test_a_signature_covers_every_byte_and_the_secret() -> None:
    body = structured_body(CaseRated(source="window", case_id="C-1", score=5))
    header = sign(body, "secret-one-secret")
    assert header.startswith("sha256=")
    assert verify(body, header, "secret-one-secret")
    assert not verify(body + b" ", header, "secret-one-secret")
    assert not verify(body, header, "secret-two-secret")
    assert not verify(body, None, "secret-one-secret")


def test_the_body_is_a_structured_cloudevent() -> None:
    event = CaseRated(source="window", case_id="C-1", score=5)
    document = json.loads(structured_body(event))
    assert document["specversion"] == "1.0"
    assert (document["id"], document["subject"]) == (event.event_id, "C-1")
    assert document["time"].endswith("Z")
    assert document["data"]["case_id"] == "C-1"


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("120") == 120.0
    when = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_after(when, now=1_000_000) == 30.0
    assert retry_after("soon") is None
    assert retry_after(None) is None


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (503, {"Retry-After": "3"}, BackpressureError),
        (502, {}, RetriableError),
        (429, {}, RetriableError),
        (400, {}, ConnectorError),
    ],
)
def test_answers_are_sorted_by_whether_trying_again_helps(
    status: int, headers: dict[str, str], error: type[Exception]
) -> None:
    request = httpx.Request("POST", "http://tax.example/events")
    answer = httpx.Response(status, headers=headers, text="nope", request=request)
    with pytest.raises(error, match=f"answered {status}") as caught:
        check_answer(answer, CaseRated(source="window", case_id="C-1", score=5))
    assert type(caught.value) is error
    if isinstance(caught.value, BackpressureError):
        assert caught.value.retry_after == 3.0


def test_identifier_numbers_are_checked_against_their_type(tmp_path: Path) -> None:
    cfg = config(
        tmp_path,
        event_type="ApplicationRejected",
        columns={"applicant_id_number": "Applicant"},
    )
    row = {"case_id": "C-1", "applicant_id_type": "USCC", "Applicant": "91350200776049653B"}
    row |= {"reason": "INVALID_FORM", "detail": "no site plan"}
    problems = to_event(row, cfg, "id-1")
    assert isinstance(problems, list), problems
    assert [p.field for p in problems] == ["applicant_id_number (column Applicant)"]
    assert "USCC '91350200776049653B' is invalid" in problems[0].reason
    valid = to_event(row | {"Applicant": "91350200776049653A"}, cfg, "id-1")
    assert not isinstance(valid, list), valid
