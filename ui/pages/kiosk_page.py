"""Presentation mode for a fair screen: a full-width map and a slideshow of offerings.

Slides cycle every N seconds inside ``st.fragment(run_every=N)``; each slide moves the map
with ``st_folium``'s ``center``/``zoom`` (no reload) and a small script turns that move into a
flight. Two tours: the best-described offerings of every district, or the five districts.

"Touch": Streamlit does not see raw taps, so a visitor's touch is a press of one of this
page's own controls (previous / next / tour / language). Each press stores the time in
``st.session_state["kiosk_touch"]`` and pauses the autoplay; when no control has been pressed
for the idle time (a staff setting), the show returns to the first slide of the featured tour
in the start language and plays again. Panning the map is not reported to Python
(``returned_objects=[]``), so it does not count as a touch.
"""

from __future__ import annotations

import math
import time
from urllib.parse import urlencode

import folium
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from catalogue.filters import query_int
from catalogue.locale_format import format_number
from catalogue.staff import authenticate
from catalogue.taxonomy import category_label, sector_label
from fairkit.pdf_common import product_link, public_site_url
from fairkit.qr import qr_png
from fairkit.stats import featured_products, social_economy_by_district
from fairkit.trips import stop_description, stop_name
from geodata import DISTRICT_TERYTS, district_name, load_districts
from mapview.builder import ProductLayer, _script_json, build_base_map, product_rows
from mapview.tiles import basemap_label, load_tile_config
from ui import choice
from ui.i18n import LANGUAGE_NAMES, load_strings, page_translator, t
from ui.staff_auth import client_id
from ui.state import KIOSK_FLAG, app_base_url, current_language, get_store, published_products
from ui.text import md_escape

S = load_strings("kiosk_page")

DEFAULT_INTERVAL = 12
DEFAULT_IDLE = 90
MAP_HEIGHT = 760
# Static layout CSS only (no catalogue text): no sidebar, no app header or menu (visitors
# must not wander into other pages), full width, body text 28 px at 1920×1080.
KIOSK_CSS = """<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"],[data-testid="stTopNav"]{display:none !important}
[data-testid="stMainBlockContainer"]{max-width:100% !important;padding:1.2rem 2rem 1rem !important}
[data-testid="stMain"] h1{font-size:3rem !important;line-height:1.1}
[data-testid="stMain"] h2{font-size:2.6rem !important;line-height:1.15}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li{font-size:1.75rem;line-height:1.4}
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] p{font-size:1.75rem}
[data-testid="stMain"] .stButton button{min-height:3.4rem;font-size:1.75rem;padding:0 1.2rem}
[data-testid="stMain"] .stButton button p{font-size:1.75rem}
</style>"""

lang = current_language()
st.session_state.setdefault("kiosk_home_lang", lang)


tr = page_translator(S, lang)


class KioskFly(MacroElement):
    """Makes streamlit-folium's view change (``setView(center, zoom)``) a smooth flight.

    Calls with options (``fitBounds``, Leaflet internals) keep the plain behaviour.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
            var map = {{ this._parent.get_name() }}, plain = map.setView;
            map.setView = function(center, zoom, options) {
                if (options === undefined && map._loaded) {
                    map.stop();
                    return map.flyTo(center, zoom, {duration: 2.2});
                }
                return plain.call(map, center, zoom, options);
            };
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "KioskFly"


class KioskHighlight(MacroElement):
    """A ring around the slide's offering at (lat, lon) in degrees.

    The builder's own "selected" flag also moves the view to the product, which would fight
    the slideshow's ``center``/``zoom``; a ring only marks it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.circleMarker({{ this.point }}, {radius: 32, color: "#f5b800", weight: 6, opacity: 0.95,
            fill: true, fillOpacity: 0.12, interactive: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, lat: float, lon: float) -> None:
        super().__init__()
        self._name = "KioskHighlight"
        self.point = _script_json([round(float(lat), 6), round(float(lon), 6)])


def exit_show() -> None:
    """End presentation mode (navigation comes back) if a staff password is given."""
    user = str(st.session_state.get("kiosk_exit_user") or "")
    password = str(st.session_state.get("kiosk_exit_password") or "")
    st.session_state["kiosk_exit_password"] = ""
    if authenticate(get_store(), user, password, client_id()):
        st.session_state.pop(KIOSK_FLAG, None)
        st.session_state["kiosk_exit_ok"] = True
    else:
        st.session_state["kiosk_exit_failed"] = True


