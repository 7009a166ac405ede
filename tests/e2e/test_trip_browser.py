"""The trip page in headless Chromium with the network cut: a shared link reopens the trip."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from fairkit.trips import GPX_NS
from tests.e2e.conftest import MAP_FRAME, offline_page, screenshot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["laptop", "phone"])
def test_trip_link_shows_numbered_stops_and_route(browser, app_server, width, height):
    page = offline_page(browser, width, height)
    page.goto(
        f"{app_server}/wycieczka?trip=sample-001,sample-010,sample-003",
        wait_until="domcontentloaded",
    )
    page.get_by_role("heading", name="Moja wycieczka").wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    # The route line through the stops, and one number per stop.
    frame.locator('.leaflet-overlay-pane path[stroke-dasharray="8 6"]').wait_for(timeout=30_000)
    # The number badges are the green (#1f6f43) divs; cluster counts are not.
    badges = frame.locator('.leaflet-marker-pane div[style*="31, 111, 67"]')
    badges.first.wait_for(timeout=30_000)
    labels = badges.all_inner_texts()
    assert sorted(labels) == ["1", "2", "3"]
    # Fitted to the stops in Przemyśl, not the whole region.
    page.wait_for_function(
        f"() => {{ const w = document.querySelector('{MAP_FRAME}').contentWindow;"
        " return w.map && w.map.getZoom() >= 12; }",
        timeout=30_000,
    )
    screenshot(page, f"trip-{width}")
    # The GPX download holds the three stops in the link's order.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Trasa GPX").click()
    root = ET.parse(download.value.path()).getroot()
    names = [p.findtext(f"{{{GPX_NS}}}name") for p in root.iter(f"{{{GPX_NS}}}rtept")]
    assert names[0].startswith("1. Zamek Kazimierzowski") and len(names) == 3
    assert all("tile.openstreetmap.org" in url for url in page.blocked_requests)
    page.context.close()
