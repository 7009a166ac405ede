"""Turns filtered catalogue data into a folium map.

The map carries only what a marker needs (lat, lon, category, flags, name, id); details are
rendered by the app after a click. Every partner-supplied text is placed in the page as data
(JSON escaped for a ``<script>`` block) and shown through HTML escaping done in the browser, so
neither HTML nor the backtick / ``${`` of JavaScript template strings can run.

The browser code is not written here: it lives in ``mapview/js/src/`` (linted by ESLint in
``scripts/test.sh``), is inlined once per page by :class:`InlineScript`, and each layer below
only calls one of its ``touristMap`` functions with JSON arguments.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from catalogue.localise import localised_column
from catalogue.taxonomy import CATEGORIES, check_language
from geodata import ATTRIBUTION as BOUNDARY_ATTRIBUTION
from geodata import REGION_BOUNDS, load_districts
from geodata.basemap import ATTRIBUTIONS as BASEMAP_ATTRIBUTIONS
from geodata.basemap import CITY_TERYT, DISTRICT_LABEL_MAX_ZOOM, district_label_points, load_basemap
from mapview import assets
from mapview.tiles import TileConfig, check_basemap, load_tile_config

MIN_ZOOM = 7
MAX_ZOOM = 18
CATEGORY_INDEX: dict[str, int] = {c.slug: i for i, c in enumerate(CATEGORIES)}

# Accessible names of marker clusters, by CLDR plural category ({n} is the count).
CLUSTER_LABELS: dict[str, dict[str, str]] = {
    "pl": {
        "one": "{n} oferta w tym miejscu",
        "few": "{n} oferty w tym miejscu",
        "many": "{n} ofert w tym miejscu",
        "other": "{n} oferty w tym miejscu",
    },
    "en": {"one": "{n} offering here", "other": "{n} offerings here"},
    "uk": {
        "one": "{n} пропозиція в цьому місці",
        "few": "{n} пропозиції в цьому місці",
        "many": "{n} пропозицій в цьому місці",
        "other": "{n} пропозиції в цьому місці",
    },
}
# Zooming to results or to a chosen product stops here, so the surroundings stay in view
# (a single result used to land at level 17).
FIT_MAX_ZOOM = 13
FOCUS_ZOOM = 14

FLAG_SOCIAL_ECONOMY = 1
FLAG_SELECTED = 2
FLAG_TRIP = 4

# Marker and label styles; injected once into the map page's <head>.
MAP_CSS = """
<style>
.pm{width:26px;height:26px;border-radius:50%;border:2px solid #fff;box-shadow:0 1px 4px rgba(0,0,0,.5);
display:flex;align-items:center;justify-content:center;box-sizing:border-box}
.pm svg{width:16px;height:16px;fill:#fff;pointer-events:none}
.pm-se{border:3px solid #f5b800}
.pm-sel{transform:scale(1.45);border-color:#000;z-index:1000}
.pm-trip{outline:3px dashed #1f6f43;outline-offset:1px}
.district-label{font:600 12px/1.2 system-ui,sans-serif;color:#1b3a57;text-shadow:0 0 3px #fff,0 0 3px #fff;
white-space:pre-line;text-align:center;pointer-events:none}
.map-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:6px;font:12px/1.35 system-ui,sans-serif;
box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:60vh;overflow:auto}
.map-legend .row{display:flex;align-items:center;gap:6px;margin:2px 0}
.map-legend .legend-title{font-weight:700;cursor:pointer}
.map-legend .legend-title::after{content:" ▾"}.map-legend.collapsed .legend-title::after{content:" ▸"}
.map-legend.collapsed .row{display:none}
.map-legend .pm{width:18px;height:18px;border-width:1px}.map-legend .pm svg{width:11px;height:11px}
.leaflet-container.no-basemap{background:#eef2ec}
.leaflet-container .leaflet-control-attribution,.leaflet-container .leaflet-control-scale-line{font-size:11px;line-height:1.4}
.leaflet-labels-pane.hidden{display:none}
.place-label{width:0!important;height:0!important;overflow:visible}
.place-label .pl-dot{position:absolute;left:-4px;top:-4px;width:8px;height:8px;border-radius:50%;background:#333;
border:1.5px solid #fff;box-sizing:border-box}
.place-label.place-seat .pl-dot{left:-6px;top:-6px;width:12px;height:12px;background:#111;border-width:2px}
.place-label .pl-text{position:absolute;white-space:nowrap;line-height:1.3;font-family:system-ui,"DejaVu Sans",sans-serif;
color:#222;font-size:12px;font-weight:500;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff,0 0 5px #fff}
.place-label.place-town .pl-text{font-size:14px;font-weight:600;color:#1a1a1a}
.place-label.place-seat .pl-text{font-size:16px;font-weight:700;color:#111}
.place-label.anchor-right .pl-text{left:7px;top:0;transform:translateY(-50%)}
.place-label.anchor-left .pl-text{right:7px;top:0;transform:translateY(-50%)}
.place-label.anchor-top .pl-text{left:0;bottom:4px;transform:translateX(-50%)}
.place-label.anchor-bottom .pl-text{left:0;top:4px;transform:translateX(-50%)}
@media (max-width:360px){.map-legend{display:none}}
.touch-hint{position:absolute;inset:0;z-index:1000;display:flex;align-items:center;justify-content:center;
padding:1rem;text-align:center;background:rgba(0,0,0,.5);color:#fff;font:600 18px/1.3 system-ui,sans-serif;
opacity:0;pointer-events:none;transition:opacity .2s}
.touch-hint.show{opacity:1}
</style>
"""


# "{{", "{%" and "{#" open Jinja syntax. branca compiles rendered scripts as Jinja templates
# (and renders them for a standalone page), so a product named "{{ … }}" would run on the
# server and "{#" would break the map for everyone. In JSON they occur only inside strings,
# where \u007b is the same brace to JavaScript.
_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")


def _script_json(value) -> str:
    """JSON for inlining inside <script>: no ``</script>``, comments, line separators or
    Jinja delimiters."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return _JINJA_OPENERS.sub(r"\\u007b", text)


class _ScriptText(Element):
    """Finished script text placed in the page as it is, never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "ScriptText"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _ScriptElement(MacroElement):
    """A layer whose ``script`` macro's output goes into the page as text.

    MacroElement.render wraps that output in ``Element(script)``, which compiles the finished
    script, JSON data and all, as a Jinja template on every render: every product's JSON
    (0.2 s at 50,000 products), the districts' GeoJSON and the schematic base on each rerun
    of the map page, for nothing (and "{#" in data would need a second thought). Every layer
    of this module derives from it (after JSCSSMixin, which adds its links first).
    """

    def render(self, **kwargs) -> None:
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(_ScriptText(script), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


JS_SOURCE_DIR = Path(__file__).resolve().parent / "js" / "src"
MAP_SCRIPT_PATH = JS_SOURCE_DIR / "map_layers.js"
# The offline map's search box and details panel (fairkit.offline).
OFFLINE_UI_SCRIPT_PATH = JS_SOURCE_DIR / "offline_ui.js"


def script_source(path: Path) -> str:
    """The text of one of the map's JavaScript files (``mapview/js/src/``, linted by ESLint)
    for inlining; read on every build (a few kilobytes), so an edit shows on the next rerun."""
    text = path.read_text(encoding="utf-8")
    # Inlined into a <script> block as it is: these would end or confuse that block.
    for forbidden in ("</script", "<!--", "<script"):
        if forbidden in text.lower():
            raise ValueError(f"{path.name} must not contain {forbidden!r}")
    return text


def map_script() -> str:
    """The map's own JavaScript: defines ``window.touristMap``, whose functions the layers
    below call with JSON arguments."""
    return script_source(MAP_SCRIPT_PATH)


class InlineScript(MacroElement):
    """Inlines one of the map's JavaScript files (default :func:`map_script`) into the page,
    before the layers that use it.

    Inline rather than linked: the single-file offline map opens from ``file://`` and the
    app's map needs no extra request (and no stale cached copy after an update).
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self._name = "InlineScript"
        self.code = script_source(path) if path else map_script()

    def render(self, **kwargs) -> None:
        # Never compiled as a Jinja template (MacroElement.render would): the code is ours,
        # but "{#" in a regular expression must not need a second thought.
        self.get_root().script.add_child(_ScriptText(self.code), name=self.get_name())


class _LocalAssets(JSCSSMixin, MacroElement):
    """Declares the vendored Leaflet plugins so streamlit-folium loads them from the app."""

    default_js = [("markercluster", assets.CLUSTER_JS.url)]
    default_css = [
        ("markercluster_css", assets.CLUSTER_CSS.url),
        ("markercluster_default_css", assets.CLUSTER_DEFAULT_CSS.url),
    ]
    _template = Template("")


class DistrictLayer(_ScriptElement):
    """District outlines with name labels; not interactive, so clicks reach the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        touristMap.addDistricts({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, no_basemap: bool, attributions: Sequence[str] = ()) -> None:
        super().__init__()
        self._name = "DistrictLayer"
        geojson, labels = _district_geojson_and_labels(lang)
        texts = [BOUNDARY_ATTRIBUTION, *attributions]
        # The GeoJSON is encoded once per language (cached); the rest joins it as JSON.
        rest = _script_json(
            {
                # Over the schematic base the place "Przemyśl" names the city.
                "labels": [r[1:] for r in labels if not (no_basemap and r[0] == CITY_TERYT)],
                "attributions": [html.escape(t) for t in texts],
                "noBasemap": no_basemap,
                "maxLabelZoom": DISTRICT_LABEL_MAX_ZOOM,
            }
        )
        self.options = '{"geojson":' + geojson + "," + rest[1:]


class SchematicLayer(_ScriptElement):
    """The offline base: the San, the state border and place names (see geodata.basemap).

    Each place's label joins the map at its ``min_zoom`` (chosen at build time so labels do
    not overlap), so the DOM holds only the labels shown at the current zoom.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        touristMap.addSchematic({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "SchematicLayer"
        self.data = _script_json(schematic_data(lang))


class LocalTileLayer(JSCSSMixin, _ScriptElement):
    """Raster tiles read from the operator's PMTiles file, served by the app itself."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        touristMap.addLocalTiles({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
        """
    )

    default_js = [("pmtiles", assets.PMTILES_JS.url)]

    def __init__(self, local) -> None:
        super().__init__()
        self._name = "LocalTileLayer"
        (south, west), (north, east) = local.bounds
        self.options = _script_json(
            {
                "url": local.url,
                "attribution": html.escape(local.attribution),
                "minZoom": int(local.min_zoom),
                "maxZoom": int(local.max_zoom),
                "mapMaxZoom": MAX_ZOOM,
                "bounds": [[south, west], [north, east]],
            }
        )


TOUCH_HINT = {
    "pl": "Użyj dwóch palców, aby przesunąć mapę",
    "en": "Use two fingers to move the map",
    "uk": "Використовуйте два пальці, щоб рухати мапу",
}


class TouchGestures(_ScriptElement):
    """On touch screens one finger scrolls the page and two move the map (like Google Maps).

    Leaflet's one-finger dragging is off on touch devices, so the map no longer traps a thumb
    scrolling the page; it is switched on while two fingers touch the map, and a one-finger
    swipe shows a short hint. Mouse dragging is unchanged.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        touristMap.addTouchGestures({{ this._parent.get_name() }}, {{ this.text }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "TouchGestures"
        self.text = _script_json(TOUCH_HINT[check_language(lang)])


class Legend(_ScriptElement):
    """Category legend (and the social-economy marking) as a Leaflet control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        touristMap.addLegend({{ this._parent.get_name() }}, {{ this.html }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, social_economy_label: str, title: str) -> None:
        super().__init__()
        self._name = "Legend"
        rows = [f'<div class="legend-title" role="button" tabindex="0">{html.escape(title)}</div>']
        for cat in CATEGORIES:
            rows.append(
                f'<div class="row"><div class="pm" style="background:{cat.colour}">'
                f'<svg viewBox="0 0 24 24"><path d="{cat.icon}"/></svg></div>'
                f"{html.escape(cat.label(lang))}</div>"
            )
        rows.append(
            '<div class="row"><div class="pm pm-se" style="background:#777"></div>'
            f"{html.escape(social_economy_label)}</div>"
        )
        self.html = _script_json("".join(rows))


class ProductLayer(JSCSSMixin, _ScriptElement):
    """Clustered product markers drawn by a JS callback from compact rows.

    Each row is ``[lat, lon, category_index, flags, name, id]``. Names reach the page only as
    JSON data and are HTML-escaped in the browser before Leaflet sets them as tooltip HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var data = {{ this.data }};
            return touristMap.addProducts({{ this._parent.get_name() }}, data, {{ this.options }});
        })();
        {% endmacro %}
        """
    )

    default_js = _LocalAssets.default_js
    default_css = _LocalAssets.default_css

    def __init__(
        self,
        rows: list[list] | MarkerData,
        cluster_radius: int = 45,
        fit_key: str | None = None,
        fit_bounds: list[list[float]] | None = None,
        lang: str = "pl",
    ) -> None:
        super().__init__()
        self._name = "ProductLayer"
        check_language(lang)
        markers = MarkerData.of(rows)
        selected = markers.selected
        self.data = markers.json
        self.data_digest = markers.json_digest
        clustering = {
            "categories": [[c.colour, c.icon] for c in CATEGORIES],
            "clusterLabel": CLUSTER_LABELS[lang],
            "locale": lang,
            "radius": int(cluster_radius),
        }
        # Names the clustered group in the browser, which keeps recent ones: the same rows
        # and settings on a later rerun (a cleared filter) reuse it instead of clustering.
        digest = hashlib.blake2b(digest_size=12)
        digest.update(markers.json_digest)
        digest.update(_script_json(clustering).encode("utf-8"))
        self.options = _script_json(
            {
                **clustering,
                "key": digest.hexdigest(),
                "focus": [selected[0], selected[1]] if selected else None,
                "focusKey": selected[2] if selected else None,
                "focusZoom": FOCUS_ZOOM,
                "fitKey": fit_key,
                "fitBounds": fit_bounds or None,
                "fitMaxZoom": FIT_MAX_ZOOM,
            }
        )


@dataclass(frozen=True)
class MarkerData:
    """Marker rows (see :func:`product_rows`) made ready for the page once: their script-safe
    JSON, how many, the selected row's ``(lat, lon, id)`` in degrees, and digests of the JSON
    and of the shown ids in order. Immutable, so one value can serve every session that shows
    the same products (the map page shares the first view's per catalogue version)."""

    json: str
    count: int
    selected: tuple[float, float, str] | None
    json_digest: bytes
    ids_digest: str

    @classmethod
    def of(cls, rows: list[list] | MarkerData) -> MarkerData:
        """``rows`` as they are if already made ready, else :meth:`of_rows`."""
        return rows if isinstance(rows, MarkerData) else cls.of_rows(rows)

    @classmethod
    def of_rows(cls, rows: list[list]) -> MarkerData:
        selected = next((r for r in rows if r[3] & FLAG_SELECTED), None)
        text = _script_json(rows)
        ids = hashlib.blake2b(digest_size=8)
        for row in rows:
            ids.update(row[5].encode("utf-8") + b"\0")
        return cls(
            json=text,
            count=len(rows),
            selected=(selected[0], selected[1], selected[5]) if selected else None,
            json_digest=hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest(),
            ids_digest=ids.hexdigest(),
        )


def marker_data(
    products: pd.DataFrame,
    lang: str = "pl",
    selected_id: str | None = None,
    trip_ids: Sequence[str] = (),
) -> MarkerData:
    """:class:`MarkerData` of ``products`` (:func:`product_rows` with the same arguments)."""
    return MarkerData.of_rows(product_rows(products, lang, selected_id, trip_ids))


@dataclass
class ProductMap:
    """A base map and the product layer to pass as ``feature_group_to_add``."""

    base: folium.Map
    products: folium.FeatureGroup
    rows: int

    def full_map(self) -> folium.Map:
        """The base map with the product layer added (for standalone HTML)."""
        self.products.add_to(self.base)
        return self.base


def product_rows(
    products: pd.DataFrame,
    lang: str = "pl",
    selected_id: str | None = None,
    trip_ids: Sequence[str] = (),
) -> list[list]:
    """Compact marker rows ``[lat, lon, category_index, flags, name, id]`` for ``products``.

    Rows with a missing coordinate or an unknown category are left out.
    """
    check_language(lang)
    if products.empty:
        return []
    names = localised_column(products, "name", lang)
    cat_idx = products["category"].map(CATEGORY_INDEX)
    social = (
        products["partner_sector"].fillna("") == "social_economy"
        if "partner_sector" in products.columns
        else pd.Series(False, index=products.index)
    )
    # Column-wise: a Python loop over 50,000 rows was a tenth of a filter-change rerun.
    keep = (products["lat"].notna() & products["lon"].notna() & cat_idx.notna()).to_numpy(bool)
    ids = products["id"]
    flags = np.where(social.to_numpy(dtype=bool), FLAG_SOCIAL_ECONOMY, 0)
    flags |= np.where((ids == selected_id).to_numpy(dtype=bool), FLAG_SELECTED, 0)
    flags |= np.where(ids.isin(set(trip_ids)).to_numpy(dtype=bool), FLAG_TRIP, 0)
    # Python's round() on Python floats, as before: numpy rounding can print 17 digits.
    lats = [round(v, 6) for v in products["lat"].to_numpy(dtype=float)[keep].tolist()]
    lons = [round(v, 6) for v in products["lon"].to_numpy(dtype=float)[keep].tolist()]
    return [
        list(row)
        for row in zip(
            lats,
            lons,
            cat_idx.to_numpy()[keep].astype(int).tolist(),
            flags[keep].tolist(),
            names.to_numpy()[keep].tolist(),
            [str(pid) for pid in ids.to_numpy()[keep].tolist()],
            strict=True,
        )
    ]


def build_base_map(
    lang: str = "pl",
    basemap: str | None = None,
    legend_title: str = "Legenda",
    social_economy_label: str = "Ekonomia społeczna",
    tiles: TileConfig | None = None,
) -> folium.Map:
    """The static part of the map: base map, districts, labels, legend, local assets.

    ``basemap`` is one of :data:`mapview.tiles.BASEMAPS` usable under ``tiles`` (the
    operator's configuration, read by :func:`mapview.tiles.load_tile_config` when None);
    None means the configuration's default. ``offline`` draws the schematic base and
    requests nothing.
    """
    check_language(lang)
    tiles = tiles if tiles is not None else load_tile_config()
    basemap = check_basemap(basemap or tiles.default, tiles)
    (south, west), (north, east) = REGION_BOUNDS
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=9,
        tiles=None,
        control_scale=True,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        # Fractional zoom lets the five districts fill a narrow phone map as well as a projector.
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # folium gives min/max zoom to the tile layer only; without tiles (offline) the map itself
    # needs them, or Leaflet.markercluster refuses to start.
    fmap.options["min_zoom"] = MIN_ZOOM
    fmap.options["max_zoom"] = MAX_ZOOM
    # Instance attributes shadow folium's CDN defaults; jQuery/Bootstrap are not needed.
    fmap.default_js = [("leaflet", assets.LEAFLET_JS.url)]
    fmap.default_css = [("leaflet_css", assets.LEAFLET_CSS.url)]
    fmap.get_root().header.add_child(Element(MAP_CSS), name="product_map_css")
    InlineScript().add_to(fmap)
    if basemap == "online":
        folium.TileLayer(
            tiles=tiles.online.url,
            attr=html.escape(tiles.online.attribution),
            name="online",
            max_zoom=MAX_ZOOM,
            max_native_zoom=tiles.online.max_zoom,
        ).add_to(fmap)
    elif basemap == "local":
        LocalTileLayer(tiles.local).add_to(fmap)
    _LocalAssets().add_to(fmap)
    offline = basemap == "offline"
    DistrictLayer(
        lang, no_basemap=offline, attributions=BASEMAP_ATTRIBUTIONS if offline else ()
    ).add_to(fmap)
    if offline:
        SchematicLayer(lang).add_to(fmap)
    Legend(lang, social_economy_label, legend_title).add_to(fmap)
    TouchGestures(lang).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def build_product_layer(
    rows: list[list] | MarkerData,
    name: str = "products",
    fit_to_results: bool = False,
    fit_bounds: list[list[float]] | None = None,
    lang: str = "pl",
) -> folium.FeatureGroup:
    """A feature group holding the clustered markers of ``rows`` (see :func:`product_rows`,
    or their :class:`MarkerData`).

    With ``fit_to_results`` the map zooms whenever the set of shown products differs from
    the previous render in the same browser page: to ``fit_bounds`` ([[south, west],
    [north, east]] in degrees) when given, else to the markers.
    """
    markers = MarkerData.of(rows)
    group = folium.FeatureGroup(name=name, control=False)
    fit_key = markers.ids_digest if fit_to_results else None
    ProductLayer(markers, fit_key=fit_key, fit_bounds=fit_bounds, lang=lang).add_to(group)
    return group


def render_product_map(
    products: pd.DataFrame,
    lang: str = "pl",
    basemap: str | None = None,
    selected_id: str | None = None,
    trip_ids: Sequence[str] = (),
    legend_title: str = "Legenda",
    social_economy_label: str = "Ekonomia społeczna",
    fit_to_results: bool = False,
    fit_bounds: list[list[float]] | None = None,
    tiles: TileConfig | None = None,
    markers: MarkerData | None = None,
) -> ProductMap:
    """Build the map for filtered ``products`` (a catalogue frame with lat, lon, category…).

    ``basemap``/``tiles``: see :func:`build_base_map`. ``fit_to_results`` zooms to the shown products after a filter change (see
    :func:`build_product_layer`); leave it off when the caller centres the map itself.
    ``markers``: the :func:`marker_data` of these products with the same ``lang``,
    ``selected_id`` and ``trip_ids``, when the caller already has it (shared by sessions).
    """
    if markers is None:
        markers = marker_data(products, lang, selected_id, trip_ids)
    base = build_base_map(lang, basemap, legend_title, social_economy_label, tiles)
    layer = build_product_layer(
        markers, fit_to_results=fit_to_results, fit_bounds=fit_bounds, lang=lang
    )
    return ProductMap(base=base, products=layer, rows=markers.count)


def map_html(product_map: ProductMap) -> str:
    """The whole map as one HTML page (assets still linked to the app's static files)."""
    return product_map.full_map().get_root().render()


@lru_cache(maxsize=4)
def _district_geojson_and_labels(lang: str) -> tuple[str, list[list]]:
    """The districts' GeoJSON (script-ready) and ``[teryt, lat, lon, name]`` label rows."""
    # The committed layer never changes while the app runs; build its JSON once per language.
    districts = load_districts()
    points = district_label_points()
    name_col = f"name_{lang}"
    features, labels = [], []
    for _, row in districts.iterrows():
        features.append(
            {
                "type": "Feature",
                "properties": {"teryt": row["teryt"]},
                "geometry": row.geometry.__geo_interface__,
            }
        )
        lat, lon = points[row["teryt"]]
        # Two short lines ("powiat" / "jarosławski") collide less than one long one.
        labels.append([row["teryt"], lat, lon, str(row[name_col]).replace(" ", "\n", 1)])
    geojson = _script_json({"type": "FeatureCollection", "features": features})
    return geojson, labels


@lru_cache(maxsize=4)
def schematic_data(lang: str) -> dict:
    """The schematic base for ``lang`` in the map script's shape (lat/lon order):
    ``{"river": [[lat, lon]…], "border": [[[lat, lon]…]…],
    "places": [[lat, lon, name, class, min_zoom, anchor]…]}``; Ukrainian labels fall back to
    the Polish name where GeoNames has no Ukrainian one."""
    check_language(lang)
    out: dict = {"river": [], "border": [], "places": []}
    for feature in load_basemap()["features"]:
        props, geom = feature["properties"], feature["geometry"]
        if props["kind"] == "place":
            lon, lat = geom["coordinates"]
            name = (props["name_uk"] if lang == "uk" else "") or props["name_pl"]
            out["places"].append(
                [lat, lon, name, props["class"], props["min_zoom"], props["anchor"]]
            )
        elif props["kind"] == "river":
            out["river"].append([[lat, lon] for lon, lat in geom["coordinates"]])
        elif props["kind"] == "state_border":
            out["border"].extend([[lat, lon] for lon, lat in line] for line in geom["coordinates"])
    return out
