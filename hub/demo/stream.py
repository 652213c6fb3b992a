"""The demo's stream of applicants: who applies for what, and when, from a seeded generator.

The mix follows the window's work: companies opening (the bulk), food businesses with
several certificates in one, persons registering a property with a mortgage, and — once
companies have opened — the same companies coming back for single items or a food
license, so what they hold is reused. Some applicants leave out a non-essential material
on a signed commitment (容缺受理); one construction project per hundred applications runs
through its five stages. Arrivals spread over working days in office hours::

    >>> plans = applications(seed=7, count=50)
    >>> len(plans), plans[0].case_id, sum(p.returning for p in plans) > 0
    (50, 'DEMO-00001', True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from hub.catalogue import load_catalogue
from hub.identifiers.generate import random_resident_id, random_uscc
from projections.stories import Holder

#: How often each kind of application comes up among first-time applicants.
NEW_WEIGHTS = {"COMPANY_OPENING": 5, "FOOD_BUSINESS_MULTI_CERT": 2, "PROPERTY_MORTGAGE": 2}
#: Single items a company comes back for once it is open.
RETURNING_ITEMS = ("MR-DJ-002", "HRSS-XK-001", "PS-XK-001", "TAX-XK-001", "EE-BA-001")
RETURNING_SHARE = 0.3
PROMISE_SHARE = 0.2
#: Working days a company needs before it comes back (its business license issued).
COMEBACK_AFTER = 6.0
APPLICATIONS_PER_PROJECT = 100
APPLICATIONS_PER_DAY = 12
#: Persons applying are adults: born by this day.
ADULTS_BORN_BY = date(2004, 1, 1)


@dataclass(frozen=True)
class Application:
    """One application the window will receive: whose, for what, and when."""

    case_id: str
    holder: Holder
    bundle_code: str | None
    item_codes: tuple[str, ...]
    arrival: float
    promise: bool = False
    returning: bool = False

    @property
    def project_code(self) -> str | None:
        """The project a staged bundle's stages share."""
        staged = self.bundle_code is not None and load_catalogue().bundle(self.bundle_code).staged
        return f"P-{self.case_id}" if staged else None


def arrival_days(count: int) -> float:
    """Working days over which ``count`` applications arrive."""
    return max(2 * COMEBACK_AFTER, count / APPLICATIONS_PER_DAY)


def applications(seed: int, count: int) -> list[Application]:
    """``count`` applications in order of arrival."""
    rng = random.Random(seed)
    span = arrival_days(count)
    arrivals = sorted(rng.uniform(0, span) for _ in range(count))
    projects = set(rng.sample(range(count), max(1, count // APPLICATIONS_PER_PROJECT)))
    opened: list[tuple[float, Holder]] = []
    plans: list[Application] = []
    for n, arrival in enumerate(arrivals):
        case_id = f"DEMO-{n + 1:05d}"
        if n in projects:
            plan = Application(case_id, _company(rng), "CONSTRUCTION_PROJECT", (), arrival)
        else:
            plan = _next(rng, case_id, arrival, opened)
        if plan.bundle_code == "COMPANY_OPENING":
            opened.append((arrival, plan.holder))
        plans.append(plan)
    return plans


def _next(
    rng: random.Random, case_id: str, arrival: float, opened: list[tuple[float, Holder]]
) -> Application:
    """A returning company when one is open and it is its turn, else a new applicant."""
    ready = [holder for day, holder in opened if day + COMEBACK_AFTER <= arrival]
    promise = rng.random() < PROMISE_SHARE
    if ready and rng.random() < RETURNING_SHARE:
        holder = rng.choice(ready)
        if rng.random() < 0.3:
            bundle = "FOOD_BUSINESS_MULTI_CERT"
            return Application(case_id, holder, bundle, (), arrival, promise, returning=True)
        item = (rng.choice(RETURNING_ITEMS),)
        return Application(case_id, holder, None, item, arrival, promise, returning=True)
    bundle = rng.choices(list(NEW_WEIGHTS), weights=list(NEW_WEIGHTS.values()))[0]
    holder = _person(rng) if bundle == "PROPERTY_MORTGAGE" else _company(rng)
    return Application(case_id, holder, bundle, (), arrival, promise)


def _company(rng: random.Random) -> Holder:
    return Holder.company(random_uscc(rng), rng.randrange(1000))


def _person(rng: random.Random) -> Holder:
    return Holder.person(random_resident_id(rng, ADULTS_BORN_BY), rng.randrange(100))
