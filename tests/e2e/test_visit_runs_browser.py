"""Script runs per visit and per map gesture, counted from the websocket in headless Chromium.

One new visitor costs one run of the script (the map component must not send its first value
back), panning and zooming cost none, and a click on a marker costs one run that opens the
details (no second run cut short by ``st.rerun``), also when the same marker is clicked again
after the details were closed.
"""

from __future__ import annotations

import pytest

from harness.run_counter import open_map, wait_idle
from tests.e2e.conftest import MAP_FRAME

pytestmark = pytest.mark.e2e

CLOSE = "Zamknij szczegóły"


def assert_runs(counter, expected: int, what: str) -> None:
    assert counter.requested == expected, f"{what}: {counter.requested} runs asked for"
    # Every run ran to its end: none was cut short by a newer one.
    assert counter.completed == expected, f"{what}: runs finished {counter.finished}"
    assert len(counter.finished) == expected, f"{what}: runs finished {counter.finished}"
    counter.reset()


def test_a_visit_is_one_run_and_pan_and_zoom_are_none(browser, app_server):
    page, counter = open_map(browser, app_server)
    assert_runs(counter, 1, "a new visit")
    frame = page.frame_locator(MAP_FRAME)
    zoom = frame.locator("body").evaluate("() => window.map.getZoom()")
    frame.locator("body").evaluate("() => window.map.setZoom(window.map.getZoom() + 1)")
    frame.locator("body").evaluate("() => window.map.panBy([120, 80], {animate: false})")
    # The component reports moves after a 250 ms debounce; give it time to (not) send one.
    page.wait_for_timeout(1500)
    wait_idle(page)
    assert frame.locator("body").evaluate("() => window.map.getZoom()") == zoom + 1
    assert_runs(counter, 0, "pan and zoom")
    page.context.close()


def test_each_marker_click_is_one_run_and_a_second_click_reopens(browser, app_server):
    page, counter = open_map(browser, app_server, "?q=krasiczyn")
    assert_runs(counter, 1, "a visit from a shared link")
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    frame = page.frame_locator(MAP_FRAME)
    marker = frame.locator(".leaflet-marker-icon[title]").first
    name = marker.get_attribute("title")

    marker.click()
    page.locator("h3").filter(has_text=name).first.wait_for(timeout=60_000)
    wait_idle(page)
    assert_runs(counter, 1, "a marker click")

    page.get_by_role("button", name=CLOSE).click()
    page.get_by_role("button", name=CLOSE).wait_for(state="detached", timeout=60_000)
    wait_idle(page)
    assert_runs(counter, 1, "closing the details")

    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    frame.locator(f'.leaflet-marker-icon[title="{name}"]').first.click()
    page.locator("h3").filter(has_text=name).first.wait_for(timeout=60_000)
    wait_idle(page)
    assert_runs(counter, 1, "the same marker clicked again")
    page.context.close()
