"""Browser fixtures: Debian's Chromium driven by Playwright, over a live API and dashboard.

Chromium comes from ``make browser`` (never ``playwright install``). Without it the tests
are skipped with the reason, except on CI, where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from hub.api import create_app
from hub.api.testing import fill, running_server
from hub.settings import load_settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


# One browser per module, not per session: while Playwright's sync API is open the main
# thread has its running event loop, so asyncio.run() in any later test module would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run 'make browser'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def dashboard_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'read.db'}"
    fill(url, 120, seed=21)
    return url


@pytest.fixture(scope="session")
def dashboard(dashboard_database: str) -> Iterator[str]:
    app = create_app(load_settings(database_url=dashboard_database))
    with running_server(app) as url:
        yield url
    app.state.context.statistics.close()


@pytest.fixture
def page(browser: Browser, dashboard: str) -> Iterator[Page]:
    context = browser.new_context(base_url=dashboard, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
