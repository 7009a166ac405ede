"""The offline map: one self-contained HTML file for a USB stick at a fair.

The page is the app's own folium map (districts, legend, clustered category markers from
:mod:`mapview.builder`) with Leaflet, markercluster, their CSS and images inlined, plus a
name search and a details panel, over the schematic base (places, the San, the state border,
from ``geodata/basemap.geojson``) carried inside the file. It opens from ``file://`` with the
network off; the only external addresses it may hold are the operator's configured online
tile URL (``basemap="online"``, optional) and the link in Leaflet's own attribution, which
loads nothing.

Every partner-supplied text travels as JSON data (escaped for a ``<script>`` block) and is
put on the page with ``textContent`` in the browser, never as HTML.
"""

from __future__ import annotations

import base64
import html
import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from catalogue.atomic_file import write_atomic
from catalogue.filters import wheelchair_cell
from catalogue.locale_format import format_date, price_for_reader
from catalogue.localise import localised_field, localised_text
from catalogue.model import months_from_mask
from catalogue.taxonomy import (
    DETAIL_LABELS,
    MONTH_NAMES,
    SECTOR_LABELS,
    category_label,
    check_language,
    wheelchair_label,
)
from geodata import district_name, fold_text
from mapview import assets
from mapview.builder import (
    OFFLINE_UI_SCRIPT_PATH,
    InlineScript,
    ProductLayer,
    _script_json,
    product_rows,
    render_product_map,
)
from mapview.tiles import TileConfig, load_tile_config

# A tile file in the app's static folder cannot be read from file://.
OFFLINE_BASEMAPS: tuple[str, ...] = ("offline", "online")

UI_TEXT: dict[str, dict[str, str]] = {
    "title": {
        "pl": "Mapa produktów turystycznych",
        "en": "Tourist product map",
        "uk": "Мапа туристичних продуктів",
    },
    "cluster": {
        "pl": "Regionalny Klaster Ekonomii Społecznej i Innowacji",
        "en": "Regional Social Economy and Innovation Cluster",
        "uk": "Регіональний кластер соціальної економіки та інновацій",
    },
    "search": {"pl": "Szukaj po nazwie", "en": "Search by name", "uk": "Пошук за назвою"},
    "count": {"pl": "Oferty: {n}", "en": "Offerings: {n}", "uk": "Пропозицій: {n}"},
    "close": {"pl": "Zamknij", "en": "Close", "uk": "Закрити"},
    **DETAIL_LABELS,
    "family": {"pl": "dla rodzin z dziećmi", "en": "for families", "uk": "для сімей з дітьми"},
    "pets": {"pl": "ze zwierzętami", "en": "pets allowed", "uk": "з тваринами"},
    "legend": {"pl": "Legenda", "en": "Legend", "uk": "Легенда"},
    "as_of": {"pl": "Stan na {d}", "en": "As of {d}", "uk": "Станом на {d}"},
    "no_match": {"pl": "Brak wyników", "en": "No results", "uk": "Немає результатів"},
}

MONTHS = MONTH_NAMES

