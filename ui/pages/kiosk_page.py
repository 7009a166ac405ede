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

from catalogue.taxonomy import category_label, sector_label
from fairkit.pdf_common import product_link, public_site_url
from fairkit.qr import qr_png
from fairkit.stats import featured_products, social_economy_by_district
from fairkit.trips import stop_description, stop_name
from geodata import DISTRICT_TERYTS, district_name, load_districts
from mapview.builder import BASEMAPS, ProductLayer, _script_json, build_base_map, product_rows
from ui.i18n import LANGUAGE_NAMES, t, translate
from ui.state import current_language, get_store, published_products
from ui.text import md_escape, safe_url

S = {
    "title": {
        "pl": "Odkryj pięć powiatów",
        "en": "Discover five districts",
        "uk": "Відкрийте п'ять повітів",
    },
    "subtitle": {
        "pl": "Powiaty jarosławski, lubaczowski, przemyski, przeworski i miasto Przemyśl",
        "en": "Jarosław, Lubaczów, Przemyśl and Przeworsk counties and the city of Przemyśl",
        "uk": "Ярославський, Любачівський, Перемишльський, Переворський повіти та місто Перемишль",
    },
    "prev": {"pl": "Wstecz", "en": "Back", "uk": "Назад"},
    "next": {"pl": "Dalej", "en": "Next", "uk": "Далі"},
    "play": {"pl": "Odtwarzaj", "en": "Play", "uk": "Відтворити"},
    "pause": {"pl": "Zatrzymaj", "en": "Pause", "uk": "Пауза"},
    "tour": {"pl": "Pokaz", "en": "Tour", "uk": "Показ"},
    "tour_featured": {
        "pl": "Polecane oferty",
        "en": "Featured offerings",
        "uk": "Рекомендовані пропозиції",
    },
    "tour_districts": {
        "pl": "Wycieczka po powiatach",
        "en": "District tour",
        "uk": "Подорож повітами",
    },
    "scan": {
        "pl": "Zeskanuj telefonem i zabierz ofertę ze sobą",
        "en": "Scan with your phone to take it with you",
        "uk": "Скануйте телефоном і візьміть із собою",
    },
    "scan_district": {
        "pl": "Zeskanuj, aby zobaczyć oferty powiatu na mapie",
        "en": "Scan to see the district's offerings on the map",
        "uk": "Скануйте, щоб побачити пропозиції повіту на мапі",
    },
    "slide": {"pl": "{n} / {total}", "en": "{n} / {total}", "uk": "{n} / {total}"},
    "offerings": {
        "pl": "**{n}** ofert turystycznych, w tym **{se}** podmiotów ekonomii społecznej",
        "en": "**{n}** tourist offerings, **{se}** of them by social-economy entities",
        "uk": "**{n}** туристичних пропозицій, з них **{se}** від суб'єктів соціальної економіки",
    },
    "top_categories": {
        "pl": "Najwięcej: {cats}",
        "en": "Most offerings: {cats}",
        "uk": "Найбільше: {cats}",
    },
    "highlights": {"pl": "Warto zobaczyć", "en": "Highlights", "uk": "Варто побачити"},
    "partner": {"pl": "Partner", "en": "Partner", "uk": "Партнер"},
    "empty": {
        "pl": "Katalog nie ma jeszcze opisanych ofert do pokazania.",
        "en": "The catalogue has no described offerings to show yet.",
        "uk": "У каталозі ще немає описаних пропозицій для показу.",
    },
    "settings": {
        "pl": "Ustawienia pokazu (obsługa stoiska)",
        "en": "Show settings (stand staff)",
        "uk": "Налаштування показу (персонал стенду)",
    },
    "interval": {
        "pl": "Zmiana slajdu co (s)",
        "en": "Next slide every (s)",
        "uk": "Зміна слайда кожні (с)",
    },
    "idle": {
        "pl": "Powrót do początku po bezczynności (s)",
        "en": "Back to the start after no touch for (s)",
        "uk": "Повернення на початок після бездіяльності (с)",
    },
    "per_district": {
        "pl": "Polecanych ofert na powiat",
        "en": "Featured offerings per district",
        "uk": "Рекомендованих пропозицій на повіт",
    },
    "basemap": {"pl": "Podkład mapy", "en": "Base map", "uk": "Підкладка"},
    "basemap_osm": {"pl": "OpenStreetMap", "en": "OpenStreetMap", "uk": "OpenStreetMap"},
    "basemap_none": {
        "pl": "Bez podkładu (offline)",
        "en": "No base map (offline)",
        "uk": "Без підкладки (офлайн)",
    },
    "public_url": {
        "pl": "Publiczny adres aplikacji (do kodów QR)",
        "en": "Public address of the app (for QR codes)",
        "uk": "Публічна адреса застосунку (для QR-кодів)",
    },
    "public_url_help": {
        "pl": "Telefon odwiedzającego musi móc otworzyć ten adres; „localhost” działa tylko "
        "na tym komputerze.",
        "en": "Visitors' phones must be able to open this address; “localhost” works only on "
        "this computer.",
        "uk": "Телефони відвідувачів мають відкривати цю адресу; «localhost» працює лише на "
        "цьому комп'ютері.",
    },
    "legend": {"pl": "Legenda", "en": "Legend", "uk": "Легенда"},
}

