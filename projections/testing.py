"""Realistic event streams of the hub's workflows, made from a seeded random generator.

Each case follows one bundle of the item catalogue (company opening, food business
"several certificates in one", a construction project stage, property with mortgage):
submission, dispatch to every department, acceptance, supplements, suspensions,
help-desk handling, deadline alerts, data access, decisions, licenses and their later
life (change, renewal, cancellation, expiry), commitments kept or broken, supervision
with inspections, credit records, completion and rating. Holders come back for later
cases, so materials on file are reused. The stream is ordered by time, which keeps every
aggregate's events in order, and is produced lazily (about 40 events per case)::

    >>> from itertools import islice
    >>> events = list(islice(event_stream(seed=7, cases=10), 5))
    >>> events[0].event_name, len({event.event_id for event in events})
    ('ApplicationSubmitted', 5)
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from hub.catalogue import Catalogue, load_catalogue
from hub.events.base import Event
from hub.identifiers.generate import random_resident_id, random_uscc
from projections.stamps import projection_stamps
from projections.stories import CaseStory, Holder
from projections.tables import metadata

#: The first case starts at 09:00 Beijing time on this day.
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
#: How often the bundles come up, company openings being the bulk of the window's work.
BUNDLE_WEIGHTS = {
    "COMPANY_OPENING": 5,
    "FOOD_BUSINESS_MULTI_CERT": 2,
    "PROPERTY_MORTGAGE": 2,
    "CONSTRUCTION_PROJECT": 1,
    "CONVENIENCE_STORE": 1,
    "ENTERTAINMENT_VENUE": 1,
    "FREIGHT_AND_TRADE": 1,
    "HAZARDOUS_CHEMICALS_TRADE": 1,
}
_PERSON_BUNDLES = frozenset({"PROPERTY_MORTGAGE"})
#: At most this many persons (and a third as many companies) apply, so long streams
#: start at once and holders keep coming back.
HOLDERS = 30_000


def event_stream(
    seed: int, cases: int, spacing: timedelta = timedelta(minutes=3)
) -> Iterator[Event]:
    """The events of ``cases`` cases, one starting every ``spacing``, in time order."""
    rng = random.Random(seed)
    catalogue = load_catalogue()
    pool = max(1, min(cases, HOLDERS))
    companies = [Holder.company(random_uscc(rng), n) for n in range(max(1, pool // 3))]
    persons = [Holder.person(random_resident_id(rng, START.date()), n) for n in range(pool)]
    seen: set[str] = set()
    stories = (
        _case(catalogue, rng, number, START + number * spacing, companies, persons, seen)
        for number in range(cases)
    )
    return _merge(stories)


def _case(
    catalogue: Catalogue,
    rng: random.Random,
    number: int,
    start: datetime,
    companies: list[Holder],
    persons: list[Holder],
    seen: set[str],
) -> list[Event]:
    bundle = rng.choices(list(BUNDLE_WEIGHTS), weights=list(BUNDLE_WEIGHTS.values()))[0]
    holder = rng.choice(persons if bundle in _PERSON_BUNDLES else companies)
    returning = holder.id_number in seen
    seen.add(holder.id_number)
    story = CaseStory(catalogue, random.Random(rng.getrandbits(64)), f"C-{number:07d}", start)
    story.tell(catalogue.bundle(bundle), holder, returning)
    return sorted(story.events, key=_time)


def _time(event: Event) -> datetime:
    return event.occurred_at


def _merge(cases: Iterator[list[Event]]) -> Iterator[Event]:
    """Merge per-case event lists (each sorted, cases by start time) into one stream."""
    heap: list[tuple[datetime, int, int, list[Event]]] = []
    for number, events in enumerate(cases):
        start = events[0].occurred_at
        while heap and heap[0][0] <= start:
            yield _pop(heap)
        heapq.heappush(heap, (start, number, 0, events))
    while heap:
        yield _pop(heap)


def _pop(heap: list[tuple[datetime, int, int, list[Event]]]) -> Event:
    _, number, position, events = heap[0]
    if position + 1 < len(events):
        following = events[position + 1]
        heapq.heapreplace(heap, (following.occurred_at, number, position + 1, events))
    else:
        heapq.heappop(heap)
    return events[position]


def dump_tables(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every read-model table, sorted, to compare two databases row for row.

    The projections' stamps are left out: they are random, one per writing batch.
    """
    with engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
            if table is not projection_stamps
        }
