"""My trip: the chosen stops in visiting order on a map, reordering, distance, GPX/PDF, link/QR.

The trip lives in ``st.session_state["trip"]`` (see :mod:`ui.trip_state`) and in the URL as
``?trip=id1,id2,…``, so the link or its QR code reopens the same trip on a phone.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import folium
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from catalogue.locale_format import format_distance_km
from catalogue.taxonomy import category_label, sector_label
from fairkit.qr import qr_png
from fairkit.trips import (
    MAX_STOPS,
    known_stops,
    order_trip,
    stop_name,
    trip_gpx,
    trip_legs_km,
    trip_param,
    trip_pdf,
)
from geodata import district_name
from mapview.builder import ProductLayer, _script_json, build_base_map, product_rows
from ui import choice
from ui.i18n import load_strings, page_translator, t
from ui.state import app_base_url, current_language, published_products
from ui.text import md_escape
from ui.trip_state import (
    add_to_trip,
    adopt_url,
    clear_trip,
    move_in_trip,
    remove_from_trip,
    set_trip,
    sync_url,
    trip_ids,
)

S = load_strings("trip_page")

lang = current_language()


tr = page_translator(S, lang)


class TripRoute(MacroElement):
    """A polyline through the stops in order, a number next to each stop, and a fit to them.

    ``points`` are ``[lat, lon]`` pairs (degrees) in visiting order; numbers are drawn from
    their positions, so no catalogue text reaches this element.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
            var group = {{ this._parent.get_name() }}, pts = {{ this.points }};
            if (pts.length > 1) {
                L.polyline(pts, {color: "#1f6f43", weight: 4, opacity: 0.85, dashArray: "8 6",
                    interactive: false}).addTo(group);
            }
            for (var i = 0; i < pts.length; i++) {
                var el = document.createElement("div");
                el.textContent = String(i + 1);
                el.style.cssText = "background:#1f6f43;color:#fff;border:2px solid #fff;" +
                    "border-radius:11px;font:700 13px/18px system-ui,sans-serif;text-align:center;" +
                    "min-width:18px;padding:0 3px;box-shadow:0 1px 3px rgba(0,0,0,.5)";
                L.marker(pts[i], {interactive: false, keyboard: false, zIndexOffset: 2000,
                    icon: L.divIcon({className: "", html: el, iconSize: null, iconAnchor: [-8, 30]})
                }).addTo(group);
            }
            if (pts.length) {
                // The group is put on the map right after this script, and the component and
                // the base map may still size the frame and set their own view: fit again a
                // little later and on resize, until the visitor touches the map.
                var touched = false, hooked = false;
                var fit = function(){
                    var map = group._map;
                    if (!map || touched) { return; }
                    if (!hooked) {
                        hooked = true;
                        ["pointerdown", "wheel", "touchstart", "keydown"].forEach(function(ev){
                            map.getContainer().addEventListener(ev, function(){ touched = true; }, {once: true});
                        });
                        map.on("resize", function(){ setTimeout(fit, 50); });
                    }
                    map.fitBounds(L.latLngBounds(pts), {padding: [50, 50], maxZoom: 13, animate: false});
                };
                [0, 400, 1200].forEach(function(ms){ setTimeout(fit, ms); });
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: list[list[float]]) -> None:
        super().__init__()
        self._name = "TripRoute"
        self.points = _script_json(points)


def trip_link(ids: list[str]) -> str:
    """Absolute URL of this page with the trip (and a non-Polish language)."""
    base = app_base_url("wycieczka") + "/wycieczka"
    params = {"trip": trip_param(ids)}
    if lang != "pl":
        params["lang"] = lang
    return f"{base}?{urlencode(params, safe=',')}"


def add_picked() -> None:
    pid = st.session_state.get("trip_add_pick")
    if pid:
        add_to_trip(pid)
        st.session_state["trip_add_pick"] = None


def optimise(frame: pd.DataFrame) -> None:
    set_trip(order_trip(frame, trip_ids()))


def label(row: pd.Series) -> str:
    place = district_name(row["district_teryt"], lang) if row.get("district_teryt") else ""
    return " · ".join(p for p in (stop_name(row, lang), place) if p)


# -- page --------------------------------------------------------------------------------

everything = published_products()
st.title(tr("title"), anchor=False)
st.caption(f"{tr('intro')}  \n{t('sample_note', lang)}")

adopt_url()
wanted = trip_ids()
stops = known_stops(everything, wanted)
if stops != wanted:
    set_trip(stops)
    if len(stops) < len(wanted):
        st.info(tr("dropped", n=len(wanted) - len(stops)), icon=":material/info:")
rows = everything.drop_duplicates("id").set_index("id", drop=False)

