"""Trips: a visitor's chosen stops, their visiting order, GPX and a one-page PDF.

Pure functions over the catalogue frame of
:meth:`catalogue.storage.CatalogueStore.products_frame` (columns ``id``, ``lat``, ``lon``,
``name_pl``/``name_en``/``name_uk``, ``description_*``, ``address``…). Distances are
great-circle ("as the crow flies") kilometres, not road distances: the app has no routing
engine and must work offline. Coordinates are always (lat, lon) in WGS84 degrees.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from catalogue.cells import writable_text
from catalogue.contacts import display_url
from catalogue.locale_format import format_distance_km
from catalogue.localise import localised_field, localised_text
from catalogue.taxonomy import CATEGORY_BY_SLUG, check_language
from fairkit.pdf_common import set_document_info
from geodata import distance_km

GPX_NS = "http://www.topografix.com/GPX/1/1"
GPX_SCHEMA = "http://www.topografix.com/GPX/1/1/gpx.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GPX_CREATOR = "RKESI tourist product map"
MAX_STOPS = 50
# Product ids are slugs like "sample-001"; anything else in a link is dropped, not trusted.
_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

Point = tuple[float, float]


# -- the trip as a URL value ----------------------------------------------------------------


def parse_trip_param(value: str | None, max_stops: int = MAX_STOPS) -> list[str]:
    """Product ids from a ``trip=id1,id2,…`` URL value: well-formed, unique, in order.

    A hand-edited or stale link must still open, so malformed ids are skipped rather than
    raised; at most ``max_stops`` ids are kept.
    """
    ids = []
    for raw in (value or "").split(","):
        pid = raw.strip()
        if _ID_RE.match(pid) and pid not in ids:
            ids.append(pid)
        if len(ids) >= max_stops:
            break
    return ids


def trip_param(ids: Iterable[str]) -> str:
    """The ``trip`` URL value for ``ids`` (inverse of :func:`parse_trip_param`)."""
    return ",".join(str(i) for i in ids)


def known_stops(products: pd.DataFrame, ids: Iterable[str]) -> list[str]:
    """``ids`` that exist in ``products`` with coordinates, unique, in the given order."""
    if products.empty:
        return []
    rows = products.drop_duplicates("id").set_index("id")
    valid = set(rows.index[rows["lat"].notna() & rows["lon"].notna()])
    out = []
    for pid in ids:
        if pid in valid and pid not in out:
            out.append(pid)
    return out


# -- order and distance ---------------------------------------------------------------------


def _coords(products: pd.DataFrame, ids: Sequence[str]) -> list[Point]:
    rows = products.drop_duplicates("id").set_index("id")
    return [(float(rows.at[i, "lat"]), float(rows.at[i, "lon"])) for i in ids]


def order_trip(products: pd.DataFrame, ids: Sequence[str], start: Point | None = None) -> list[str]:
    """Nearest-neighbour visiting order of the stops ``ids``.

    Without ``start`` the trip begins at ``ids[0]``; with ``start`` = (lat, lon) in degrees it
    begins at the stop nearest to that point. From each stop the nearest unvisited one comes
    next; ties go to the stop listed earlier in ``ids``. Unknown ids and duplicates are
    dropped. Nearest-neighbour is not an optimal tour, but for the handful of stops of a day
    trip it is close, instant and easy to explain.
    """
    stops = known_stops(products, ids)
    if len(stops) <= 1:
        return stops
    coords = _coords(products, stops)
    lats = [c[0] for c in coords]
    lons = [c[1] for c in coords]
    remaining = list(range(len(stops)))
    if start is None:
        current = remaining.pop(0)
    else:
        dist = distance_km(float(start[0]), float(start[1]), lats, lons)
        current = min(remaining, key=lambda i: (dist[i], i))
        remaining.remove(current)
    order = [current]
    while remaining:
        here = coords[current]
        dist = distance_km(
            here[0], here[1], [lats[i] for i in remaining], [lons[i] for i in remaining]
        )
        best = min(range(len(remaining)), key=lambda k: (dist[k], remaining[k]))
        current = remaining.pop(best)
        order.append(current)
    return [stops[i] for i in order]


def trip_legs_km(
    products: pd.DataFrame, ordered_ids: Sequence[str], start: Point | None = None
) -> list[float]:
    """Great-circle length in km of each leg, in order (from ``start`` first, if given)."""
    stops = known_stops(products, ordered_ids)
    points = ([(float(start[0]), float(start[1]))] if start is not None else []) + _coords(
        products, stops
    )
    return [
        float(distance_km(a[0], a[1], [b[0]], [b[1]])[0])
        for a, b in zip(points, points[1:], strict=False)
    ]


def trip_distance_km(
    products: pd.DataFrame, ordered_ids: Sequence[str], start: Point | None = None
) -> float:
    """Total great-circle length in km of visiting ``ordered_ids`` in that order."""
    return float(sum(trip_legs_km(products, ordered_ids, start)))


# -- names and text -------------------------------------------------------------------------


def stop_name(row: pd.Series, lang: str = "pl") -> str:
    """The product's name in ``lang``, Polish when that is empty."""
    return localised_field(row, "name", lang)


