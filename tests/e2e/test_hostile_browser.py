"""A partner-supplied name built to run script shows as text everywhere and runs nothing."""

from __future__ import annotations

import pytest

from catalogue.model import Partner, Product
from catalogue.storage import CatalogueStore
from tests.e2e.conftest import MAP_FRAME, offline_page, screenshot, start_app, stop_app

pytestmark = pytest.mark.e2e

HOSTILE = "<img src=x onerror=alert(1)>${alert(2)}`"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "catalogue.sqlite"
    store = CatalogueStore(f"sqlite:///{db}")
    store.create_schema()
    partner = Partner(id="evil", name=HOSTILE, sector="social_economy", gmina_teryt="1862011")
    products = [
        Product(
            id=f"evil-{i}",
            name_pl=HOSTILE if i == 0 else f"{HOSTILE} {i}",
            description_pl=HOSTILE,
            category="heritage",
            lat=49.7836 + i * 0.01,
            lon=22.7678,
            district_teryt="1862",
            gmina_teryt="1862011",
            partner_id="evil",
            website="javascript:alert(5)",
            status="published",
        )
        for i in range(3)
    ]
    store.save_products(products, actor="test", partners=[partner])
    store.dispose()
    proc, base = start_app(db)
    try:
        yield base
    finally:
        stop_app(proc)


def test_hostile_name_is_shown_as_text_and_runs_nothing(browser, hostile_server):
    page = offline_page(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # The search zooms the map to the three markers, so each can be hovered and clicked.
    page.goto(f"{hostile_server}/?q=onerror", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".pm").first.wait_for(timeout=60_000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.wait_for_timeout(1500)

    # Hover and click every marker: tooltips open, clicks are sent back to the app.
    for marker in frame.locator(".leaflet-marker-icon[title]").all():
        marker.hover()
        page.wait_for_timeout(200)
    tooltip = frame.locator(".leaflet-tooltip").last.inner_text()
    assert HOSTILE in tooltip or tooltip.startswith("<img")
    frame.locator(".leaflet-marker-icon[title]").first.click()
    page.wait_for_timeout(1500)

    heading = page.locator("h3").filter(has_text="<img src=x").first
    heading.wait_for(timeout=30_000)
    assert heading.inner_text().startswith("<img src=x onerror=alert(1)>${alert(2)}`")
    assert page.locator("img[src='x']").count() == 0
    assert frame.locator("img[src='x']").count() == 0
    # The javascript: website is not offered as a link.
    assert page.locator("a[href^='javascript']").count() == 0
    assert dialogs == []
    screenshot(page, "hostile-name")
