"""The map's JavaScript lives in mapview/js/src/map_layers.js and is inlined into every map
page; the layers call it with JSON. In the browser: product markers are built lazily and a
rerun with the same products reuses the clustered group."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit_folium import _get_feature_group_string, _get_map_string

from fairkit.offline import _inline_assets
from harness.browser import MAP_SETTLED
from mapview import builder
from mapview.builder import map_html, map_script, render_product_map


def _frame(n: int, names: list[str] | None = None) -> pd.DataFrame:
    names = names or [f"Oferta {i}" for i in range(n)]
    return pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "name_pl": names,
            "category": ["heritage", "food", "nature", "active"] * (n // 4) + ["food"] * (n % 4),
            # A grid of about 1 km steps around Jarosław, so the markers form clusters.
            "lat": [50.00 + (i % 10) * 0.01 for i in range(n)],
            "lon": [22.65 + (i // 10) * 0.015 for i in range(n)],
        }
    )


def _options(page_or_script: str) -> dict:
    call = page_or_script.split("touristMap.addProducts(", 1)[1]
    return json.loads(call.split(", data, ", 1)[1].split(");\n", 1)[0])


def test_the_script_is_inlined_once_into_the_page_and_the_component_script():
    code = map_script()
    assert "window.touristMap" in code
    page = map_html(render_product_map(_frame(4)))
    assert page.count(code) == 1
    assert page.index(code) < page.index("touristMap.addDistricts(")
    # st_folium rewrites variable names in the script it sends; the code must survive it.
    pm = render_product_map(_frame(4))
    assert _get_map_string(pm.base).count(code) == 1


@pytest.mark.parametrize("bad", ["</script>", "<!-- x", "<SCRIPT>"])
def test_a_script_that_could_end_its_block_is_refused(tmp_path, monkeypatch, bad):
    path = tmp_path / "map_layers.js"
    path.write_text(f"var text = '{bad}';\n", encoding="utf-8")
    monkeypatch.setattr(builder, "MAP_SCRIPT_PATH", path)
    with pytest.raises(ValueError, match="must not contain"):
        map_script()


def test_the_cluster_key_follows_the_products_and_the_settings():
    def key(frame, **kwargs):
        return _options(map_html(render_product_map(frame, **kwargs)))["key"]

    assert key(_frame(8)) == key(_frame(8))
    assert key(_frame(8)) != key(_frame(7))
    assert key(_frame(8)) != key(_frame(8), lang="en")
    renamed = _frame(8, [f"Inna {i}" for i in range(8)])
    assert key(_frame(8)) != key(renamed)
    assert key(_frame(8)) != key(_frame(8), selected_id="p3")


# -- in the browser ------------------------------------------------------------------------------

_CLUSTERED = "(n) => window.productCluster && window.productCluster.getLayers().length === n"

# What streamlit-folium does with the feature group of a rerun: the old one off the map, the
# new script evaluated.
_RERUN = """(script) => {
    if (!window.feature_group) { window.productCluster.remove(); }
    (window.feature_group || []).forEach(function (l) { window.map_div.removeLayer(l); });
    window.feature_group = [];
    (0, eval)(script);
}"""


@pytest.fixture
def map_page(browser, tmp_path):
    frame = _frame(200, [f"Zamek <b>{i}</b> `${{x}}`" for i in range(200)])
    path = tmp_path / "map.html"
    path.write_text(_inline_assets(map_html(render_product_map(frame))), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1000, "height": 700}, offline=True)
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function(_CLUSTERED, arg=200, timeout=30_000)
    # Leaflet ignores a view set while it animates a zoom (the first fit to the districts) and
    # the map may fit the products again after the component settles: wait for both to end.
    page.wait_for_function(MAP_SETTLED, timeout=30_000)
    page.evaluate("() => { window.map_div = window.productCluster._map; }")
    page.errors = errors
    page.frame = frame
    yield page
    context.close()


@pytest.mark.e2e
def test_markers_are_made_only_when_shown_and_names_stay_text(map_page):
    map_page.evaluate(
        "() => window.map_div.setView(window.productMarkers[0].getLatLng(), 15, {animate: false})"
    )
    map_page.wait_for_selector(".leaflet-marker-icon .pm")
    shown = map_page.evaluate(
        """() => {
        const all = window.productMarkers;
        const made = all.filter((m) => m._prepared).length;
        const onMap = all.filter((m) => m._icon).length;
        const m = all.find((x) => x._icon);
        return {made, onMap, total: all.length, title: m && m._icon.title,
                tooltip: m && m.getTooltip().getContent()};
    }"""
    )
    assert shown["total"] == 200
    # Only what was ever on the map has an icon, a title and a tooltip.
    assert 0 < shown["onMap"] <= shown["made"] < 200
    assert shown["title"].startswith("Zamek <b>")
    assert "<b>" not in shown["tooltip"] and "&#96;&#36;" in shown["tooltip"]
    assert map_page.errors == []


@pytest.mark.e2e
def test_a_rerun_with_the_same_products_reuses_the_clustered_group(map_page):
    def script(frame):
        pm = render_product_map(frame)
        return _get_feature_group_string(pm.products, pm.base)

    map_page.evaluate(
        """() => {
        window.firstCluster = window.productCluster;
        // The page's own feature group, which held the first group.
        const name = Object.keys(window).find((k) => k.startsWith("feature_group_"));
        window.oldParentClicks = 0;
        window[name].on("click clusterclick", () => { window.oldParentClicks += 1; });
    }"""
    )
    map_page.evaluate(_RERUN, script(map_page.frame.iloc[:20]))
    map_page.wait_for_function(_CLUSTERED, arg=20)
    assert map_page.evaluate("() => window.productCluster !== window.firstCluster")
    # The filter cleared: the whole catalogue's group comes back as it was.
    map_page.evaluate(_RERUN, script(map_page.frame))
    map_page.wait_for_function(_CLUSTERED, arg=200)
    assert map_page.evaluate("() => window.productCluster === window.firstCluster")
    assert map_page.evaluate("() => !!window.productCluster._map")
    # Shown again, and a click reaches the new layer once (not the old one too).
    clicks = map_page.evaluate(
        """() => {
        let n = 0;
        window.feature_group[0].on("click clusterclick", () => { n += 1; });
        const shown = window.productCluster._featureGroup.getLayers()[0];
        shown.fire("click", {latlng: shown.getLatLng()}, true);
        return n;
    }"""
    )
    assert clicks == 1 and map_page.evaluate("() => window.oldParentClicks") == 0
    assert map_page.evaluate("() => document.querySelectorAll('.marker-cluster').length") > 0
    assert map_page.errors == []


# Leaflet ends a zoom animation by a 250 ms timer; a busy phone can take far longer.
_SLOW_ZOOM_ANIMATION = """(() => {
    const later = window.setTimeout;
    window.setTimeout = (f, ms, ...rest) => later(f, ms === 250 ? 2500 : ms, ...rest);
})();"""


@pytest.mark.e2e
def test_a_shared_product_is_brought_into_view_even_after_a_slow_first_zoom(browser, tmp_path):
    """The product's view is set while the page's first fit still animates (Leaflet drops a
    view set then): it must be applied when the animation ends."""
    path = tmp_path / "map.html"
    page_html = map_html(render_product_map(_frame(200), selected_id="p57"))
    path.write_text(_inline_assets(page_html), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1000, "height": 700}, offline=True)
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    context.add_init_script(_SLOW_ZOOM_ANIMATION)
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_function(_CLUSTERED, arg=200, timeout=30_000)
        animated = page.evaluate("() => window.productCluster._map._animatingZoom")
        page.wait_for_function(MAP_SETTLED, timeout=30_000)
        view = page.evaluate(
            """() => { const m = window.productCluster._map, c = m.getCenter();
                return {zoom: m.getZoom(), lat: c.lat, lon: c.lng}; }"""
        )
    finally:
        context.close()
    assert animated, "the first fit was not animating when the product view came"
    # p57 of the grid: centred on it, at the focus zoom.
    assert view["zoom"] == builder.FOCUS_ZOOM
    assert abs(view["lat"] - 50.07) < 1e-3 and abs(view["lon"] - 22.725) < 1e-3