def stop_description(row: pd.Series, lang: str = "pl", limit: int = 400) -> str:
    """Description in ``lang`` (Polish fallback), cut at a word boundary to ``limit`` chars."""
    text = localised_field(row, "description", lang)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _http_url(url: object) -> str | None:
    # The one rule for link targets (absolute http(s), no userinfo, punycode host).
    return display_url(url)


# -- GPX 1.1 --------------------------------------------------------------------------------


def trip_gpx(
    products: pd.DataFrame,
    ordered_ids: Sequence[str],
    name: str,
    lang: str = "pl",
    link: str | None = None,
) -> bytes:
    """The trip as GPX 1.1 (UTF-8 bytes): one ``<wpt>`` per stop and a ``<rte>`` through them.

    Elements follow the order the GPX 1.1 schema prescribes (metadata, wpt*, rte; inside a
    point: name, desc, link, type). Text goes through ElementTree, which escapes it, so a
    partner's ``<`` or ``&`` stays text. ``link`` (the trip's page) is added only if it is an
    http(s) URL. Coordinates are written as ``lat``/``lon`` attributes in degrees.
    """
    check_language(lang)
    stops = known_stops(products, ordered_ids)
    rows = products.drop_duplicates("id").set_index("id", drop=False)
    ET.register_namespace("", GPX_NS)

    def q(tag: str) -> str:
        return f"{{{GPX_NS}}}{tag}"

    root = ET.Element(
        q("gpx"),
        {
            "version": "1.1",
            "creator": GPX_CREATOR,
            f"{{{XSI_NS}}}schemaLocation": f"{GPX_NS} {GPX_SCHEMA}",
        },
    )
    meta = ET.SubElement(root, q("metadata"))
    ET.SubElement(meta, q("name")).text = name
    trip_link = _http_url(link)
    if trip_link:
        ET.SubElement(ET.SubElement(meta, q("link"), href=trip_link), q("text")).text = name
    ET.SubElement(meta, q("time")).text = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def point(parent: ET.Element, tag: str, number: int, row: pd.Series) -> None:
        el = ET.SubElement(
            parent, q(tag), lat=f"{float(row['lat']):.6f}", lon=f"{float(row['lon']):.6f}"
        )
        ET.SubElement(el, q("name")).text = f"{number}. {stop_name(row, lang)}"
        desc = stop_description(row, lang)
        address = str(row.get("address") or "").strip()
        if address:
            desc = f"{desc}\n{address}" if desc else address
        if desc:
            ET.SubElement(el, q("desc")).text = desc
        website = _http_url(row.get("website"))
        if website:
            ET.SubElement(ET.SubElement(el, q("link"), href=website), q("text")).text = stop_name(
                row, lang
            )
        category = CATEGORY_BY_SLUG.get(str(row.get("category") or ""))
        if category is not None:
            ET.SubElement(el, q("type")).text = category.label(lang)

    for number, pid in enumerate(stops, start=1):
        point(root, "wpt", number, rows.loc[pid])
    route = ET.SubElement(root, q("rte"))
    ET.SubElement(route, q("name")).text = name
    for number, pid in enumerate(stops, start=1):
        point(route, "rtept", number, rows.loc[pid])
    for element in root.iter():  # text stored before validation refused U+FFFE and friends
        if element.text:
            element.text = writable_text(element.text)
        for key, value in element.attrib.items():
            element.set(key, writable_text(value))
    ET.indent(root)
    # A double-quoted declaration naming UTF-8, as GPS devices and GIS tools expect.
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