OFFLINE_CSS = """
<style>
html,body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
.ofm-bar{position:absolute;top:10px;left:10px;z-index:1000;width:320px;max-width:calc(100% - 20px);
background:rgba(255,255,255,.96);border-radius:8px;box-shadow:0 1px 6px rgba(0,0,0,.35);padding:8px 10px;
box-sizing:border-box}
.ofm-bar h1{font-size:16px;margin:0 0 2px;line-height:1.25;color:#1b3a57}
.ofm-bar .ofm-sub{font-size:11px;color:#555;margin:0 0 6px}
.ofm-bar input{width:100%;box-sizing:border-box;font-size:15px;padding:6px 8px;border:1px solid #9aa;border-radius:6px}
.ofm-count{font-size:12px;color:#333;margin:4px 0 0}
.ofm-results{list-style:none;margin:4px 0 0;padding:0;max-height:40vh;overflow:auto}
.ofm-results button{display:block;width:100%;text-align:left;border:0;border-top:1px solid #e3e6e3;background:none;
padding:5px 2px;font-size:13px;cursor:pointer;color:#123}
.ofm-results button:hover,.ofm-results button:focus{background:#eef4fa}
.ofm-panel{position:absolute;top:0;right:0;bottom:0;width:380px;max-width:100%;z-index:1001;background:#fff;
box-shadow:-2px 0 8px rgba(0,0,0,.3);overflow:auto;padding:14px 16px 24px;box-sizing:border-box;font-size:14px;line-height:1.45}
.ofm-panel[hidden]{display:none}
.ofm-panel h2{font-size:19px;margin:0 34px 4px 0;line-height:1.25}
.ofm-panel .ofm-meta{color:#555;margin:0 0 10px}
.ofm-panel .ofm-se{color:#8a6500;font-weight:600}
.ofm-panel dl{margin:10px 0 0}.ofm-panel dt{font-weight:700;margin-top:8px}.ofm-panel dd{margin:0}
.ofm-close{position:absolute;top:8px;right:8px;font-size:22px;line-height:1;border:0;background:#eee;border-radius:50%;
width:32px;height:32px;cursor:pointer}
@media (max-width:640px){.ofm-panel{top:auto;height:55%;width:100%}.ofm-bar{width:calc(100% - 20px)}}
</style>
"""


class OfflineUI(MacroElement):
    """Search box and details panel, wired to the builder's ``window.productCluster``.

    The details are a JSON object ``{id: {n, c, d, x, a, p, s, se, w, e, t, r, v, f}}``
    (name, category, district, description, address, partner, sector, social economy,
    website, e-mail, phone, price, availability, accessibility list) plus ``k`` (folded
    names for search). The script builds every element with ``textContent``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        touristMap.addOfflineUI({{ this._parent.get_name() }}, {{ this.details }}, {{ this.text }});
        {% endmacro %}
        """
    )

    def __init__(self, details: dict, text: dict) -> None:
        super().__init__()
        self._name = "OfflineUI"
        self.details = _script_json(details)
        self.text = _script_json(text)


def _http_url(url: object) -> str:
    # Same rule as ui.text.safe_url (fairkit may not import ui): absolute http(s) only.
    if not isinstance(url, str):
        return ""
    url = url.strip()
    if not url or any(c in url for c in " \t\r\n\"'<>`\\"):
        return ""
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def _text(row, col: str) -> str:
    value = row.get(col)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _access(row, lang: str) -> list[str]:
    """Accessibility words for a card: the wheelchair level as stated, then family/pets."""
    level = wheelchair_cell(row.get("wheelchair"))
    words = [wheelchair_label(level, lang).lower()] if level else []
    return words + [
        localised_text(UI_TEXT, f, lang) for f in ("family", "pets") if row.get(f) is True
    ]


def _availability(row, lang: str) -> str:
    start, end = row.get("event_start"), row.get("event_end")
    if pd.notna(start) or pd.notna(end):
        parts = [format_date(pd.Timestamp(d).date(), lang) for d in (start, end) if pd.notna(d)]
        return " – ".join(dict.fromkeys(parts))
    mask = row.get("months_mask")
    months = months_from_mask(int(mask) if pd.notna(mask) and mask else 0)
    if not months:
        return localised_text(UI_TEXT, "not_stated", lang)
    if len(months) == 12:
        return localised_text(UI_TEXT, "all_year", lang)
    return ", ".join(MONTHS[lang][m - 1] for m in months)