def touch() -> None:
    """A visitor pressed a control: pause the autoplay until the idle time passes."""
    st.session_state["kiosk_touch"] = time.time()


def step(delta: int) -> None:
    touch()
    st.session_state["kiosk_idx"] = st.session_state.get("kiosk_idx", 0) + delta
    st.session_state["kiosk_advanced"] = time.time()


def set_language(code: str) -> None:
    touch()
    st.session_state["lang"] = code


def toggle_play() -> None:
    st.session_state["kiosk_paused"] = not st.session_state.get("kiosk_paused", False)
    st.session_state.pop("kiosk_touch", None)
    st.session_state["kiosk_advanced"] = time.time()


def tour_changed() -> None:
    touch()
    st.session_state["kiosk_idx"] = 0


def app_root() -> str:
    """The app's address for QR codes (``PUBLIC_BASE_URL`` if configured, else this page's
    URL minus its path). Never from the query string or a form: a crafted link must not point
    every QR code of the stand elsewhere."""
    return app_base_url("prezentacja")


def link(params: dict[str, str]) -> str:
    if lang != "pl":
        params = {**params, "lang": lang}
    return f"{app_root()}/?{urlencode(params)}"


@st.cache_data(show_spinner=False)
def district_views(width_px: int, height_px: int) -> dict[str, tuple[float, float, float]]:
    """(lat, lon, zoom) per district that fits it into a map of the given size in px."""
    views = {}
    for _, row in load_districts().iterrows():
        west, south, east, north = row.geometry.bounds
        lat = (south + north) / 2
        # Web Mercator: 256 px per 360° at zoom 0; latitude spans stretch by 1/cos(lat).
        zoom_x = math.log2(width_px * 360 / (256 * (east - west)))
        zoom_y = math.log2(height_px * 360 / (256 * (north - south) / math.cos(math.radians(lat))))
        zoom = math.floor((min(zoom_x, zoom_y) - 0.3) * 4) / 4
        point = row.geometry.representative_point()
        views[row["teryt"]] = (round(point.y, 5), round(point.x, 5), zoom)
    return views


def featured_slides(frame: pd.DataFrame, per_district: int) -> list[str]:
    """Product ids of the featured tour, one district after another in turn."""
    best = featured_products(frame, per_district=per_district)
    if best.empty:
        return []
    best = best.assign(rank=best.groupby("district_teryt").cumcount())
    return list(best.sort_values(["rank", "district_teryt"], kind="stable")["id"])


def photo_for(product_id: str) -> tuple[object, str]:
    """(photo file or None, its credit line) of a product's first reviewed photo."""
    try:
        from fairkit.card import photo_credit, photo_path
    except ImportError:  # the card module is optional for this page
        return None, ""
    try:
        store = get_store()
        return photo_path(store, product_id), photo_credit(store, product_id, lang)
    except Exception:  # noqa: BLE001 - a broken photo must never stop the show
        return None, ""


def product_slide(row: pd.Series) -> None:
    photo, credit = photo_for(str(row["id"]))
    st.header(md_escape(stop_name(row, lang)), anchor=False)
    place = district_name(row["district_teryt"], lang) if row.get("district_teryt") else ""
    st.markdown(f"**{md_escape(category_label(row['category'], lang))}** · {md_escape(place)}")
    description = stop_description(row, lang, limit=220 if photo is not None else 320)
    if description:
        st.markdown(md_escape(description))
    partner = str(row.get("partner_name") or "")
    if partner:
        sector = str(row.get("partner_sector") or "")
        badge = ""
        if sector:
            star = "★ " if sector == "social_economy" else ""
            badge = f" · {star}{md_escape(sector_label(sector, lang))}"
        st.markdown(f"{tr('partner')}: {md_escape(partner)}{badge}")
    pid = str(row["id"])
    url = product_link(pid, lang=lang) if public_site_url() else link({"product": pid})
    if photo is None:
        qr_block(url, tr("scan"))
        return
    # Photo and QR side by side, so both fit a 1080-px-high screen.
    photo_col, qr_col = st.columns([3, 2], vertical_alignment="center")
    photo_col.image(
        str(photo), width="stretch", alt=t("photo_alt", lang, name=stop_name(row, lang))
    )
    if credit:
        photo_col.caption(md_escape(credit))
    qr_col.image(qr_png(url, scale=10, border=2), width="stretch", alt=t("qr_alt", lang, url=url))
    qr_col.markdown(f"**{tr('scan')}**")


