"""The offering form's location picker: a map to click, a pin to drag, typed coordinates and
the gmina of the point.

The location is set by clicking the map, by pasting coordinates in any format
:func:`geodata.parse_coordinates` reads, or by dragging the marker. streamlit-folium 0.27
does not report marker drags, so the marker's ``dragend`` fires a map ``click`` at the new
position, which the component does report as ``last_clicked``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from catalogue.validation.report import ValidationIssue
from geodata import CoordinateError, district_name, gminy_of_district, locate, parse_coordinates
from mapview.builder import build_base_map
from ui import choice
from ui.form_values import k
from ui.form_words import show_issues, tr
from ui.i18n import gmina_label


@dataclass
class Point:
    lat: float
    lon: float
    district: str | None  # TERYT, None outside the five districts


def parsed_point(prefix: str) -> Point | None:
    """The point typed or clicked so far, or None if there is none (or it is unreadable)."""
    text = st.session_state.get(k(prefix, "coordinates")) or ""
    if not text.strip():
        return None
    try:
        lat, lon = parse_coordinates(text)
        location = locate(lat, lon)
    except (CoordinateError, ValueError):
        return None
    return Point(lat, lon, location.teryt if location else None)


def _take_map_click(prefix: str) -> None:
    # Runs before the script, so the coordinates widget may still be changed.
    event = st.session_state.get(k(prefix, "map")) or {}
    point = event.get("last_clicked")
    if point and point.get("lat") is not None:
        st.session_state[k(prefix, "coordinates")] = f"{point['lat']:.6f}, {point['lng']:.6f}"


class DraggablePin(MacroElement):
    """The chosen point: a draggable pin whose drop is reported as a map click."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
            var pin = L.divIcon({className: "", iconSize: [30, 42], iconAnchor: [15, 41],
                html: '<svg width="30" height="42" viewBox="0 0 30 42" aria-hidden="true">'
                    + '<path d="M15 1C7.3 1 1 7.2 1 14.9 1 25.3 15 41 15 41s14-15.7 14-26.1C29 7.2 22.7 1 15 1z"'
                    + ' fill="#c62828" stroke="#fff" stroke-width="2"/><circle cx="15" cy="15" r="5" fill="#fff"/></svg>'});
            var marker = L.marker({{ this.location }}, {draggable: true, autoPan: true,
                icon: pin, title: {{ this.title }}, alt: {{ this.title }}, zIndexOffset: 1000});
            marker.on("dragend", function(e){
                var ll = e.target.getLatLng();
                if (window.map) { window.map.fire("click", {latlng: ll}); }
            });
            marker.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lat: float, lon: float, title: str) -> None:
        super().__init__()
        self._name = "DraggablePin"
        self.location = json.dumps([round(lat, 6), round(lon, 6)])
        self.title = json.dumps(title).replace("<", "\\u003c")


DRAG_TITLE = {
    "pl": "Przeciągnij, aby poprawić położenie",
    "en": "Drag to correct the position",
    "uk": "Перетягніть, щоб уточнити розташування",
}


def location_fields(
    prefix: str,
    lang: str,
    issues: dict[str, list[ValidationIssue]],
    show_required: bool,
    height: int = 420,
) -> Point | None:
    """Map, coordinates and gmina; returns the point when it can be read."""
    st.markdown(f"**{tr('location', lang)}** *")
    st.caption(tr("location_help", lang))
    point = parsed_point(prefix)
    base = build_base_map(lang)
    pin = folium.FeatureGroup(name="pin", control=False)
    if point is not None:
        DraggablePin(point.lat, point.lon, DRAG_TITLE[lang]).add_to(pin)
    _map(base, pin, prefix, point, height)
    st.text_input(
        tr("coordinates", lang),
        key=k(prefix, "coordinates"),
        help=tr("coordinates_help", lang),
        max_chars=300,
    )
    show_issues(issues.get("coordinates", []), lang, show_required)
    gmina_key = k(prefix, "gmina")
    if point is None or point.district is None:
        return point
    st.markdown(
        tr(
            "place",
            lang,
            district=district_name(point.district, lang),
            lat=point.lat,
            lon=point.lon,
        )
    )
    gminy = {g["teryt"]: gmina_label(g, lang) for g in gminy_of_district(point.district)}
    choice.selectbox(tr("gmina", lang), list(gminy), key=gmina_key, format_func=gminy.__getitem__)
    show_issues(issues.get("gmina", []), lang, show_required)
    return point


def _map(base, pin, prefix: str, point: Point | None, height: int) -> None:
    st_folium(
        base,
        key=k(prefix, "map"),
        feature_group_to_add=pin,
        returned_objects=["last_clicked"],
        on_change=lambda: _take_map_click(prefix),
        height=height,
        use_container_width=True,
        center=(point.lat, point.lon) if point else None,
        zoom=13 if point else None,
    )
