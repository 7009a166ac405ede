"""A tourist asks the map what the content model knows, in headless Chromium: "open now",
"events this weekend", "step-free", "UNESCO" and "at least partly wheelchair accessible".

The catalogue is the sample plus an imported partner file (``tests/data/catalogue/facts.csv``)
whose rows make the time-dependent answers deterministic (open 24/7, closed, a market every
Saturday). What the screen lists is compared with what :func:`catalogue.filters.apply_filter`
answers for the same database at the same moment.
"""

from __future__ import annotations

import re

import pytest

from catalogue.filters import ProductFilter, apply_filter, prepare_frame
from catalogue.storage import CatalogueStore
from tests.e2e.conftest import (
    REPO_ROOT,
    catalogue_cli,
    offline_page,
    screenshot,
    start_app,
    stop_app,
)
from tests.e2e.test_journeys import no_exception, open_sidebar, settle

pytestmark = pytest.mark.e2e

FACTS = REPO_ROOT / "tests" / "data" / "catalogue" / "facts.csv"


@pytest.fixture(scope="module")
def facts_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("facts")
    db = root / "catalogue.sqlite"
    catalogue_cli(db, "init")
    catalogue_cli(db, "import", str(FACTS))
    proc, base = start_app(db, {"CATALOGUE_PHOTOS": str(root / "photos")})
    try:
        yield base, f"sqlite:///{db}"
    finally:
        stop_app(proc)


def expected(url: str, flt: ProductFilter) -> set[str]:
    """Ids the filter keeps in the published catalogue now."""
    store = CatalogueStore(url)
    try:
        frame = prepare_frame(store.products_frame())
    finally:
        store.dispose()
    return set(apply_filter(frame, flt)["id"])


def listed(page) -> tuple[int, set[str]]:
    """The result count the page states and the ids of the results it lists (first page)."""
    text = page.get_by_test_id("stMain").get_by_text(re.compile(r"^Wyniki: ")).first
    count = int(re.match(r"Wyniki: (\d+)", text.inner_text()).group(1))
    classes = page.locator('[class*="st-key-pick_"]').evaluate_all(
        "els => els.map(e => e.className)"
    )
    ids = {m.group(1) for c in classes for m in [re.search(r"st-key-pick_(\S+)", c)] if m}
    return count, ids


def tick(page, label: str) -> None:
    """Tick (or untick) the sidebar checkbox labelled ``label``; its label takes the click."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stCheckbox").filter(has_text=label).locator("label").click()
    settle(page)


def expand(page, title: str) -> None:
    page.get_by_test_id("stSidebar").get_by_text(title, exact=True).click()
    page.wait_for_timeout(300)


def assert_lists(page, wanted: set[str]) -> None:
    count, ids = listed(page)
    assert count == len(wanted), (count, sorted(wanted))
    if count <= 12:  # one page of results: every one is on screen
        assert ids == wanted


def test_tourist_asks_open_now_weekend_step_free_unesco_and_wheelchair(browser, facts_server):
    base, url = facts_server
    page = offline_page(browser, 1280, 1000)
    try:
        page.goto(f"{base}/", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Mapa produktów turystycznych").wait_for(timeout=60_000)
        settle(page)
        open_sidebar(page)

        # "Open now": the 24/7 museum is in, the closed one out; the rest as the rules say.
        tick(page, "Otwarte teraz")
        before = expected(url, ProductFilter(open_now=True))
        count, ids = listed(page)
        after = expected(url, ProductFilter(open_now=True))
        assert count in (len(before), len(after)), (count, before, after)
        assert "izba-testowa-czynna-cala-dobe" in ids
        assert "izba-testowa-zamknieta-na-stale" not in ids
        screenshot(page, "facts-open-now")
        tick(page, "Otwarte teraz")

        # "This weekend": the Saturday market is always on this (or the coming) weekend.
        tick(page, "Wydarzenia w ten weekend")
        weekend = expected(url, ProductFilter(upcoming="weekend"))
        assert "jarmark-testowy-w-kazda-sobote" in weekend
        assert_lists(page, weekend)
        screenshot(page, "facts-weekend")
        tick(page, "Wydarzenia w ten weekend")

        # "Step-free": only what states it; unknown is not a yes.
        expand(page, "Więcej o dostępności")
        tick(page, "Wejście bez schodów")
        step_free = expected(url, ProductFilter(access=("step_free",)))
        assert "izba-testowa-czynna-cala-dobe" in step_free
        assert "izba-testowa-zamknieta-na-stale" not in step_free
        assert_lists(page, step_free)
        tick(page, "Wejście bez schodów")

        # "UNESCO": the wooden tserkvas of Radruż and Chotyniec (sample badges).
        expand(page, "Wyróżnienia")
        tick(page, "Światowe Dziedzictwo UNESCO")
        unesco = expected(url, ProductFilter(badges=("unesco",)))
        assert {"sample-054", "sample-058"} <= unesco
        assert_lists(page, unesco)
        screenshot(page, "facts-unesco")
        tick(page, "Światowe Dziedzictwo UNESCO")

        # Wheelchair: "at least partly" adds the partly accessible museum to the full ones.
        box = page.get_by_role("combobox", name="Dostępność dla wózków", exact=True)
        box.click()
        page.get_by_role("option", name="Choć częściowo dostępne dla wózków", exact=True).click()
        settle(page)
        partly = expected(url, ProductFilter(wheelchair="limited"))
        full = expected(url, ProductFilter(wheelchair="yes"))
        assert "izba-testowa-zamknieta-na-stale" in partly - full
        assert_lists(page, partly)
        assert "wheelchair=limited" in page.url
        screenshot(page, "facts-wheelchair-partly")

        # The details say it in words.
        page.locator('[class*="st-key-pick_izba-testowa-zamknieta-na-stale"] button').click()
        settle(page)
        page.get_by_text("Częściowo dostępne dla wózków").first.wait_for(timeout=30_000)
        # A link column of the registry (instagram) reaches the details as a link.
        link = page.get_by_role("link", name="Instagram (instagram.com)")
        assert link.get_attribute("href") == "https://instagram.com/izba_testowa"
        no_exception(page)
        screenshot(page, "facts-details")
    finally:
        screenshot(page, "facts-last")
        page.context.close()
