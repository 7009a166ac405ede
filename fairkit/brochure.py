"""The printed catalogue: a PDF brochure (A4) or leaflet (A5) of a filtered products frame.

Cover with an overview map of the five districts drawn as vector paths from the project's own
district layer (no tiles, no network), products grouped by district then category with a QR
code to each one's map link, page numbers and an alphabetical index.

Lengths are in millimetres, origin top-left; coordinates are (lat, lon) degrees WGS84 where a
function takes them, while the GeoJSON/shapely rings are (lon, lat) as stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import shapely
from fpdf import FPDF
from fpdf.enums import PathPaintRule

from catalogue.filters import ProductFilter
from catalogue.localise import localised_field
from catalogue.taxonomy import CATEGORIES, CATEGORY_BY_SLUG, DEFAULT_LANGUAGE, check_language
from fairkit.pdf_common import (
    BROCHURE_FORMATS,
    FONT_FAMILY,
    GREY,
    INK,
    PAPER_SIZES,
    PT_MM,
    PrintResult,
    SafeFPDF,
    add_fonts,
    address_text,
    check_choice,
    contact_parts,
    describe_filter,
    display_name,
    draw_qr,
    facts_text,
    hex_rgb,
    is_sample,
    label,
    lighten,
    partner_text,
    price_text,
    product_link,
    public_base_url,
    set_document_info,
    shorten,
    text_credit,
    text_of,
    today_text,
)
from geodata import ATTRIBUTION, DISTRICT_TERYTS, district_name, fold_text, load_districts

RULE = (205, 205, 205)
ACCENT = (46, 94, 62)  # the cluster's dark green, used for headings
DISTRICT_FILLS: dict[str, str] = {
    "1804": "#e3eedc",
    "1809": "#e6e9f4",
    "1813": "#f5eadb",
    "1814": "#f1e3ec",
    "1862": "#f7f0c6",
}


# Ragged-right text back at the left margin: justified narrow columns leave rivers of space.
_LEFT = {"align": "L", "new_x": "LMARGIN", "new_y": "NEXT"}


@dataclass(frozen=True)
class Layout:
    """Sizes of one paper format: lengths in mm, font sizes in pt."""

    margin: float
    qr: float
    gap: float
    name_pt: float
    body_pt: float
    small_pt: float
    heading_pt: float
    subheading_pt: float
    title_pt: float
    desc_chars: int
    index_columns: int
    dot_radius: float


LAYOUTS: dict[str, Layout] = {
    "a4": Layout(15, 21, 4.0, 11, 9, 7.8, 17, 11.5, 28, 340, 2, 1.35),
    "a5": Layout(11, 17, 3.0, 9.2, 7.6, 6.6, 13.5, 9.5, 19, 200, 1, 1.0),
}


class _BrochurePDF(SafeFPDF):
    """FPDF with the running header and the "page n of N" footer of the brochure."""

    def __init__(self, fmt: str, lang: str, running_title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPER_SIZES[fmt])
        self.fmt = fmt
        self.language = lang
        self.layout = LAYOUTS[fmt]
        self.running_title = running_title
        self.section = ""
        self.heights: dict[str, float] = {}  # entry heights in mm by product id
        add_fonts(self)
        self.set_margins(self.layout.margin, self.layout.margin + 6, self.layout.margin)
        self.set_auto_page_break(False)
        set_document_info(self, running_title, lang)

    def header(self) -> None:
        if self.page_no() == 1:
            return  # the cover has its own heading
        m = self.layout.margin
        self.set_font(FONT_FAMILY, "", self.layout.small_pt)
        self.set_text_color(*GREY)
        self.set_xy(m, m - 6)
        half = (self.w - 2 * m) / 2
        self.cell(half, 4, self.running_title)
        self.cell(half, 4, self.section, align="R")
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(m, m - 1.5, self.w - m, m - 1.5)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT_FAMILY, "", self.layout.small_pt)
        self.set_text_color(*GREY)
        self.set_xy(self.layout.margin, self.h - self.layout.margin + 2)
        # fpdf2 replaces the alias ("{nb}") with the final page count when closing the file.
        text = label("page", self.language, n=self.page_no(), total=self.str_alias_nb_pages)
        self.cell(self.w - 2 * self.layout.margin, 4, text, align="C")

    @property
    def bottom(self) -> float:
        """The lowest y (mm) content may reach, above the footer."""
        return self.h - self.layout.margin - 1


def build_brochure(
    frame: pd.DataFrame,
    *,
    fmt: str = "a4",
    lang: str = DEFAULT_LANGUAGE,
    base_url: str | None = None,
    flt: ProductFilter | None = None,
    title: str | None = None,
    day: date | None = None,
) -> PrintResult:
    """The brochure PDF of the products in ``frame`` (a ``products_frame``, already filtered).

    ``fmt`` is ``a4`` (brochure) or ``a5`` (leaflet); ``lang`` is pl|en|uk for labels and
    content (names and descriptions fall back to Polish). ``flt`` is the filter that selected
    ``frame``: it is described on the cover and carried in the QR links. ``base_url`` defaults
    to ``PUBLIC_BASE_URL``. Raises ``ValueError`` for bad options or an empty frame and
    :class:`~fairkit.pdf_common.FontMissingError` without DejaVu Sans.
    """
    check_choice(fmt, BROCHURE_FORMATS, "format")
    check_language(lang)
    base = public_base_url(base_url)
    if frame.empty:
        raise ValueError("no products to print")
    rows = [dict(r) for r in frame.to_dict("records")]
    heading = title.strip() if title and title.strip() else label("title", lang)
    pdf = _BrochurePDF(fmt, lang, heading)

    pdf.add_page()
    _draw_cover(pdf, frame, rows, heading, flt, base, day)

    product_pages: dict[str, int] = {}
    for teryt, district_rows in _by_district(rows):
        pdf.section = district_name(teryt, lang) if teryt else label("other_district", lang)
        pdf.add_page()
        _district_heading(pdf, pdf.section)
        for slug, cat_rows in _by_category(district_rows, lang):
            _category_heading(pdf, slug, first_entry=cat_rows[0])
            for row in cat_rows:
                _entry(pdf, row, slug, base, flt, product_pages)

    pdf.section = label("index", lang)
    pdf.add_page()
    _index(pdf, rows, product_pages)
    return PrintResult(bytes(pdf.output()), pdf.page_no(), product_pages)


# -- grouping ---------------------------------------------------------------------------------


def _by_district(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        teryt = text_of(row, "district_teryt")
        groups.setdefault(teryt if teryt in DISTRICT_TERYTS else "", []).append(row)
    order = [*DISTRICT_TERYTS, ""]
    return [(t, groups[t]) for t in order if t in groups]


def _by_category(rows: list[dict], lang: str) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(text_of(row, "category"), []).append(row)
    out = []
    for cat in CATEGORIES:
        if cat.slug in groups:
            members = sorted(groups[cat.slug], key=lambda r: _sort_key(r, lang))
            out.append((cat.slug, members))
    return out


def _sort_key(row: Mapping, lang: str) -> tuple[str, str]:
    return fold_text(display_name(row, lang)), text_of(row, "id")


# -- cover ------------------------------------------------------------------------------------


def _draw_cover(
    pdf: _BrochurePDF,
    frame: pd.DataFrame,
    rows: list[dict],
    heading: str,
    flt: ProductFilter | None,
    base: str,
    day: date | None,
) -> None:
    lay, lang, m = pdf.layout, pdf.language, pdf.layout.margin
    width = pdf.w - 2 * m
    scale = lay.title_pt / LAYOUTS["a4"].title_pt  # A5 shrinks the cover type with the page

    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, pdf.w, 3.5 * scale + 1, style="F")
    pdf.set_xy(m, m)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT_FAMILY, "B", 11 * scale)
    pdf.multi_cell(width, 11 * scale * PT_MM * 1.3, label("cluster_name", lang), **_LEFT)
    pdf.ln(4 * scale)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT_FAMILY, "B", lay.title_pt)
    pdf.multi_cell(width, lay.title_pt * PT_MM * 1.15, heading, **_LEFT)
    pdf.ln(1.5 * scale)
    pdf.set_font(FONT_FAMILY, "", 11 * scale)
    pdf.multi_cell(width, 11 * scale * PT_MM * 1.35, label("subtitle", lang), **_LEFT)
    pdf.ln(2.5 * scale)
    pdf.set_font(FONT_FAMILY, "", lay.body_pt)
    pdf.set_text_color(*GREY)
    facts = [
        f"{label('filter', lang)}: {describe_filter(flt, lang)}",
        f"{today_text(lang, day)} · {label('count', lang, n=len(rows))}",
    ]
    for line in facts:
        pdf.multi_cell(width, lay.body_pt * PT_MM * 1.4, line, **_LEFT)

    # The legend and the notes are measured first so that the map takes the space left.
    present = [c for c in CATEGORIES if c.slug in {text_of(r, "category") for r in rows}]
    legend_cols = 2
    legend_line = lay.small_pt * PT_MM * 1.6
    legend_h = math.ceil((len(present) + 1) / legend_cols) * legend_line + legend_line
    notes = [f"{label('scan', lang)}: {base}", ATTRIBUTION]
    sample = is_sample(frame)
    notes_h = (len(notes) + (2 if sample else 0)) * lay.small_pt * PT_MM * 1.5 + 2
    map_top = pdf.get_y() + 3 * scale
    map_bottom = pdf.h - m - notes_h - legend_h - 2
    draw_overview_map(
        pdf, m, map_top, width, map_bottom - map_top, rows, lang, dot_radius=lay.dot_radius
    )

    pdf.set_y(map_bottom + 3)
    _legend(pdf, present, rows, legend_cols, legend_line)

    pdf.set_y(pdf.h - m - notes_h + 2)
    pdf.set_font(FONT_FAMILY, "", lay.small_pt)
    pdf.set_text_color(*GREY)
    for note in notes:
        pdf.set_x(m)
        pdf.multi_cell(width, lay.small_pt * PT_MM * 1.5, note, **_LEFT)
    if sample:
        pdf.set_x(m)
        pdf.set_font(FONT_FAMILY, "B", lay.small_pt)
        pdf.set_text_color(150, 60, 20)
        pdf.multi_cell(width, lay.small_pt * PT_MM * 1.5, label("sample_note", lang), **_LEFT)
    pdf.set_text_color(*INK)


def _legend(
    pdf: _BrochurePDF, present: list, rows: list[dict], columns: int, line_h: float
) -> None:
    lay, m = pdf.layout, pdf.layout.margin
    counts: dict[str, int] = {}
    for row in rows:
        counts[text_of(row, "category")] = counts.get(text_of(row, "category"), 0) + 1
    pdf.set_font(FONT_FAMILY, "B", lay.small_pt)
    pdf.set_text_color(*INK)
    pdf.set_x(m)
    pdf.cell(0, line_h, label("legend", pdf.language))
    top = pdf.get_y() + line_h
    col_w = (pdf.w - 2 * m) / columns
    per_col = math.ceil((len(present) + 1) / columns)
    r = lay.dot_radius
    for i, cat in enumerate([*present, None]):
        x = m + (i // per_col) * col_w
        y = top + (i % per_col) * line_h
        if cat is None:
            # A sample cluster symbol explains the pies with a count on the map.
            members = [(x + 2 * r, y + line_h / 2, c.slug) for c in present[:3]]
            _draw_symbol(pdf, members, r * 0.8)
            text = label("cluster", pdf.language)
        else:
            _draw_symbol(pdf, [(x + 2 * r, y + line_h / 2, cat.slug)], r)
            text = f"{cat.label(pdf.language)} ({counts[cat.slug]})"
        pdf.set_font(FONT_FAMILY, "", lay.small_pt)
        pdf.set_text_color(*INK)
        pdf.set_xy(x + 4 * r + 1.5, y)
        pdf.cell(col_w - 4 * r - 2, line_h, text)


def draw_overview_map(
    pdf: FPDF,
    x: float,
    y: float,
    width: float,
    height: float,
    rows: list[dict],
    lang: str,
    dot_radius: float | None = None,
) -> tuple[float, float, float, float]:
    """Draw the five districts and the products as coloured dots into a box in mm.

    The box is (``x``, ``y``) top-left, ``width`` × ``height`` mm; the map keeps its aspect
    (equirectangular with the x axis scaled by cos of the mid latitude, so shapes look as on
    a web map at this size) and is centred in the box. ``rows`` need ``lat``/``lon`` degrees
    and ``category``. Returns the map's drawn extent (x, y, width, height) in mm.
    """
    districts = load_districts()
    lon_min, lat_min, lon_max, lat_max = districts.total_bounds
    kx = math.cos(math.radians((lat_min + lat_max) / 2))
    span_x, span_y = (lon_max - lon_min) * kx, lat_max - lat_min
    scale = min(width / span_x, height / span_y)
    off_x = x + (width - span_x * scale) / 2
    off_y = y + (height - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return off_x + (lon - lon_min) * kx * scale, off_y + (lat_max - lat) * scale

    line_w = 0.35 if width > 120 else 0.25
    for district in districts.itertuples():
        polygons = getattr(district.geometry, "geoms", [district.geometry])
        # Even-odd fill keeps the hole of powiat przemyski (the city of Przemyśl) empty.
        with pdf.new_path(paint_rule=PathPaintRule.STROKE_FILL_EVENODD) as path:
            path.style.fill_color = DISTRICT_FILLS.get(district.teryt, "#eeeeee")
            path.style.stroke_color = "#5f6b63"
            path.style.stroke_width = line_w
            path.style.stroke_join_style = "round"
            for polygon in polygons:
                for ring in (polygon.exterior, *polygon.interiors):
                    coords = list(ring.coords)
                    path.move_to(*project(*coords[0][:2]))
                    for lon, lat in coords[1:]:
                        path.line_to(*project(lon, lat))
                    path.close()

    radius = dot_radius or (1.35 if width > 120 else 1.0)
    points = []
    for row in rows:
        cat = CATEGORY_BY_SLUG.get(text_of(row, "category"))
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        if cat is not None and not (math.isnan(lat) or math.isnan(lon)):
            points.append((*project(lon, lat), cat.slug))
    # Many offerings share a town (or one address); drawn one by one they would hide each
    # other, so overlapping dots become one pie of their categories with the count inside.
    clusters = cluster_points(points, radius)
    circles = [
        (
            sum(p[0] for p in members) / len(members),
            sum(p[1] for p in members) / len(members),
            symbol_radius(len(members), radius),
        )
        for members in clusters
    ]
    _district_labels(pdf, districts, project, lang, width, circles)
    for members in sorted(clusters, key=len, reverse=True):
        _draw_symbol(pdf, members, radius)
    return off_x, off_y, span_x * scale, span_y * scale


def symbol_radius(count: int, radius: float) -> float:
    """Radius in mm of the map symbol of ``count`` offerings (a dot of ``radius`` for one)."""
    return radius if count <= 1 else radius * (1.55 + 0.32 * math.sqrt(count))


def cluster_points(
    points: list[tuple[float, float, str]], radius: float
) -> list[list[tuple[float, float, str]]]:
    """Group (x mm, y mm, category) points whose map symbols would overlap.

    Agglomerative: in each round every group whose symbol (sized by :func:`symbol_radius`)
    overlaps its nearest neighbour's, and is that neighbour's nearest too, merges with it; a
    group sits at its members' mean. Merging only mutual nearest pairs keeps chains of
    nearby towns from collapsing into one symbol, and the globally closest overlapping pair
    is always mutual, so every round makes progress. Each round is one numpy distance matrix:
    a few thousand points take well under a second.
    """
    groups = [[p] for p in points]
    while len(groups) > 1:
        xs = np.array([sum(p[0] for p in g) / len(g) for g in groups])
        ys = np.array([sum(p[1] for p in g) / len(g) for g in groups])
        rs = np.array([symbol_radius(len(g), radius) for g in groups])
        gap = np.hypot(xs[:, None] - xs[None, :], ys[:, None] - ys[None, :])
        gap -= rs[:, None] + rs[None, :]
        np.fill_diagonal(gap, np.inf)
        nearest = gap.argmin(axis=1)
        index = np.arange(len(groups))
        mine = (gap[index, nearest] < 0.15) & (nearest[nearest] == index) & (index < nearest)
        if not mine.any():
            break
        merged = set()
        for i in index[mine]:
            j = int(nearest[i])
            groups[i] = groups[i] + groups[j]
            merged.add(j)
        groups = [g for k, g in enumerate(groups) if k not in merged]
    return groups


def _draw_symbol(pdf: FPDF, members: list[tuple[float, float, str]], radius: float) -> None:
    cx = sum(p[0] for p in members) / len(members)
    cy = sum(p[1] for p in members) / len(members)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(radius * 0.25)
    if len(members) == 1:
        pdf.set_fill_color(*hex_rgb(CATEGORY_BY_SLUG[members[0][2]].colour))
        pdf.circle(x=cx, y=cy, radius=radius, style="DF")
        return
    outer = symbol_radius(len(members), radius)
    counts = {c.slug: 0 for c in CATEGORIES}
    for member in members:
        counts[member[2]] += 1
    pdf.set_fill_color(255, 255, 255)
    pdf.circle(x=cx, y=cy, radius=outer + radius * 0.2, style="F")
    angle = -90.0  # start at 12 o'clock, clockwise in page coordinates (y down)
    for slug, count in counts.items():
        if not count:
            continue
        sweep = 360.0 * count / len(members)
        steps = max(2, math.ceil(sweep / 6))
        wedge = [(cx, cy)] + [
            (
                cx + outer * math.cos(math.radians(angle + sweep * k / steps)),
                cy + outer * math.sin(math.radians(angle + sweep * k / steps)),
            )
            for k in range(steps + 1)
        ]
        pdf.set_fill_color(*hex_rgb(CATEGORY_BY_SLUG[slug].colour))
        pdf.polygon(wedge, style="F")
        angle += sweep
    inner = outer * 0.56
    pdf.set_fill_color(255, 255, 255)
    pdf.circle(x=cx, y=cy, radius=inner, style="F")
    text = str(len(members))
    size = min(7.0, inner * 2 / PT_MM * (0.62 if len(text) > 1 else 0.8))
    pdf.set_font(FONT_FAMILY, "B", size)
    pdf.set_text_color(*INK)
    text_w = pdf.get_string_width(text)
    pdf.set_xy(cx - text_w / 2 - 0.3, cy - size * PT_MM * 0.62)
    pdf.cell(text_w + 0.6, size * PT_MM * 1.24, text, align="C")


def _district_labels(pdf: FPDF, districts, project, lang: str, width: float, circles: list) -> None:
    from shapely.ops import polylabel

    size = 8.5 if width > 120 else 6.3
    line_h = size * PT_MM * 1.25
    pdf.set_text_color(70, 80, 74)
    for district in districts.itertuples():
        geometry = district.geometry
        largest = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
        name = district_name(district.teryt, lang)
        if district.teryt == "1862":
            # The city is too small to hold its name: write it beside the polygon, to the
            # east where powiat przemyski is empty, with a short leader line.
            point = polylabel(largest, tolerance=0.001)
            px, py = project(point.x, point.y)
            east = project(geometry.bounds[2], point.y)[0]
            pdf.set_draw_color(70, 80, 74)
            pdf.set_line_width(0.2)
            pdf.line(px, py, east + 3, py)
            pdf.set_font(FONT_FAMILY, "B", size * 0.9)
            pdf.set_xy(east + 3.5, py - size * PT_MM * 0.7)
            pdf.cell(0, size * PT_MM * 1.4, name)
            continue
        pdf.set_font(FONT_FAMILY, "B", size)
        words = name.split(" ")
        # Two lines ("powiat" / "jarosławski") fit inside the polygon better than one long one.
        lines = [words[0], " ".join(words[1:])] if len(words) > 1 else words
        box_w = max(pdf.get_string_width(t) for t in lines) + 1.0
        box_h = line_h * len(lines)
        # Holes stay holes (powiat przemyski around the city), so no label lands in them.
        shape = shapely.Polygon(
            [project(lon, lat) for lon, lat in largest.exterior.coords],
            [[project(lon, lat) for lon, lat in hole.coords] for hole in largest.interiors],
        )
        cx, cy = _label_position(shape, box_w, box_h, circles)
        top = cy - box_h / 2
        for i, text in enumerate(lines):
            text_w = pdf.get_string_width(text)
            pdf.set_xy(cx - text_w / 2, top + i * line_h)
            pdf.cell(text_w, line_h, text)
    pdf.set_text_color(*INK)


def _label_position(
    polygon, box_w: float, box_h: float, circles: list[tuple[float, float, float]]
) -> tuple[float, float]:
    """Centre (x, y) mm of a ``box_w`` × ``box_h`` mm label inside ``polygon`` (page mm).

    Candidates on a 1.5 mm grid are scored by the map symbols (x, y, radius mm) they would
    touch, the share of the label outside the polygon and, last, the distance from the pole
    of inaccessibility, so labels stay central but step aside for the dots.
    """
    from shapely.ops import polylabel

    pole = polylabel(polygon, tolerance=0.2)
    minx, miny, maxx, maxy = polygon.bounds
    xs, ys = np.meshgrid(np.arange(minx, maxx, 1.5), np.arange(miny, maxy, 1.5))
    xs, ys = np.append(xs.ravel(), pole.x), np.append(ys.ravel(), pole.y)
    boxes = shapely.box(xs - box_w / 2, ys - box_h / 2, xs + box_w / 2, ys + box_h / 2)
    outside = 1 - shapely.area(shapely.intersection(boxes, polygon)) / (box_w * box_h)
    hits = np.zeros(len(xs))
    for cx, cy, r in circles:
        dx = np.maximum(np.abs(xs - cx) - box_w / 2, 0)
        dy = np.maximum(np.abs(ys - cy) - box_h / 2, 0)
        hits += np.hypot(dx, dy) < r + 0.6
    score = hits * 10 + outside * 40 + np.hypot(xs - pole.x, ys - pole.y) * 0.05
    best = int(np.argmin(score))
    return float(xs[best]), float(ys[best])


# -- content ----------------------------------------------------------------------------------


def _district_heading(pdf: _BrochurePDF, name: str) -> None:
    lay, m = pdf.layout, pdf.layout.margin
    pdf.set_xy(m, pdf.t_margin)
    pdf.set_fill_color(*ACCENT)
    height = lay.heading_pt * PT_MM * 1.5
    pdf.rect(m, pdf.get_y(), 1.6, height, style="F")
    pdf.set_x(m + 4)
    pdf.set_font(FONT_FAMILY, "B", lay.heading_pt)
    pdf.set_text_color(*ACCENT)
    pdf.cell(pdf.w - 2 * m - 4, height, name)
    pdf.set_text_color(*INK)
    pdf.set_y(pdf.get_y() + height + lay.gap * 0.6)


def _category_heading(
    pdf: _BrochurePDF, slug: str, first_entry: dict, continued: bool = False
) -> None:
    lay, m = pdf.layout, pdf.layout.margin
    height = lay.subheading_pt * PT_MM * 1.6
    # Never leave a heading alone at the foot of a page: it must fit with its first entry.
    if pdf.get_y() + height + _entry_height(pdf, first_entry) > pdf.bottom:
        pdf.add_page()
        pdf.set_y(pdf.t_margin)
    cat = CATEGORY_BY_SLUG[slug]
    text = cat.label(pdf.language)
    if continued:
        text = f"{text} {label('continued', pdf.language)}"
    y = pdf.get_y() + 1
    pdf.set_fill_color(*hex_rgb(cat.colour))
    pdf.circle(x=m + 1.6, y=y + height / 2, radius=1.6, style="F")
    pdf.set_xy(m + 5, y)
    pdf.set_font(FONT_FAMILY, "B", lay.subheading_pt)
    pdf.set_text_color(*hex_rgb(cat.colour))
    pdf.cell(pdf.w - 2 * m - 5, height, text)
    pdf.set_draw_color(*lighten(cat.colour, 0.55))
    pdf.set_line_width(0.3)
    pdf.line(m, y + height, pdf.w - m, y + height)
    pdf.set_text_color(*INK)
    pdf.set_y(y + height + lay.gap * 0.6)


def _entry_blocks(pdf: _BrochurePDF, row: Mapping) -> list[tuple[str, float, str, tuple]]:
    """(style, size pt, text, colour) of each text block of one entry, in print order."""
    lay, lang = pdf.layout, pdf.language
    blocks = [("B", lay.name_pt, display_name(row, lang), INK)]
    partner = partner_text(row, lang)
    if partner:
        blocks.append(("", lay.small_pt, partner, GREY))
    description = localised_field(row, "description", lang)
    if description:
        blocks.append(("", lay.body_pt, shorten(description, lay.desc_chars), INK))
        credit = text_credit(row, lang)
        if credit:
            blocks.append(("", lay.small_pt * 0.85, credit, GREY))
    address = address_text(row, lang)
    if address:
        blocks.append(("", lay.small_pt, f"{label('address', lang)}: {address}", INK))
    # Contact and price share a line: the QR code sets the entry's height anyway.
    details = []
    contact = contact_parts(row)
    if contact:
        details.append(f"{label('contact', lang)}: {' · '.join(contact)}")
    price = price_text(row, lang)
    if price:
        details.append(f"{label('price', lang)}: {price}")
    if details:
        blocks.append(("", lay.small_pt, "  ·  ".join(details), INK))
    facts = facts_text(row, lang)
    if facts:
        blocks.append(("", lay.small_pt, facts, INK))
    return blocks


def _text_width(pdf: _BrochurePDF) -> float:
    return pdf.w - 2 * pdf.layout.margin - pdf.layout.qr - 4


def _line_h(size: float) -> float:
    return size * PT_MM * 1.32


def _entry_height(pdf: _BrochurePDF, row: Mapping) -> float:
    key = text_of(row, "id")
    if key not in pdf.heights:
        pdf.heights[key] = _measure_entry(pdf, row)
    return pdf.heights[key]


def _measure_entry(pdf: _BrochurePDF, row: Mapping) -> float:
    text_h = 0.0
    for style, size, text, _colour in _entry_blocks(pdf, row):
        pdf.set_font(FONT_FAMILY, style, size)
        lines = pdf.multi_cell(
            _text_width(pdf), _line_h(size), text, align="L", dry_run=True, output="LINES"
        )
        text_h += len(lines) * _line_h(size) + 0.6
    return max(text_h, pdf.layout.qr + 1) + pdf.layout.gap


def _entry(
    pdf: _BrochurePDF,
    row: dict,
    slug: str,
    base: str,
    flt: ProductFilter | None,
    product_pages: dict[str, int],
) -> None:
    lay, m = pdf.layout, pdf.layout.margin
    height = _entry_height(pdf, row)
    if pdf.get_y() + height > pdf.bottom:
        pdf.add_page()
        pdf.set_y(pdf.t_margin)
        # A reader who opens this page must still see which category the entries belong to.
        _category_heading(pdf, slug, row, continued=True)
    top = pdf.get_y()
    product_pages[text_of(row, "id")] = pdf.page_no()
    for style, size, text, colour in _entry_blocks(pdf, row):
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.set_text_color(*colour)
        pdf.set_x(m)
        pdf.multi_cell(_text_width(pdf), _line_h(size), text, **_LEFT)
        pdf.set_y(pdf.get_y() + 0.6)
    pdf.set_text_color(*INK)
    link = product_link(text_of(row, "id"), base, flt, pdf.language)
    draw_qr(pdf, link, pdf.w - m - lay.qr, top + 0.5, lay.qr)
    pdf.link(pdf.w - m - lay.qr, top + 0.5, lay.qr, lay.qr, link)
    bottom = top + height
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.15)
    pdf.line(m, bottom - lay.gap / 2, pdf.w - m, bottom - lay.gap / 2)
    pdf.set_y(bottom)


# -- index ------------------------------------------------------------------------------------


def _index(pdf: _BrochurePDF, rows: list[dict], product_pages: dict[str, int]) -> None:
    lay, lang, m = pdf.layout, pdf.language, pdf.layout.margin
    _district_heading(pdf, label("index", lang))
    entries = sorted(rows, key=lambda r: _sort_key(r, lang))
    columns = lay.index_columns
    gutter = 6.0
    col_w = (pdf.w - 2 * m - gutter * (columns - 1)) / columns
    num_w = 9.0
    indent = 3.0  # continuation lines of a long name hang under its first word
    size = lay.small_pt + 0.4
    line_h = size * PT_MM * 1.3
    top = pdf.get_y()
    column = 0
    y = top
    pdf.set_text_color(*INK)
    for row in entries:
        name = display_name(row, lang)
        pdf.set_font(FONT_FAMILY, "", size)
        lines = pdf.multi_cell(
            col_w - num_w - indent, line_h, name, align="L", dry_run=True, output="LINES"
        )
        needed = len(lines) * line_h
        if y + needed > pdf.bottom:
            column += 1
            y = top
            if column >= columns:
                pdf.add_page()
                top = y = pdf.t_margin
                column = 0
        x = m + column * (col_w + gutter)
        for i, line in enumerate(lines):
            pdf.set_xy(x + (indent if i else 0), y + i * line_h)
            pdf.cell(col_w - num_w - indent, line_h, line.strip())
        pdf.set_xy(x + col_w - num_w, y)
        pdf.set_font(FONT_FAMILY, "B", size)
        pdf.cell(num_w, line_h, str(product_pages[text_of(row, "id")]), align="R")
        y += needed
