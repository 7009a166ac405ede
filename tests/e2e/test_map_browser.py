"""The tourist map in headless Chromium with the network cut (only the app's own server)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from mapview.builder import FOCUS_ZOOM
from tests.e2e.conftest import MAP_FRAME, offline_page, screenshot, wait_map_settled

pytestmark = pytest.mark.e2e


def open_map(browser, base: str, query: str = "", width: int = 1280, height: int = 900):
    page = offline_page(browser, width, height)
    page.goto(f"{base}/{query}", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Mapa produktów turystycznych").wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    frame.locator(".pm, .marker-cluster").first.wait_for(timeout=60_000)
    # Focusing a half-visible iframe scrolls the page between mouse down and up, which turns
    # a marker click into a map click; bring the whole map into view first.
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    return page, frame


def visible_marker_total(frame) -> int:
    """Products on the map: single markers plus the counts shown on clusters."""
    return frame.locator("body").evaluate(
        """() => window.productCluster ? window.productCluster.getLayers().length : -1"""
    )


def test_map_draws_districts_and_clusters_offline(browser, app_server):
    page, frame = open_map(browser, app_server)
    # Five district outlines drawn as SVG paths, and their labels (over the schematic base
    # the place "Przemyśl" names the city, so four).
    assert frame.locator(".leaflet-overlay-pane path").count() >= 5
    assert frame.locator(".district-label").count() == 4
    assert visible_marker_total(frame) >= 80
    assert frame.locator(".map-legend").is_visible()
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "PRG, GUGiK" in attribution and "GeoNames" in attribution
    # With no tile server configured nothing is requested from outside at all.
    assert not page.blocked_requests
    screenshot(page, "map-1280")


def test_filter_narrows_markers_without_reloading_the_map(browser, app_server):
    page, frame = open_map(browser, app_server)
    before = visible_marker_total(frame)
    frame.locator("body").evaluate("() => { window.__marker_probe = 1; }")
    page.get_by_role("textbox", name="Szukaj").fill("krasiczyn")
    page.get_by_role("textbox", name="Szukaj").press("Enter")
    page.wait_for_function(
        """([sel, before]) => {
            const f = document.querySelector(sel);
            const w = f && f.contentWindow;
            return w && w.productCluster && w.productCluster.getLayers().length < before;
        }""",
        arg=[MAP_FRAME, before],
        timeout=30_000,
    )
    after = visible_marker_total(frame)
    assert 1 <= after < before
    # The iframe kept its window: markers were swapped, the map was not reloaded.
    assert frame.locator("body").evaluate("() => window.__marker_probe") == 1
    page.get_by_text("Zamek w Krasiczynie").first.wait_for(timeout=30_000)
    screenshot(page, "map-search-krasiczyn")


def test_clicking_a_marker_opens_details_and_the_link_reopens_it(browser, app_server):
    page, frame = open_map(browser, app_server, "?q=krasiczyn")
    marker = frame.locator(".leaflet-marker-icon[title]").first
    marker.wait_for(timeout=30_000)
    name = marker.get_attribute("title")
    marker.click()
    page.locator("h3").filter(has_text=name).first.wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('product=')", timeout=30_000)
    product = parse_qs(urlsplit(page.url).query)["product"][0]
    # The details show the directions links and the nearby offerings.
    page.get_by_role("link", name="OpenStreetMap").first.wait_for(timeout=10_000)
    screenshot(page, "map-details")

    again, again_frame = open_map(browser, app_server, f"?product={product}")
    again.locator("h3").filter(has_text=name).first.wait_for(timeout=30_000)
    assert "product=" + product in again.url
    # The shared product is brought into view and highlighted on the map.
    again_frame.locator(".pm-sel").wait_for(timeout=10_000)
    assert again_frame.locator(".pm-sel").count() == 1
    wait_map_settled(again)
    # Close enough to find it, never so close that the surroundings disappear (issue 12).
    assert again_frame.locator("body").evaluate("() => window.map.getZoom()") == FOCUS_ZOOM


def test_phone_width_renders_map(browser, app_server):
    page, frame = open_map(browser, app_server, width=375, height=812)
    assert frame.locator(".leaflet-container").bounding_box()["width"] <= 375
    screenshot(page, "map-375")
