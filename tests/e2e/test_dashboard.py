"""The dashboard in headless Chromium: pages load, searches find, charts render."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from hub.db import create_engine_for
from hub.identifiers import mask
from projections.tables import cases, licenses, tasks

pytestmark = pytest.mark.e2e


def first(url: str, query: object) -> tuple[str, ...]:
    engine = create_engine_for(url)
    with engine.connect() as conn:
        row = conn.execute(query).one()  # type: ignore[call-overload]
    engine.dispose()
    return tuple(row)


def test_overview_shows_attention_first_and_charts(
    page: Page, artifacts: Path, dashboard_database: str
) -> None:
    overdue = first(dashboard_database, select(func.count()).where(tasks.c.overdue))[0]
    warned_only = tasks.c.warned & ~tasks.c.overdue
    warned = first(dashboard_database, select(func.count()).where(warned_only))[0]
    response = page.goto("/")
    assert response is not None
    assert response.ok
    expect(page.locator("h1").first).to_have_text("Tasks needing attention")
    rows = page.locator("#attention tbody tr")
    expect(rows.first).to_be_visible()
    assert "overdue" in (rows.first.get_attribute("class") or "")
    expect(page.locator("#attention-count")).to_have_text(
        f"The first {rows.count()} of {overdue + warned}: {overdue} overdue, {warned} warned."
    )
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(4)
    assert page.locator("svg.chart rect.bar").count() >= 10
    assert page.locator("svg.chart circle.point").count() >= 3
    box = page.locator("svg.chart rect.bar").first.bounding_box()
    assert box is not None
    assert box["width"] > 1
    page.screenshot(path=str(artifacts / "dashboard-overview.png"), full_page=True)


def test_case_search_opens_the_case_with_its_timeline(page: Page, dashboard_database: str) -> None:
    query = select(cases.c.case_id).where(cases.c.tasks_total > 2).limit(1)
    (case_id,) = first(dashboard_database, query)
    page.goto("/")
    page.fill("#case-search", case_id)
    page.click("form[action='/search/cases'] button")
    expect(page.locator("#case-id")).to_have_text(case_id)
    expect(page.locator("#tasks tbody tr").first).to_be_visible()
    assert page.locator("#timeline li").count() >= 3


def test_holder_search_lists_cases_with_the_number_masked(
    page: Page, dashboard_database: str
) -> None:
    person = cases.c.applicant_id_type == "RESIDENT_ID"
    query = select(cases.c.applicant_id_number).where(person).limit(1)
    (holder,) = first(dashboard_database, query)
    page.goto("/")
    page.fill("#case-search", holder)
    page.click("form[action='/search/cases'] button")
    expect(page.locator("#cases tbody tr").first).to_be_visible()
    assert holder not in page.content()
    assert mask(holder) in page.content()


def test_license_search_verifies_the_license(page: Page, dashboard_database: str) -> None:
    with_status = [
        select(licenses.c.license_id)
        .where(licenses.c.status == status, licenses.c.superseded_by.is_(None))
        .limit(1)
        for status in ("valid", "cancelled")
    ]
    valid, cancelled = (first(dashboard_database, query)[0] for query in with_status)
    page.goto("/")
    page.fill("#license-search", valid)
    page.click("form[action='/search/licenses'] button")
    expect(page.locator("#license-id")).to_have_text(valid)
    expect(page.locator("#verdict")).to_have_text("Valid today")
    expect(page.locator("#history li").first).to_be_visible()
    page.goto(f"/licenses/{cancelled}")
    expect(page.locator("#verdict")).to_contain_text("cancelled")


def test_an_unknown_search_says_nothing_was_found(page: Page) -> None:
    page.goto("/search/licenses?q=nothing-like-this")
    expect(page.locator("#no-results")).to_be_visible()


def test_an_unknown_case_page_says_so_in_the_page(page: Page) -> None:
    response = page.goto("/cases/C-9999999")
    assert response is not None
    assert response.status == 404
    expect(page.locator("#error")).to_have_text("no case 'C-9999999'")
