"""Base maps in headless Chromium with the network cut: the schematic offline base (the
default when no tiles are configured) and an operator's PMTiles file served by the app."""

from __future__ import annotations

import shutil
import uuid

import numpy as np
import pytest
from PIL import Image

from mapview.assets import PMTILES_JS, STATIC_DIR
from tests.e2e.conftest import (
    MAP_FRAME,
    offline_page,
    screenshot,
    start_app,
    stop_app,
    wait_map_settled,
)
from tests.mapview.pmtiles_helpers import FILL, write_test_pmtiles

pytestmark = pytest.mark.e2e

SEATS = {"Jarosław", "Lubaczów", "Przemyśl", "Przeworsk"}


def open_map(browser, base: str, width: int = 1920, height: int = 1080):
    page = offline_page(browser, width, height)
    responses: list[tuple[str, int]] = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    page.responses = responses
    page.goto(base, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".pm, .marker-cluster").first.wait_for(timeout=60_000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    return page, frame


def labels(frame) -> list[str]:
    return frame.locator(".place-label .pl-text").all_inner_texts()


def test_offline_base_names_the_towns_and_more_villages_zoomed_in(browser, app_server):
    page, frame = open_map(browser, app_server)
    frame.locator(".place-label .pl-text").first.wait_for(timeout=30_000)
    shown = labels(frame)
    assert SEATS <= set(shown), shown
    zoom = frame.locator("body").evaluate("() => window.productCluster._map.getZoom()")
    assert 8.5 <= zoom <= 10
    # The San and the state border under the districts; the sources credited.
    assert frame.locator(".leaflet-schematic-pane path").count() == 2
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "GeoNames (CC BY 4.0)" in attribution and "GSHHG/WDBII" in attribution
    screenshot(page, "map-offline-1920x1080")
    # The map re-applies its first fit once more after ~0.9 s unless a person touched it;
    # a view set by script before then would be undone, so wait for the map to settle.
    wait_map_settled(page)
    frame.locator("body").evaluate(
        "() => { const m = window.productCluster._map; m.setView([49.95, 22.7], 11); }"
    )
    page.wait_for_function(
        """([sel, n]) => {
            const d = document.querySelector(sel).contentDocument;
            return d.querySelectorAll('.place-label').length > n;
        }""",
        arg=[MAP_FRAME, len(shown)],
        timeout=30_000,
    )
    zoomed = set(labels(frame))
    # Villages that only appear closer in, e.g. around Jarosław and Radymno.
    assert len(zoomed - set(shown)) >= 10, sorted(zoomed - set(shown))
    assert not page.blocked_requests
    page.context.close()


@pytest.fixture(scope="module")
def tiles_server(tmp_path_factory):
    """An app whose tiles folder (below static/) holds a PMTiles file the test just built."""
    if not PMTILES_JS.source.is_file():
        pytest.fail(f"{PMTILES_JS.source} is missing: run scripts/setup.sh (npm ci)")
    folder = STATIC_DIR / f"pytest-e2e-tiles-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    write_test_pmtiles(folder / "region.pmtiles")
    proc, base = start_app(
        tmp_path_factory.mktemp("tiles-db") / "catalogue.sqlite",
        {"MAP_LOCAL_TILES_DIR": str(folder)},
    )
    try:
        yield base, folder
    finally:
        stop_app(proc)
        shutil.rmtree(folder)


def test_operator_pmtiles_are_requested_from_the_app_and_drawn(browser, tiles_server, tmp_path):
    base, folder = tiles_server
    page, frame = open_map(browser, base)
    page.wait_for_function(
        """sel => {
            const d = document.querySelector(sel).contentDocument;
            const imgs = [...d.querySelectorAll('.leaflet-tile-pane img')];
            return imgs.filter(i => i.src.startsWith('blob:') && i.complete && i.naturalWidth === 256).length >= 4;
        }""",
        arg=MAP_FRAME,
        timeout=30_000,
    )
    tile_file = f"{base}/app/static/{folder.name}/region.pmtiles"
    statuses = {status for url, status in page.responses if url == tile_file}
    # PMTiles reads the file in byte ranges; Streamlit answers them with 206.
    assert statuses == {206}, page.responses[-20:]
    assert not page.blocked_requests
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "Test tiles © the test suite" in attribution
    # No schematic layer over tiles that carry their own names.
    assert frame.locator(".place-label").count() == 0
    shot = tmp_path / "map.png"

    def tile_colour_share() -> float:
        page.locator(MAP_FRAME).screenshot(path=str(shot))
        pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=int).reshape(-1, 3)
        return float((np.abs(pixels - np.array(FILL)).max(axis=1) <= 6).mean())

    # Leaflet fades tiles in and may still be zooming to the region: look again for ≤ 10 s.
    tile_colour = tile_colour_share()
    for _ in range(20):
        if tile_colour > 0.3:
            break
        page.wait_for_timeout(500)
        tile_colour = tile_colour_share()
    assert tile_colour > 0.3
    screenshot(page, "map-local-pmtiles")
    page.context.close()