def district_slide(teryt: str, frame: pd.DataFrame) -> None:
    st.header(md_escape(district_name(teryt, lang)), anchor=False)
    counts = social_economy_by_district(frame, lang).set_index("teryt")
    n = int(counts.at[teryt, "products"]) if teryt in counts.index else 0
    se = int(counts.at[teryt, "social_economy"]) if teryt in counts.index else 0
    st.markdown(tr("offerings", n=n, se=format_number(se, lang)))
    here = frame[frame["district_teryt"] == teryt]
    top = here["category"].value_counts().head(3)
    if len(top):
        cats = ", ".join(f"{category_label(c, lang)} ({k})" for c, k in top.items())
        st.markdown(tr("top_categories", cats=md_escape(cats)))
    best = featured_products(here, per_district=4)
    if len(best):
        st.markdown(f"**{tr('highlights')}:**")
        st.markdown("\n".join(f"- {md_escape(stop_name(r, lang))}" for _, r in best.iterrows()))
    qr_block(link({"district": teryt}), tr("scan_district"))


def qr_block(url: str, caption: str) -> None:
    qr_col, text_col = st.columns([2, 3], vertical_alignment="center")
    qr_col.image(qr_png(url, scale=10, border=2), width="stretch", alt=t("qr_alt", lang, url=url))
    text_col.markdown(f"**{caption}**")
    text_col.caption(md_escape(url))


# -- page --------------------------------------------------------------------------------


def seed_settings() -> None:
    """Staff settings, taken from the URL the first time in a session so that a bookmark
    sets up the stand, e.g. ``prezentacja?interval=8&idle=60&basemap=none``.

    Called on every run: Streamlit drops a widget's value when its page is left, and the
    values must exist before the fragment reads them.
    """
    params = {} if st.session_state.get("kiosk_seeded") else st.query_params.to_dict()
    st.session_state["kiosk_seeded"] = True

    def number(name: str, low: int, high: int, default: int) -> int:
        value = query_int(params.get(name), low, high, clamp=True)
        return default if value is None else value

    st.session_state.setdefault("kiosk_interval", number("interval", 5, 60, DEFAULT_INTERVAL))
    st.session_state.setdefault("kiosk_idle", number("idle", 20, 600, DEFAULT_IDLE))
    st.session_state.setdefault("kiosk_per_district", number("per", 1, 5, 2))
    basemap = params.get("basemap")
    usable = load_tile_config().basemaps
    st.session_state.setdefault("kiosk_basemap", basemap if basemap in usable else usable[0])


if not st.session_state.get(KIOSK_FLAG):
    # app.py hides the navigation while this flag is set; it is cleared by a staff exit only.
    st.session_state[KIOSK_FLAG] = True
    st.rerun()
st.html(KIOSK_CSS)
seed_settings()
everything = published_products()
interval = int(st.session_state["kiosk_interval"])
idle_after = int(st.session_state["kiosk_idle"])
per_district = int(st.session_state["kiosk_per_district"])
basemap = st.session_state["kiosk_basemap"]

head, langs = st.columns([3, 2], vertical_alignment="center")
head.title(tr("title"), anchor=False)
head.caption(f"{tr('subtitle')} · {t('cluster_name', lang)}")
with langs.container(horizontal=True, horizontal_alignment="right"):
    for code in ("pl", "en", "uk"):
        st.button(
            LANGUAGE_NAMES[code],
            key=f"kiosk_lang_{code}",
            on_click=set_language,
            args=(code,),
            type="primary" if code == lang else "secondary",
        )

choice.segmented_control(
    tr("tour"),
    ["featured", "districts"],
    key="kiosk_mode",
    default="featured",
    format_func=lambda m: tr(f"tour_{m}"),
    on_change=tour_changed,
    label_visibility="collapsed",
    required=True,
)
mode = st.session_state.get("kiosk_mode") or "featured"
slides = featured_slides(everything, per_district) if mode == "featured" else list(DISTRICT_TERYTS)
rows = everything.drop_duplicates("id").set_index("id", drop=False)
paused = bool(st.session_state.get("kiosk_paused", False))