DEFAULT_INTERVAL = 12
DEFAULT_IDLE = 90
MAP_HEIGHT = 760
# Static layout CSS only (no catalogue text): no sidebar, full width, large type.
KIOSK_CSS = """<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"]{display:none !important}
[data-testid="stMainBlockContainer"]{max-width:100% !important;padding:4rem 2rem 1rem !important}
[data-testid="stMain"] h1{font-size:3rem !important;line-height:1.1}
[data-testid="stMain"] h2{font-size:2.3rem !important;line-height:1.15}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li{font-size:1.35rem;line-height:1.45}
[data-testid="stMain"] [data-testid="stCaptionContainer"]{font-size:1.1rem}
[data-testid="stMain"] .stButton button{min-height:3.4rem;font-size:1.35rem;padding:0 1.4rem}
[data-testid="stMain"] .stButton button p{font-size:1.35rem}
</style>"""

lang = current_language()
st.session_state.setdefault("kiosk_home_lang", lang)


def tr(key: str, **params) -> str:
    return translate(S, key, lang, **params)


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
    """The app's address for QR codes: the staff setting, else this page's URL minus its path."""
    custom = safe_url(st.session_state.get("kiosk_base_url"))
    if custom:
        return custom.rstrip("/")
    url = (st.context.url or "").split("?")[0].rstrip("/")
    return url.removesuffix("/prezentacja")


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


def photo_for(product_id: str):
    try:
        from fairkit.card import photo_path
    except ImportError:  # the card module is optional for this page
        return None
    try:
        return photo_path(get_store(), product_id)
    except Exception:  # noqa: BLE001 - a broken photo must never stop the show
        return None


def product_slide(row: pd.Series) -> None:
    photo = photo_for(str(row["id"]))
    st.header(md_escape(stop_name(row, lang)), anchor=False)
    place = district_name(row["district_teryt"], lang) if row.get("district_teryt") else ""
    st.markdown(f"**{md_escape(category_label(row['category'], lang))}** · {md_escape(place)}")
    description = stop_description(row, lang, limit=300 if photo is not None else 420)
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
    photo_col.image(str(photo), width="stretch")
    qr_col.image(qr_png(url, scale=10, border=2), width="stretch")
    qr_col.markdown(f"**{tr('scan')}**")


def district_slide(teryt: str, frame: pd.DataFrame) -> None:
    st.header(md_escape(district_name(teryt, lang)), anchor=False)
    counts = social_economy_by_district(frame, lang).set_index("teryt")
    n = int(counts.at[teryt, "products"]) if teryt in counts.index else 0
    se = int(counts.at[teryt, "social_economy"]) if teryt in counts.index else 0
    st.markdown(tr("offerings", n=n, se=se))
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
    qr_col, text_col = st.columns([1, 1], vertical_alignment="center")
    qr_col.image(qr_png(url, scale=10, border=2), width="stretch")
    text_col.markdown(f"**{caption}**")
    text_col.caption(md_escape(url))


# -- page --------------------------------------------------------------------------------


def seed_settings() -> None:
    """Staff settings, taken from the URL the first time in a session so that a bookmark
    sets up the stand, e.g. ``prezentacja?interval=8&idle=60&basemap=none&base=https://…``.

    Called on every run: Streamlit drops a widget's value when its page is left, and the
    values must exist before the fragment reads them.
    """
    params = {} if st.session_state.get("kiosk_seeded") else st.query_params.to_dict()
    st.session_state["kiosk_seeded"] = True

    def number(name: str, low: int, high: int, default: int) -> int:
        raw = str(params.get(name) or "")
        return min(high, max(low, int(raw))) if raw.isdigit() else default

    st.session_state.setdefault("kiosk_interval", number("interval", 5, 60, DEFAULT_INTERVAL))
    st.session_state.setdefault("kiosk_idle", number("idle", 20, 600, DEFAULT_IDLE))
    st.session_state.setdefault("kiosk_per_district", number("per", 1, 5, 2))
    basemap = params.get("basemap")
    st.session_state.setdefault("kiosk_basemap", basemap if basemap in BASEMAPS else "osm")
    st.session_state.setdefault("kiosk_base_url", safe_url(params.get("base")) or "")


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

st.segmented_control(
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
        ProductLayer(product_rows(everything, lang)).add_to(group)
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
    c4.radio(
        tr("basemap"),
        list(BASEMAPS),
        key="kiosk_basemap",
        format_func=lambda b: tr(f"basemap_{b}"),
        horizontal=True,
    )
    c5.text_input(
        tr("public_url"),
        key="kiosk_base_url",
        placeholder=app_root(),
        help=tr("public_url_help"),
        max_chars=300,
    )
