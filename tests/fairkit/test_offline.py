"""The offline map: one self-contained file that works from file:// with the network cut."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
import pytest

from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore
from fairkit.offline import export_offline_map, offline_map_html
from geodata import fold_text
from harness.browser import MAP_SETTLED
from mapview.builder import product_rows
from mapview.tiles import OnlineTiles, TileConfig

HOSTILE = "<img src=x onerror=alert(1)>${alert(2)}`"
# Loading attributes and CSS urls; a value is external when it names a scheme or a host.
RESOURCE = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)((?:[a-z][a-z0-9+.-]*:)?//[^"'\s>)]*)""",
    re.IGNORECASE,
)
# Leaflet's attribution prefix is an <a href> to its home page: a link, it loads nothing.
ALLOWED_LINKS = {"https://leafletjs.com"}
ONLINE = TileConfig(
    online=OnlineTiles("https://tiles.example.org/{z}/{x}/{y}.png", "© Example tiles", 17)
)


@pytest.fixture(scope="module")
def products(tmp_path_factory) -> pd.DataFrame:
    """The sample catalogue plus one offering with a hostile name and website."""
    store = CatalogueStore(f"sqlite:///{tmp_path_factory.mktemp('offline') / 'c.sqlite'}")
    store.create_schema()
    load_sample_catalogue(store)
    frame = store.products_frame()
    store.dispose()
    evil = frame.iloc[0].copy()
    evil["id"] = "evil-1"
    evil["name_pl"] = HOSTILE
    evil["description_pl"] = "</script><script>alert(3)</script> & <b>bold</b>"
    evil["website"] = "javascript:alert(4)"
    evil["address"] = "<svg onload=alert(5)>"
    evil["lat"], evil["lon"] = 49.95, 22.6
    return pd.concat([frame, evil.to_frame().T], ignore_index=True)