# -- PDF ------------------------------------------------------------------------------------

PDF_TEXT: dict[str, dict[str, str]] = {
    "stops": {"pl": "Przystanki", "en": "Stops", "uk": "Зупинки"},
    "distance": {
        "pl": "Łącznie ok. {km} w linii prostej (bez dróg).",
        "en": "About {km} in total as the crow flies (not by road).",
        "uk": "Разом приблизно {km} по прямій (не дорогами).",
    },
    "scan": {
        "pl": "Zeskanuj, aby otworzyć wycieczkę na mapie:",
        "en": "Scan to open the trip on the map:",
        "uk": "Скануйте, щоб відкрити подорож на мапі:",
    },
    "leg": {"pl": "{km} od poprzedniego", "en": "{km} from the previous stop",
            "uk": "{km} від попередньої"},
}  # fmt: skip


def trip_pdf(
    products: pd.DataFrame,
    ordered_ids: Sequence[str],
    name: str,
    lang: str = "pl",
    link: str | None = None,
) -> bytes:
    """A simple A4 PDF (fpdf2, DejaVu Sans for Polish and Cyrillic): the stops in order with
    address, coordinates (lat, lon) and the leg distance, and a QR code of ``link``.
    """
    from fairkit.pdf_common import SafeFPDF
    from fairkit.qr import qr_png

    check_language(lang)

    stops = known_stops(products, ordered_ids)
    rows = products.drop_duplicates("id").set_index("id", drop=False)
    legs = trip_legs_km(products, stops)
    pdf = SafeFPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD) if DEJAVU_BOLD.exists() else str(DEJAVU))
    set_document_info(pdf, name, lang)
    pdf.set_creator(GPX_CREATOR)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 9, name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        6,
        localised_text(PDF_TEXT, "distance", lang, km=format_distance_km(sum(legs), lang)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if link:
        pdf.ln(2)
        pdf.multi_cell(0, 5, localised_text(PDF_TEXT, "scan", lang), new_x="LMARGIN", new_y="NEXT")
        top = pdf.get_y()
        pdf.image(io.BytesIO(qr_png(link, scale=4, border=1)), x=pdf.l_margin, y=top, w=32)
        pdf.set_xy(pdf.l_margin + 36, top + 12)
        pdf.set_font("DejaVu", "", 8)
        pdf.multi_cell(0, 4, link, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(top + 36)
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, localised_text(PDF_TEXT, "stops", lang), new_x="LMARGIN", new_y="NEXT")
    for number, pid in enumerate(stops, start=1):
        row = rows.loc[pid]
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 6, f"{number}. {stop_name(row, lang)}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        facts = [str(row.get("address") or "").strip(), f"{row['lat']:.5f}, {row['lon']:.5f}"]
        if number > 1:
            facts.append(
                localised_text(PDF_TEXT, "leg", lang, km=format_distance_km(legs[number - 2], lang))
            )
        pdf.multi_cell(0, 5, " · ".join(f for f in facts if f), new_x="LMARGIN", new_y="NEXT")
        desc = stop_description(row, lang, limit=300)
        if desc:
            pdf.multi_cell(0, 5, desc, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())