@st.fragment(run_every=None if paused else interval)
def show() -> None:
    """One slide and the map; on a timer tick, advance or return to the start when idle."""
    now = time.time()
    st.session_state.setdefault("kiosk_advanced", now)
    touched = st.session_state.get("kiosk_touch")
    if not paused and touched is not None and now - touched >= idle_after:
        # Nobody touched the screen for the idle time: start the show again.
        st.session_state.pop("kiosk_touch", None)
        st.session_state["kiosk_idx"] = 0
        st.session_state["kiosk_advanced"] = now
        home = st.session_state.get("kiosk_home_lang", "pl")
        if st.session_state.get("kiosk_mode") != "featured" or home != lang:
            # Widgets outside this fragment (tour, language) change only in a full run.
            st.session_state["kiosk_mode"] = "featured"
            st.session_state["lang"] = home
            st.rerun(scope="app")
    elif (
        not paused
        and touched is None
        and now - st.session_state["kiosk_advanced"] >= (interval - 0.5)
    ):
        st.session_state["kiosk_idx"] = st.session_state.get("kiosk_idx", 0) + 1
        st.session_state["kiosk_advanced"] = now
    if not slides:
        st.info(tr("empty"))
        return
    idx = st.session_state.get("kiosk_idx", 0) % len(slides)
    current = slides[idx]
    map_col, card_col = st.columns([3, 2], gap="large")
    if mode == "featured":
        row = rows.loc[current]
        centre, zoom = (float(row["lat"]), float(row["lon"])), 14
    else:
        lat, lon, zoom = district_views(1100, MAP_HEIGHT)[current]
        centre = (lat, lon)
    with map_col:
        base = build_base_map(
            lang, basemap, tr("legend"), "★ " + sector_label("social_economy", lang)
        )
        KioskFly().add_to(base)
        group = folium.FeatureGroup(name="products", control=False)
        ProductLayer(product_rows(everything, lang), lang=lang).add_to(group)
        if mode == "featured":
            KioskHighlight(*centre).add_to(group)
        st_folium(
            base,
            key="kiosk_map",
            feature_group_to_add=group,
            returned_objects=[],
            center=centre,
            zoom=zoom,
            height=MAP_HEIGHT,
            use_container_width=True,
        )
    with card_col:
        if mode == "featured":
            product_slide(rows.loc[current])
        else:
            district_slide(current, everything)
        with st.container(horizontal=True, vertical_alignment="center"):
            st.button(
                tr("prev"),
                key="kiosk_prev",
                on_click=step,
                args=(-1,),
                icon=":material/arrow_back:",
            )
            st.button(
                tr("next"),
                key="kiosk_next",
                on_click=step,
                args=(1,),
                icon=":material/arrow_forward:",
            )
            st.button(
                tr("play") if paused else tr("pause"),
                key="kiosk_play",
                on_click=toggle_play,
                icon=":material/play_arrow:" if paused else ":material/pause:",
            )
            st.markdown(tr("slide", n=idx + 1, total=len(slides)))


show()

with st.expander(tr("settings"), icon=":material/settings:"):
    c1, c2, c3 = st.columns(3)
    # No value= arguments: the values live in session state (seeded above).
    c1.slider(tr("interval"), 5, 60, step=1, key="kiosk_interval")
    c2.slider(tr("idle"), 20, 600, step=10, key="kiosk_idle")
    c3.slider(tr("per_district"), 1, 5, key="kiosk_per_district")
    c4, c5 = st.columns([1, 2])
    choice.radio(
        tr("basemap"),
        list(load_tile_config().basemaps),
        key="kiosk_basemap",
        format_func=lambda b: basemap_label(b, lang),
        horizontal=True,
        where=c4,
    )
    c5.markdown(f"{tr('public_url')}: `{app_root()}`", help=tr("public_url_help"))
    # Leaving the presentation is a staff action: the password, every time.
    with st.form("kiosk_exit_form", border=False):
        e1, e2, e3 = st.columns([2, 2, 1], vertical_alignment="bottom")
        e1.text_input(tr("exit_user"), key="kiosk_exit_user", max_chars=64)
        e2.text_input(tr("exit_password"), key="kiosk_exit_password", type="password")
        e3.form_submit_button(tr("exit"), key="kiosk_exit", on_click=exit_show)
    if st.session_state.pop("kiosk_exit_failed", False):
        st.error(tr("exit_failed"), icon=":material/lock:")
    if st.session_state.pop("kiosk_exit_ok", False):
        st.switch_page("ui/pages/map_page.py")
