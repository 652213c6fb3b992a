"""The generated workflow streams: reproducible, ordered per aggregate, realistic enough."""

from __future__ import annotations

import doctest
from collections import Counter, defaultdict

import projections
import projections.testing
from hub.events import EVENT_MODELS
from hub.events.applications import ApplicationSubmitted
from hub.events.base import Event
from hub.events.licenses import LicenseIssued
from hub.events.tasks import TaskEvent
from hub.identifiers import validate
from projections.registry import IGNORED_EVENTS
from projections.testing import event_stream


def _stream(seed: int = 3, cases: int = 120) -> list[Event]:
    return list(event_stream(seed=seed, cases=cases))


def test_same_seed_same_events_other_seed_other_events() -> None:
    assert _stream() == _stream()
    assert _stream(seed=4)[0] != _stream()[0]


def test_stream_is_in_time_order_so_every_key_keeps_its_order() -> None:
    moments = [event.occurred_at for event in _stream()]
    assert moments == sorted(moments)


def test_every_case_opens_before_its_other_events() -> None:
    first: dict[str, str] = {}
    for event in _stream():
        case_id = getattr(event, "case_id", None)
        if case_id and event.topic.value == "onewindow.applications":
            first.setdefault(case_id, event.event_name)
    assert set(first.values()) == {"ApplicationSubmitted", "ApplicationRejected"}


def test_every_event_type_occurs_and_ids_are_unique() -> None:
    events = _stream(cases=400)
    assert set(Counter(event.event_name for event in events)) == set(EVENT_MODELS) - IGNORED_EVENTS
    assert len({event.event_id for event in events}) == len(events)


def test_holders_and_licenses_carry_valid_identifiers() -> None:
    checks = {"USCC": "uscc", "RESIDENT_ID": "resident"}
    for event in _stream():
        if isinstance(event, ApplicationSubmitted):
            kind = checks[event.applicant_id_type]
            assert validate(kind, event.applicant_id_number).valid
        if isinstance(event, LicenseIssued):
            assert validate("license", event.license_id).valid


def test_tasks_are_accepted_after_dispatch_and_decided_after_acceptance() -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for event in _stream():
        if isinstance(event, TaskEvent):
            seen[event.task_id].append(event.event_name)
    decisions = {"TaskApproved", "TaskRejected"}
    for names in seen.values():
        assert names[:2] == ["TaskDispatched", "TaskAccepted"]
        assert len(decisions & set(names)) <= 1
        assert not decisions & set(names) or names[-1] in decisions


def test_package_and_stream_examples_run() -> None:
    for module in (projections, projections.testing):
        failed, attempted = doctest.testmod(module)
        assert (failed, attempted > 0) == (0, True)
