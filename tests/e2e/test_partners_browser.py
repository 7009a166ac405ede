"""From an offering to the organisation behind it and back, in headless Chromium."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import MAP_FRAME, screenshot
from tests.e2e.test_map_browser import open_map

pytestmark = pytest.mark.e2e


def test_product_links_to_partner_profile_with_its_offerings_map(browser, app_server):
    page, _ = open_map(browser, app_server, "?q=muzeum narodowe ziemi przemyskiej")
    page.get_by_role("button", name="Muzeum Narodowe Ziemi Przemyskiej").first.click()
    link = page.get_by_role("link", name="Profil partnera")
    link.wait_for(timeout=30_000)
    link.click()
    page.wait_for_url("**/partnerzy?partner=*", timeout=30_000)
    page.locator("h1").first.wait_for(timeout=30_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    frame.locator(".pm, .marker-cluster").first.wait_for(timeout=60_000)
    offerings = frame.locator("body").evaluate("() => window.productCluster.getLayers().length")
    links = page.get_by_role("link").filter(has_text="·")
    assert offerings >= 1 and links.count() == offerings
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    screenshot(page, "partner-profile")

    # Back from the profile to one offering on the main map.
    links.first.click()
    page.wait_for_url("**/?product=*", timeout=30_000)
    page.locator("h3").first.wait_for(timeout=30_000)
