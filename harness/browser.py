"""Headless Chromium pages that can reach only this machine (the network is cut)."""

from __future__ import annotations

from ui.map_component import MAP_IFRAME_SELECTOR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]
# The map component's iframe, found as the app finds it (by the component's address: its
# title is the map's name in the reader's language).
MAP_FRAME = MAP_IFRAME_SELECTOR

# True once the product map stopped moving by itself: no view of the map script still to
# apply (window.productViewPending, mapview/js/src/map_layers.js) and no zoom animation.
MAP_SETTLED = """() => !!window.productCluster && !window.productViewPending
    && !(window.productCluster._map && window.productCluster._map._animatingZoom)"""

_LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")


def offline_page(browser, width: int = 1280, height: int = 900):
    """A new page whose requests to anything but 127.0.0.1/localhost are aborted;
    the aborted addresses are listed in ``page.blocked_requests``."""
    context = browser.new_context(viewport={"width": width, "height": height})
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(_LOCAL_PREFIXES):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.blocked_requests = blocked
    return page


def wait_map_settled(page, timeout_ms: int = 30_000) -> None:
    """Wait until the product map in ``page``'s map iframe stops moving by itself."""
    frame = page.locator(MAP_FRAME).first.element_handle().content_frame()
    frame.wait_for_function(MAP_SETTLED, timeout=timeout_ms)