# Adding a place is possible here too, so the page works before the map's button exists.
candidates = everything[~everything["id"].isin(stops)]
names = {str(r["id"]): label(r) for _, r in candidates.iterrows()}
pick_col, add_col = st.columns([5, 1], vertical_alignment="bottom")
choice.selectbox(
    tr("add_pick"),
    sorted(names, key=lambda i: names[i].casefold()),
    index=None,
    key="trip_add_pick",
    format_func=names.__getitem__,
    placeholder=t("choose", lang),
    disabled=len(stops) >= MAX_STOPS,
    where=pick_col,
)
add_col.button(
    tr("add"),
    key="trip_add",
    on_click=add_picked,
    icon=":material/add_location_alt:",
    disabled=len(stops) >= MAX_STOPS,
    width="stretch",
)
if len(stops) >= MAX_STOPS:
    st.caption(tr("full", n=MAX_STOPS))

if not stops:
    st.info(tr("empty"), icon=":material/route:")
else:
    legs = trip_legs_km(everything, stops)
    map_col, list_col = st.columns([3, 2], gap="medium")
    with list_col:
        m1, m2 = st.columns(2)
        m1.metric(tr("stops"), len(stops))
        m2.metric(tr("distance"), format_distance_km(sum(legs), lang), help=tr("distance_note"))
        b1, b2 = st.columns(2)
        b1.button(
            tr("optimise"),
            key="trip_optimise",
            help=tr("optimise_help"),
            on_click=optimise,
            args=(everything,),
            icon=":material/route:",
            disabled=len(stops) < 3,
            width="stretch",
        )
        b2.button(
            tr("clear"),
            key="trip_clear",
            on_click=clear_trip,
            icon=":material/delete_sweep:",
            width="stretch",
        )
        # Scrolls beside the map instead of pushing the downloads far down.
        listing = st.container(height=420 if len(stops) > 3 else "content", border=False)
        for n, pid in enumerate(stops, start=1):
            row = rows.loc[pid]
            star = "★ " if row.get("partner_sector") == "social_economy" else ""
            detail = category_label(row["category"], lang)
            if n > 1:
                detail += " · " + tr("leg", km=format_distance_km(legs[n - 2], lang))
            with listing.container(border=True):
                st.markdown(f"**{n}. {star}{md_escape(label(row))}**  \n{md_escape(detail)}")
                with st.container(horizontal=True, gap="small"):
                    st.button(
                        tr("up"),
                        key=f"trip_up_{pid}",
                        icon=":material/arrow_upward:",
                        type="tertiary",
                        on_click=move_in_trip,
                        args=(pid, -1),
                        disabled=n == 1,
                    )
                    st.button(
                        tr("down"),
                        key=f"trip_down_{pid}",
                        icon=":material/arrow_downward:",
                        type="tertiary",
                        on_click=move_in_trip,
                        args=(pid, 1),
                        disabled=n == len(stops),
                    )
                    st.button(
                        tr("remove"),
                        key=f"trip_rm_{pid}",
                        icon=":material/close:",
                        type="tertiary",
                        on_click=remove_from_trip,
                        args=(pid,),
                    )
    with map_col:
        trip_frame = rows.loc[stops].reset_index(drop=True)
        base = build_base_map(
            lang,
            st.session_state.get("basemap"),
            tr("legend"),
            "★ " + sector_label("social_economy", lang),
        )
        group = folium.FeatureGroup(name="trip", control=False)
        # A small cluster radius: stops of one town stay apart, numbered, at region zoom.
        ProductLayer(
            product_rows(trip_frame, lang, trip_ids=stops), cluster_radius=12, lang=lang
        ).add_to(group)
        TripRoute([[float(rows.at[i, "lat"]), float(rows.at[i, "lon"])] for i in stops]).add_to(
            group
        )
        st_folium(
            base,
            key="trip_map",
            feature_group_to_add=group,
            returned_objects=[],
            height=520,
            use_container_width=True,
        )

    link = trip_link(stops)
    st.subheader(tr("downloads"), anchor=False)
    dl_col, link_col = st.columns([1, 1], gap="medium")
    with dl_col:
        name = tr("trip_name")
        st.download_button(
            tr("gpx"),
            data=trip_gpx(everything, stops, name, lang=lang, link=link),
            file_name="wycieczka.gpx",
            mime="application/gpx+xml",
            key="trip_dl_gpx",
            help=tr("gpx_help"),
            icon=":material/route:",
            on_click="ignore",
        )
        st.download_button(
            tr("pdf"),
            # Built only when clicked (in a worker thread): a PDF takes ~0.3 s.
            data=partial(trip_pdf, trip_frame, list(stops), name, lang=lang, link=link),
            file_name="wycieczka.pdf",
            mime="application/pdf",
            key="trip_dl_pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
        )
    with link_col:
        st.markdown(f"**{tr('link')}**")
        st.code(link, language=None, wrap_lines=True)
        st.image(
            qr_png(link, scale=5), width=200, caption=tr("qr"), alt=t("qr_alt", lang, url=link)
        )

sync_url({"lang": lang} if lang != "pl" else None)
