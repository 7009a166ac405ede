"""In Chromium: a truncated database gives the friendly page and no traceback; URL values
that crashed pages (``?month=²``, ``?interval=²``) are ignored."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import offline_page, screenshot, start_app, stop_app

pytestmark = pytest.mark.e2e

LEAKS = ("Traceback", "sqlalchemy", "OperationalError", "DatabaseError", "site-packages")


@pytest.fixture(scope="module")
def truncated_server(tmp_path_factory):
    db = tmp_path_factory.mktemp("truncated") / "catalogue.sqlite"
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)  # a header and nothing else
    proc, base = start_app(db)
    try:
        yield base
    finally:
        stop_app(proc)


def _assert_clean(page) -> None:
    text = page.locator("body").inner_text()
    for word in LEAKS:
        assert word not in text, (word, text[:2000])
    assert page.locator("[data-testid='stException']").count() == 0


def test_truncated_database_shows_the_friendly_page(browser, truncated_server):
    page = offline_page(browser)
    for path, title in (
        ("/", "Mapa jest chwilowo niedostępna"),
        ("/partnerzy?lang=en", "The map is temporarily unavailable"),
        ("/prezentacja?lang=uk", "Мапа тимчасово недоступна"),
    ):
        page.goto(f"{truncated_server}{path}", wait_until="domcontentloaded")
        page.get_by_role("heading", name=title).wait_for(timeout=60_000)
        page.wait_for_timeout(500)
        _assert_clean(page)
    screenshot(page, "database-unavailable")
    page.context.close()


def test_superscript_digits_in_the_url_do_not_crash(browser, app_server):
    page = offline_page(browser)
    page.goto(f"{app_server}/?month=%C2%B2", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Mapa produktów turystycznych").wait_for(timeout=60_000)
    page.get_by_text("Wyniki:").first.wait_for(timeout=60_000)
    _assert_clean(page)
    page.goto(f"{app_server}/prezentacja?interval=%C2%B2", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Odkryj pięć powiatów").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    _assert_clean(page)
    page.context.close()
