"""Event ids are RFC 9562 version-7 UUIDs: valid, time-first, reproducible from a seed."""

import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from hub.events import CaseRated
from hub.ids import uuid7
from projections.stories import event_id

MOMENT = datetime(2026, 11, 21, 8, 30, 15, 123000, tzinfo=UTC)


def test_an_id_is_a_version_7_uuid_that_starts_with_its_milliseconds() -> None:
    parsed = uuid.UUID(uuid7(MOMENT))
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert parsed.int >> 80 == int(MOMENT.timestamp() * 1000)


def test_ids_sort_as_their_moments_do_whatever_the_random_bits() -> None:
    moments = [MOMENT + timedelta(milliseconds=n * 7) for n in range(200)]
    ids = [uuid7(moment) for moment in moments]
    assert sorted(ids) == ids
    assert len({uuid7(MOMENT) for _ in range(1000)}) == 1000


def test_given_bits_make_the_same_id_and_keep_version_and_variant() -> None:
    assert uuid7(MOMENT, bits=(1 << 74) - 1) == uuid7(MOMENT, bits=(1 << 74) - 1)
    parsed = uuid.UUID(uuid7(MOMENT, bits=(1 << 74) - 1))
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)


def test_a_new_event_id_starts_with_the_millisecond_it_was_made() -> None:
    before = time.time_ns() // 1_000_000
    made = CaseRated(source="test", case_id="C-1", score=5)
    after = time.time_ns() // 1_000_000
    assert before <= uuid.UUID(made.event_id).int >> 80 <= after


def test_generated_workflows_reproduce_their_ids_from_the_seed() -> None:
    assert event_id(random.Random(7), MOMENT) == event_id(random.Random(7), MOMENT)
    assert event_id(random.Random(7), MOMENT) != event_id(random.Random(8), MOMENT)