def product_details(products: pd.DataFrame, lang: str = "pl") -> dict[str, dict]:
    """Details per product id for the offline panel (see :class:`OfflineUI`), in ``lang``
    with Polish as the fallback for empty names and descriptions."""
    check_language(lang)
    out: dict[str, dict] = {}
    # Plain records, not iterrows(): a Series per row made this most of a large map's time.
    for row in products.to_dict("records"):
        name = localised_field(row, "name", lang)
        desc = localised_field(row, "description", lang)
        sector = _text(row, "partner_sector")
        price = price_for_reader(_text(row, "price"), row.get("free") is True, lang)
        teryt = _text(row, "district_teryt")
        category = _text(row, "category")
        try:
            cat_label = category_label(category, lang)
        except ValueError:
            cat_label = ""
        try:
            district = district_name(teryt, lang) if teryt else ""
        except ValueError:
            district = ""
        record = {
            "n": name,
            "c": cat_label,
            "d": district,
            "x": desc,
            "a": _text(row, "address"),
            "p": _text(row, "partner_name"),
            "s": SECTOR_LABELS.get(sector, {}).get(lang, ""),
            "se": sector == "social_economy",
            "w": _http_url(row.get("website")),
            "e": _text(row, "email"),
            "t": _text(row, "phone"),
            "r": price,
            "v": _availability(row, lang),
            "f": _access(row, lang),
            "k": fold_text(
                " ".join(_text(row, c) for c in ("name_pl", "name_en", "name_uk") if c in row)
            ),
        }
        out[str(row["id"])] = {k: v for k, v in record.items() if v not in ("", [], False)}
    return out


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _inline_css(asset: assets.Asset) -> str:
    css = assets.read_asset_text(asset)
    images = {f"images/{a.source.name}": a.source for a in assets.LEAFLET_IMAGES}
    # Leaflet's CSS points at images/*.png next to it; a single file carries them inline.
    css = re.sub(
        r"url\((['\"]?)(images/[^)'\"]+)\1\)",
        lambda m: f"url({_data_uri(images[m.group(2)])})" if m.group(2) in images else m.group(0),
        css,
    )
    return css.replace("</style", "<\\/style")


def _inline_assets(page: str) -> str:
    """Replace the tags that link the app's vendored files with their inlined content."""
    for asset in assets.JS_ASSETS:
        tag = f'<script src="{asset.url}"></script>'
        # In JavaScript "<\\/" equals "</" inside strings and regexes, and it cannot close
        # the inline <script> element early.
        code = assets.read_asset_text(asset).replace("</script", "<\\/script")
        page = page.replace(tag, f"<script>{code}</script>")
    for asset in assets.CSS_ASSETS:
        tag = f'<link rel="stylesheet" href="{asset.url}"/>'
        page = page.replace(tag, f"<style>{_inline_css(asset)}</style>")
    if assets.URL_PREFIX in page:
        raise RuntimeError(
            "the offline map still links an app-served file; inline it in fairkit.offline"
        )
    return page


_PARTS_ROWS = "(window.OFFLINE_MAP_PARTS||[]).reduce(function(a,p){return a.concat(p[0]);},[])"
_PARTS_DETAILS = (
    "(window.OFFLINE_MAP_PARTS||[]).reduce(function(a,p){return Object.assign(a,p[1]);},{})"
)


def _take_data_from_scripts(fmap, ui: OfflineUI, scripts: tuple[str, ...]) -> None:
    """Point the product layer and the panel at the parts the data scripts push."""
    layers = [c for c in _descendants(fmap) if isinstance(c, ProductLayer)]
    if len(layers) != 1:
        raise RuntimeError("the offline map expects exactly one product layer")
    layers[0].data = _PARTS_ROWS
    ui.details = _PARTS_DETAILS
    tags = "".join(f'<script src="{html.escape(src)}"></script>' for src in scripts)
    fmap.get_root().header.add_child(Element(tags), name="offline_data")


def _descendants(element):
    for child in element._children.values():
        yield child
        yield from _descendants(child)


