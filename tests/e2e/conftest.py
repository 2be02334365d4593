"""Browser fixtures: a live app on a temporary SQLite store and Debian's headless Chromium (via Playwright).

The tests skip with the reason when Chromium or Playwright is missing, unless ``ZFXXGK_REQUIRE_BROWSER=1``
(CI), in which case they fail.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import SEEDS
from tests.e2e.server import LiveServer, add_users, browser_missing_reason, launch

REQUIRED = os.environ.get("ZFXXGK_REQUIRE_BROWSER") == "1"


def _need_browser() -> None:
    reason = browser_missing_reason()
    if reason is None:
        return
    if REQUIRED:
        pytest.fail(f"ZFXXGK_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def live(tmp_path):
    """A live app on an empty store with the users admin / rev / filer."""
    _need_browser()
    server = LiveServer(tmp_path / "e2e.db")
    add_users(server.store)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_seeded(tmp_path_factory):
    """A live app with the five seeds imported (not through the browser) and the users."""
    _need_browser()
    from zfxxgk import api

    server = LiveServer(tmp_path_factory.mktemp("e2e") / "seeded.db")
    assert all(o.error is None for o in api.import_paths(SEEDS, server.store))
    add_users(server.store)
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
