"""Shared fixtures: every test runs on its own catalogue database, never the developer's."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from harness.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _isolated_default_database(tmp_path_factory):
    """Point CATALOGUE_DB at a session temp file so no test touches data/catalogue.sqlite."""
    old = os.environ.get("CATALOGUE_DB")
    os.environ.pop("DATABASE_URL", None)
    os.environ["CATALOGUE_DB"] = str(tmp_path_factory.mktemp("db") / "catalogue.sqlite")
    yield
    if old is None:
        os.environ.pop("CATALOGUE_DB", None)
    else:
        os.environ["CATALOGUE_DB"] = old


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Hash staff passwords with argon2's cheapest profile in this process.

    Production cost (64 MiB, three passes) per hash and login made the staff and page tests
    spend seconds in argon2; what they check does not depend on the cost. Programs the tests
    start as subprocesses keep the production hasher (tests/catalogue/test_staff.py checks it).
    """
    from argon2 import PasswordHasher, profiles

    from catalogue import staff

    previous = staff.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    yield
    staff.use_hasher(previous)


@pytest.fixture(autouse=True)
def _close_browser_pages_after_each_test(request):
    """Close every page a browser test left open: an open Streamlit page keeps its websocket,
    timers and map scripts running, and forty of them starved the later tests' servers."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            try:
                context.close()
            except Exception:  # already closed with its page, or the browser is gone
                pass


# One Playwright driver per test session: a second sync_playwright() started while the first
# is alive fails ("Sync API inside the asyncio loop"), so every browser test shares this one.
@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