def offline_map_html(
    products: pd.DataFrame,
    lang: str = "pl",
    title: str | None = None,
    basemap: str = "offline",
    as_of: date | None = None,
    tiles: TileConfig | None = None,
    data_scripts: tuple[str, ...] = (),
) -> str:
    """The self-contained HTML page (see :func:`export_offline_map`).

    With ``data_scripts`` (relative URLs) the page carries no offerings itself: it loads
    those scripts, each pushing ``[marker rows, details]`` (see
    :func:`mapview.builder.product_rows`, :func:`product_details`) onto
    ``window.OFFLINE_MAP_PARTS``, and shows what they hold. The static site uses this so
    that one approval rewrites one district's data, not the page. Plain ``<script src>``
    tags, so the page still works from ``file://``.
    """
    check_language(lang)
    if basemap not in OFFLINE_BASEMAPS:
        raise ValueError(f"basemap {basemap!r} is not one of {OFFLINE_BASEMAPS} for a single file")
    tiles = tiles if tiles is not None else load_tile_config()
    title = title or localised_text(UI_TEXT, "title", lang)
    product_map = render_product_map(
        products,
        lang=lang,
        basemap=basemap,
        tiles=tiles,
        legend_title=localised_text(UI_TEXT, "legend", lang),
        social_economy_label="★ " + SECTOR_LABELS["social_economy"][lang],
    )
    fmap = product_map.full_map()
    # markercluster refuses to start ("Map has no maxZoom specified") on a map without a
    # tile layer unless the map itself has zoom limits; folium puts them on tiles only.
    fmap.options.setdefault("max_zoom", 18)
    fmap.options.setdefault("min_zoom", 7)
    shown = {row[5] for row in product_rows(products, lang)}
    details = {pid: d for pid, d in product_details(products, lang).items() if pid in shown}
    text = {k: localised_text(UI_TEXT, k, lang) for k in UI_TEXT if k not in ("title", "cluster")}
    # The UI's code (mapview/js/src/offline_ui.js, linted with the map's), then its call.
    InlineScript(OFFLINE_UI_SCRIPT_PATH).add_to(fmap)
    ui = OfflineUI(details, text)
    ui.add_to(fmap)
    root = fmap.get_root()
    if data_scripts:
        _take_data_from_scripts(fmap, ui, data_scripts)
    root.header.add_child(Element(OFFLINE_CSS), name="offline_css")
    stamp = format_date(as_of or date.today(), lang)
    bar = (
        '<div class="ofm-bar" id="ofm-bar" role="search">'
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="ofm-sub">{html.escape(localised_text(UI_TEXT, "cluster", lang))} · '
        f"{html.escape(localised_text(UI_TEXT, 'as_of', lang, d=stamp))}</p>"
        f'<input type="search" id="ofm-q" autocomplete="off" '
        f'placeholder="{html.escape(localised_text(UI_TEXT, "search", lang))}" '
        f'aria-label="{html.escape(localised_text(UI_TEXT, "search", lang))}">'
        '<p class="ofm-count" id="ofm-count" aria-live="polite"></p>'
        '<ul class="ofm-results" id="ofm-results"></ul></div>'
        '<aside class="ofm-panel" id="ofm-panel" hidden aria-live="polite">'
        f'<button type="button" class="ofm-close" id="ofm-close" '
        f'aria-label="{html.escape(localised_text(UI_TEXT, "close", lang))}">×</button>'
        '<div id="ofm-body"></div></aside>'
    )
    root.html.add_child(Element(bar), name="offline_ui")
    page = root.render()
    if data_scripts and _PARTS_ROWS not in page:
        raise RuntimeError("the product layer no longer reads its rows from `data`")
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    page = page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
    return _inline_assets(page)


def export_offline_map(
    products: pd.DataFrame,
    out_path: str | os.PathLike,
    lang: str = "pl",
    title: str | None = None,
    basemap: str = "offline",
    tiles: TileConfig | None = None,
) -> int:
    """Write the offline map of ``products`` to ``out_path``; returns its size in bytes.

    ``products`` is a catalogue frame (normally the published products); rows without
    coordinates or with an unknown category are left out. ``basemap`` is ``"offline"`` (the
    schematic base inside the file; works with no network at all) or ``"online"`` (the tile
    server configured in ``tiles``, see :mod:`mapview.tiles`, when online). ``title``
    defaults to the app's title in ``lang``. The file is written to a temporary file in the
    same directory and renamed, so a reader never sees half a file.
    """
    page = offline_map_html(products, lang=lang, title=title, basemap=basemap, tiles=tiles)
    data = page.encode("utf-8")
    write_atomic(out_path, data)
    return len(data)