@pytest.fixture(scope="module")
def offline_file(products, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("usb") / "mapa-offline.html"
    export_offline_map(products, path, lang="pl")
    return path


def external_resources(page: str) -> set[str]:
    return {m.group(1) for m in RESOURCE.finditer(page)}


@pytest.mark.parametrize("basemap", ["offline", "online"])
def test_no_external_resource_except_tiles(products, basemap):
    page = offline_map_html(products, basemap=basemap, tiles=ONLINE)
    assert external_resources(page) <= ALLOWED_LINKS
    assert "/app/static" not in page
    assert "<script src" not in page and "<link " not in page
    assert (ONLINE.online.url in page) == (basemap == "online")
    assert "tile.openstreetmap.org" not in page
    # The schematic base travels inside the file (place names as JSON data).
    assert ('"places":[[' in page) == (basemap == "offline")
    # The hostile text never appears as markup, only as escaped JSON data.
    assert HOSTILE not in page
    assert "<svg onload" not in page


def test_a_tile_file_cannot_travel_in_a_single_file(products):
    with pytest.raises(ValueError, match="'local' is not one of"):
        offline_map_html(products, basemap="local", tiles=ONLINE)


def test_written_atomically_and_size_returned(products, tmp_path):
    path = tmp_path / "out" / "map.html"
    path.parent.mkdir()
    path.write_text("old")
    size = export_offline_map(products, path, lang="en", title="Fair <2026>")
    assert size == path.stat().st_size > 100_000
    assert [p.name for p in path.parent.iterdir()] == ["map.html"]
    text = path.read_text(encoding="utf-8")
    assert "<title>Fair &lt;2026&gt;</title>" in text
    assert '<html lang="en">' in text


# -- in the browser ------------------------------------------------------------------------------


@pytest.fixture
def chromium(browser):
    """The session's shared headless Chromium (tests/conftest.py)."""
    return browser


def open_offline(chromium, path: Path, width: int = 1280, height: int = 800, fragment: str = ""):
    """The file in a context with the network off; every request and dialog is recorded."""
    context = chromium.new_context(viewport={"width": width, "height": height}, offline=True)
    requests: list[str] = []
    dialogs: list[str] = []

    def route(r):
        # Only the file itself (and inline data) may load; anything else is cut.
        if r.request.url.startswith(("file://", "data:")):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    started = time.monotonic()
    page.goto(path.as_uri() + fragment)
    page.wait_for_function("() => window.productCluster && window.offlineMap", timeout=30_000)
    page.load_seconds = time.monotonic() - started
    page.requests, page.dialogs, page.errors = requests, dialogs, errors
    return page


def cluster_size(page) -> int:
    return page.evaluate("() => window.productCluster.getLayers().length")


@pytest.mark.e2e
def test_opens_offline_with_every_marker(chromium, offline_file, products):
    page = open_offline(chromium, offline_file)
    expected = len(product_rows(products, "pl"))
    assert cluster_size(page) == expected == len(products)
    # Clusters and single markers are drawn, with district outlines and labels.
    page.locator(".marker-cluster, .pm").first.wait_for()
    # Four district names: over the schematic base the place "Przemyśl" names the city.
    assert page.locator(".district-label").count() == 4
    assert page.locator(".leaflet-overlay-pane path").count() >= 5
    assert page.get_by_text(f"Oferty: {expected}").is_visible()
    assert not page.errors
    assert not page.dialogs
    assert all(u.startswith(("file://", "data:")) for u in page.requests), page.requests
    assert page.load_seconds < 15
    page.context.close()


SEATS = {"Jarosław", "Lubaczów", "Przemyśl", "Przeworsk"}


def place_labels(page) -> list[str]:
    return page.locator(".place-label .pl-text").all_inner_texts()


@pytest.mark.e2e
def test_schematic_base_shows_towns_and_more_villages_zoomed_in(chromium, offline_file):
    from tests.e2e.conftest import screenshot

    page = open_offline(chromium, offline_file, width=1920, height=1080)
    page.locator(".place-label .pl-text").first.wait_for()
    shown = place_labels(page)
    assert SEATS <= set(shown), shown
    # The San and the state border are drawn under the districts.
    assert page.locator(".leaflet-schematic-pane path").count() == 2
    screenshot(page, "offline-map-1920x1080")
    # A zoom set by script before the map's own second fit (~0.9 s) would be undone.
    page.wait_for_function(MAP_SETTLED, timeout=30_000)
    page.evaluate("() => { const m = window.productCluster._map; m.setZoom(m.getZoom() + 2); }")
    page.wait_for_function(f"() => document.querySelectorAll('.place-label').length > {len(shown)}")
    zoomed = place_labels(page)
    assert len(zoomed) > len(shown) + 10
    assert all(u.startswith(("file://", "data:")) for u in page.requests), page.requests
    assert not page.errors
    page.context.close()


@pytest.mark.e2e
def test_search_is_diacritics_insensitive(chromium, offline_file, products):
    page = open_offline(chromium, offline_file)
    names = products[["name_pl", "name_en", "name_uk"]].fillna("").agg(" ".join, axis=1)
    expected = int(sum("przemysl" in fold_text(n) for n in names))
    assert expected > 3
    page.fill("#ofm-q", "PRZEMYSL")
    page.wait_for_function(f"() => window.productCluster.getLayers().length === {expected}")
    assert page.locator("#ofm-count").inner_text() == f"Oferty: {expected}"
    # The same words with Polish letters give the same hits.
    page.fill("#ofm-q", "przemyśl")
    page.wait_for_function(f"() => window.productCluster.getLayers().length === {expected}")
    page.fill("#ofm-q", "zamek krasiczyn")
    target = "Zamek w Krasiczynie"
    page.locator("#ofm-results button", has_text=target).first.click()
    page.locator("#ofm-panel h2", has_text=target).wait_for()
    panel = page.locator("#ofm-panel")
    assert panel.is_visible()
    page.fill("#ofm-q", "no such place xyz")
    page.wait_for_function("() => window.productCluster.getLayers().length === 0")
    assert page.locator("#ofm-count").inner_text() == "Brak wyników"
    page.fill("#ofm-q", "")
    page.wait_for_function(f"() => window.productCluster.getLayers().length === {len(products)}")
    assert not page.dialogs and not page.errors
    page.context.close()


@pytest.mark.e2e
def test_clicking_a_marker_opens_the_details_panel(chromium, offline_file, products):
    page = open_offline(chromium, offline_file)
    page.fill("#ofm-q", "archikatedra przemysl")
    page.locator("#ofm-panel h2").wait_for()  # one hit: the map zooms to it and opens it
    page.click("#ofm-close")
    assert page.locator("#ofm-panel").is_hidden()
    marker = page.locator(".leaflet-marker-icon[title]").first
    name = marker.get_attribute("title")
    marker.click()
    page.locator("#ofm-panel h2", has_text=name).wait_for()
    body = page.locator("#ofm-body").inner_text()
    assert "Adres" in body and "Dostępność" in body
    page.keyboard.press("Escape")
    assert page.locator("#ofm-panel").is_hidden()
    page.context.close()


@pytest.mark.e2e
def test_hostile_text_is_shown_as_text_and_runs_nothing(chromium, offline_file):
    page = open_offline(chromium, offline_file)
    page.fill("#ofm-q", "img src x onerror")
    page.locator("#ofm-panel h2").wait_for()
    assert page.locator("#ofm-panel h2").inner_text() == HOSTILE
    assert page.locator("#ofm-results button").first.inner_text() == HOSTILE
    body = page.locator("#ofm-body")
    assert "</script><script>alert(3)</script> & <b>bold</b>" in body.inner_text()
    assert "<svg onload=alert(5)>" in body.inner_text()
    # The javascript: website is not a link; nothing from the text became an element.
    assert body.locator("a").count() == 0
    assert page.locator("img[src='x'], svg[onload], #ofm-body b, #ofm-body script").count() == 0
    marker = page.locator(".leaflet-marker-icon[title]").first
    assert marker.get_attribute("title") == HOSTILE
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text() == HOSTILE
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.errors == []
    page.context.close()


@pytest.mark.e2e
def test_link_with_hash_opens_a_product(chromium, offline_file):
    page = open_offline(chromium, offline_file, fragment="#p=sample-001")
    page.locator("#ofm-panel h2").wait_for()
    assert "Zamek Kazimierzowski" in page.locator("#ofm-panel h2").inner_text()
    # Changing the fragment in an open page opens another offering.
    page.evaluate("() => { location.hash = '#p=sample-002'; }")
    page.locator("#ofm-panel h2", has_text="Archikatedra").wait_for()
    page.context.close()
