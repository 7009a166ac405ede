"""Build the committed district layer and gminy table from the read-only PRG sources.

Run as ``python -m geodata build [SOURCE_DIR_OR_FILE]``. The output is deterministic:
running the build twice on the same sources gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

from .names import ATTRIBUTION, DISTRICT_NAMES, DISTRICT_TERYTS

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path(__file__).resolve().parents[1].parent / "shared" / "geodata"
SOURCE_GEOJSON = "powiaty-prg-simplified.geojson"
SOURCE_GMINY = "gminy-teryt.csv"
DISTRICTS_FILE = "districts.geojson"
GMINY_FILE = "gminy.csv"

METRIC_CRS = "EPSG:2180"
# Output coordinates are snapped to this grid (degrees) before the topology is rebuilt, so
# rounding on write cannot reopen gaps or overlaps between neighbours.
GRID_DEG = 1e-6
COORD_DECIMALS = 6
# make_valid leaves specks of a few m² where the simplified rings cross themselves.
MIN_PART_M2 = 10_000.0
# Contested areas (overlaps and gaps) are split along their middle with a Voronoi diagram of
# points sampled on the undisputed parts; spacing trades accuracy for size.
SEED_SPACING_M = 50.0
SEED_ZONE_M = 3_000.0
# Removes the Voronoi staircase on the new split lines; roughly the side (degrees) of the
# largest triangle dropped, about 25 m here, far below the 1-2 km source vertex spacing.
SIMPLIFY_TOL_DEG = 0.0003

# nazwa and running id in the source file for each district; both must match.
SOURCE_FEATURES: dict[str, tuple[str, int]] = {
    "1804": ("powiat jarosławski", 300),
    "1809": ("powiat lubaczowski", 228),
    "1813": ("powiat przemyski", 66),
    "1814": ("powiat przeworski", 337),
    "1862": ("powiat Przemyśl", 67),
}
CITY_TERYT = "1862"


@dataclass(frozen=True)
class Seat:
    """Approximate WGS84 point standing for a gmina (used only to guess a missing gmina)."""

    place: str
    lat: float
    lon: float


# Approximate points standing for each gmina: the town square, church or office of the
# main locality. Sources: Wikipedia coordinates of the locality where noted "wiki", else
# general geographic knowledge ("approx.", good to roughly 1-2 km). Rural gminy whose
# office sits in the neighbouring town (which is not part of them) use a village inside
# their own territory instead, so the point falls in the right gmina (marked "*").
GMINA_SEATS: dict[str, Seat] = {
    "1804011": Seat("Jarosław", 50.0161, 22.6777),  # Rynek
    "1804021": Seat("Radymno", 49.9480, 22.8150),  # approx.
    "1804032": Seat("Chłopice", 49.9456, 22.6733),  # wiki
    "1804042": Seat("Wólka Pełkińska*", 50.0922, 22.6064),  # wiki
    "1804052": Seat("Laszki", 50.0167, 22.9000),  # wiki, to the minute
    "1804062": Seat("Pawłosiów", 49.9958, 22.6464),  # wiki
    "1804073": Seat("Pruchnik", 49.9085, 22.5320),  # approx.
    "1804082": Seat("Chotyniec*", 49.9511, 22.9992),  # wiki
    "1804092": Seat("Rokietnica", 49.9008, 22.6394),  # gmina website
    "1804102": Seat("Roźwienica", 49.9450, 22.6000),  # approx., about 2 km
    "1804112": Seat("Wiązownica", 50.0800, 22.7064),  # wiki
    "1809011": Seat("Lubaczów", 50.1592, 23.1219),  # wiki
    "1809023": Seat("Cieszanów", 50.2460, 23.1270),  # approx.
    "1809032": Seat("Horyniec-Zdrój", 50.1890, 23.3610),  # approx.
    "1809042": Seat("Lisie Jamy*", 50.1400, 23.1500),  # approx., village SE of the town
    "1809053": Seat("Narol", 50.3550, 23.3260),  # approx.
    "1809063": Seat("Oleszyce", 50.1669, 23.0308),  # wiki
    "1809072": Seat("Stary Dzików", 50.2456, 22.9289),  # wiki
    "1809082": Seat("Wielkie Oczy", 50.0210, 23.1640),  # approx.
    "1813013": Seat("Bircza", 49.6922, 22.4794),  # wiki
    "1813023": Seat("Dubiecko", 49.8230, 22.3920),  # approx.
    "1813032": Seat("Fredropol", 49.6950, 22.7458),  # wiki
    "1813042": Seat("Krasiczyn", 49.7770, 22.6530),  # approx.
    "1813052": Seat("Krzywcza", 49.7990, 22.5620),  # approx.
    "1813062": Seat("Medyka", 49.8050, 22.9300),  # approx.
    "1813072": Seat("Orły", 49.8700, 22.8200),  # approx.
    "1813082": Seat("Pikulice*", 49.7461, 22.7750),  # wiki
    "1813092": Seat("Stubno", 49.9020, 22.9400),  # approx.
    "1813102": Seat("Żurawica", 49.8230, 22.7880),  # approx.
    "1814011": Seat("Przeworsk", 50.0590, 22.4940),  # approx., Rynek
    "1814022": Seat("Adamówka", 50.2589, 22.6950),  # wiki
    "1814032": Seat("Gać", 50.0290, 22.4250),  # approx.
    "1814043": Seat("Jawornik Polski", 49.8894, 22.2719),  # wiki
    "1814053": Seat("Kańczuga", 49.9840, 22.4120),  # approx.
    "1814062": Seat("Gorliczyna*", 50.0833, 22.4833),  # wiki, to the minute
    "1814073": Seat("Sieniawa", 50.1770, 22.6090),  # approx.
    "1814082": Seat("Tryńcza", 50.1600, 22.5490),  # approx.
    "1814092": Seat("Zarzecze", 49.9830, 22.4830),  # approx.
    "1862011": Seat("Przemyśl", 49.7839, 22.7678),  # Rynek
}


class BuildError(RuntimeError):
    """The sources do not have the expected content or the result fails a sanity check."""


def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def _reproject(geom, transformer: Transformer):
    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def _polygon_parts(geom) -> list:
    """Polygons inside any geometry; make_valid can also return lines and points."""
    out = []
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.Polygon):
            out.append(part)
        elif isinstance(part, (shapely.MultiPolygon, shapely.GeometryCollection)):
            out.extend(_polygon_parts(part))
    return out


def _rings_to_polygon(rings: list) -> shapely.Polygon | None:
    # Some features of the nationwide file carry 2-point rings that shapely refuses.
    good = [r for r in rings if len(r) >= 4]
    if not good or len(rings[0]) < 4:
        return None
    return shapely.Polygon(good[0], good[1:])


def _geojson_geometry(geometry: dict):
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords
    else:
        raise BuildError(f"expected a (Multi)Polygon, got {kind!r}")
    parts = [p for p in (_rings_to_polygon(rings) for rings in polygons) if p is not None]
    if not parts:
        raise BuildError("geometry has no usable polygon")
    return shapely.MultiPolygon(parts)


def resolve_source(source: str | Path | None) -> tuple[Path, Path]:
    """Paths of the district GeoJSON and the gminy CSV.

    :param source: a directory holding both files, or the GeoJSON file itself (the CSV is then
        looked up next to it); None means DEFAULT_SOURCE (../shared/geodata from the repo root).
    """
    path = Path(source) if source is not None else DEFAULT_SOURCE
    if path.is_dir():
        geojson, gminy = path / SOURCE_GEOJSON, path / SOURCE_GMINY
    else:
        geojson, gminy = path, path.parent / SOURCE_GMINY
    for p in (geojson, gminy):
        if not p.is_file():
            raise FileNotFoundError(f"source file not found: {p}")
    return geojson, gminy


def read_source_districts(geojson_path: Path) -> dict[str, object]:
    """The five raw district geometries (EPSG:4326, unrepaired) keyed by TERYT."""
    with open(geojson_path, encoding="utf-8") as fh:
        data = json.load(fh)
    found: dict[str, object] = {}
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        for teryt, (nazwa, fid) in SOURCE_FEATURES.items():
            if props.get("nazwa") == nazwa and props.get("id") == fid:
                if teryt in found:
                    raise BuildError(f"{nazwa!r} (id {fid}) occurs twice in {geojson_path}")
                found[teryt] = _geojson_geometry(feature["geometry"])
    missing = sorted(set(SOURCE_FEATURES) - set(found))
    if missing:
        raise BuildError(f"districts {missing} not found in {geojson_path}")
    return found


def repair(geom) -> shapely.Polygon | shapely.MultiPolygon:
    """Make a (metric) geometry valid, keep its polygonal parts and drop specks."""
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    parts = [p for p in _polygon_parts(fixed) if p.area >= MIN_PART_M2]
    if not parts:
        raise BuildError("repair left no polygon")
    merged = shapely.buffer(shapely.union_all(parts), 0)
    if not merged.is_valid:
        raise BuildError("repair did not give a valid geometry")
    return merged


def _fill_holes(geom):
    return shapely.union_all([shapely.Polygon(p.exterior) for p in _polygon_parts(geom)])


def _voronoi_split(contested, cores: dict[str, object]) -> dict[str, object]:
    """Give every point of ``contested`` to the nearest undisputed core (metric CRS)."""
    if contested.is_empty:
        return {k: shapely.Polygon() for k in cores}
    zone = shapely.buffer(contested, SEED_ZONE_M)
    shapely.prepare(zone)
    points, labels = [], []
    for teryt in sorted(cores):
        edge = shapely.segmentize(shapely.boundary(cores[teryt]), SEED_SPACING_M)
        xy = shapely.get_coordinates(edge)
        xy = np.round(xy[shapely.contains_xy(zone, xy[:, 0], xy[:, 1])], 3)
        points.append(xy)
        labels.extend([teryt] * len(xy))
    xy = np.vstack(points)
    label = np.array(labels)
    # A point on the border of two cores would be claimed by both; drop it.
    _, inverse, counts = np.unique(xy, axis=0, return_inverse=True, return_counts=True)
    single = counts[inverse.ravel()] == 1
    xy, label = xy[single], label[single]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(xy),
            extend_to=shapely.envelope(shapely.buffer(contested, SEED_ZONE_M)),
            ordered=True,
        )
    )
    if len(cells) != len(xy):
        raise BuildError("Voronoi diagram does not match its seeds")
    return {
        teryt: shapely.intersection(contested, shapely.coverage_union_all(cells[label == teryt]))
        for teryt in cores
    }


def partition_metric(repaired: dict[str, object]) -> dict[str, object]:
    """Turn repaired, overlapping districts (metric CRS) into a gap-free partition.

    The city keeps its own geometry and the surrounding county loses whatever overlaps it.
    Other overlaps and all holes inside the union are split between the districts on
    either side, along the middle of the disputed strip.
    """
    city = repaired[CITY_TERYT]
    others = {
        k: shapely.difference(_fill_holes(g), city) for k, g in repaired.items() if k != CITY_TERYT
    }
    union = _fill_holes(shapely.union_all([*others.values(), city]))
    cores = {
        k: shapely.difference(g, shapely.union_all([h for j, h in others.items() if j != k]))
        for k, g in others.items()
    }
    contested = shapely.difference(union, shapely.union_all([*cores.values(), city]))
    pieces = _voronoi_split(contested, cores)
    result = {k: shapely.union(cores[k], pieces[k]) for k in others}
    result[CITY_TERYT] = city
    return result


def _shared_length(a, b) -> float:
    return shapely.length(shapely.intersection(shapely.boundary(a), shapely.boundary(b)))


def exact_coverage(geoms: dict[str, object]) -> dict[str, object]:
    """Snap to GRID_DEG and rebuild the districts from one noded linework (EPSG:4326).

    Neighbours then share identical vertices, so the written file has no slivers or
    overlaps, whatever the rounding. Stray faces are merged into the neighbour with the
    longest common border.
    """
    keys = sorted(geoms)
    snapped = [shapely.set_precision(geoms[k], GRID_DEG) for k in keys]
    lines = shapely.union_all(shapely.boundary(np.array(snapped)), grid_size=GRID_DEG)
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    label = []
    for face in faces:
        shares = [shapely.area(shapely.intersection(face, g)) for g in snapped]
        best = int(np.argmax(shares))
        label.append(best if shares[best] > 0.5 * face.area else -1)

    def neighbour_with_longest_border(geom, exclude: int) -> int:
        lengths = [
            _shared_length(geom, f) if label[i] not in (-1, exclude) else 0.0
            for i, f in enumerate(faces)
        ]
        best = int(np.argmax(lengths))
        if lengths[best] <= 0:
            raise BuildError("a stray face has no neighbour")
        return label[best]

    for _ in range(10):
        changed = False
        for i, face in enumerate(faces):
            if label[i] == -1:
                label[i] = neighbour_with_longest_border(face, -1)
                changed = True
        for k in range(len(keys)):
            mine = [i for i in range(len(faces)) if label[i] == k]
            parts = sorted(
                _polygon_parts(shapely.coverage_union_all([faces[i] for i in mine])),
                key=lambda p: -p.area,
            )
            for stray in parts[1:]:
                target = neighbour_with_longest_border(stray, k)
                for i in mine:
                    if shapely.within(shapely.point_on_surface(faces[i]), stray):
                        label[i] = target
                changed = True
        if not changed:
            break
    else:
        raise BuildError("could not settle stray faces")

    merged = [
        shapely.coverage_union_all([f for f, lab in zip(faces, label, strict=True) if lab == k])
        for k in range(len(keys))
    ]
    merged = list(
        shapely.coverage_simplify(np.array(merged), SIMPLIFY_TOL_DEG, simplify_boundary=False)
    )
    merged = [shapely.orient_polygons(g, exterior_cw=False) for g in merged]
    if not all(shapely.is_valid(g) and isinstance(g, shapely.Polygon) for g in merged):
        raise BuildError("rebuilt districts are not single valid polygons")
    if not shapely.coverage_is_valid(np.array(merged)):
        raise BuildError("rebuilt districts do not form a valid coverage")
    return dict(zip(keys, merged, strict=True))


def build_geometries(geojson_path: Path) -> dict[str, object]:
    """The cleaned partition (EPSG:4326, coordinates on GRID_DEG) keyed by TERYT."""
    raw = read_source_districts(geojson_path)
    to_metric = _transformer("EPSG:4326", METRIC_CRS)
    to_wgs = _transformer(METRIC_CRS, "EPSG:4326")
    repaired = {k: repair(_reproject(g, to_metric)) for k, g in raw.items()}
    metric = partition_metric(repaired)
    return exact_coverage({k: _reproject(g, to_wgs) for k, g in metric.items()})


def area_km2(geom_wgs84) -> float:
    """Area in km² of a lon/lat geometry, measured in EPSG:2180."""
    return shapely.area(_reproject(geom_wgs84, _transformer("EPSG:4326", METRIC_CRS))) / 1e6


def _fmt(value: float) -> float:
    rounded = round(float(value), COORD_DECIMALS)
    return 0.0 if rounded == 0 else rounded


def _ring(ring) -> list:
    return [[_fmt(x), _fmt(y)] for x, y in np.asarray(ring.coords)]


def _geometry_json(geom) -> dict:
    if isinstance(geom, shapely.Polygon):
        return {
            "type": "Polygon",
            "coordinates": [_ring(geom.exterior)] + [_ring(r) for r in geom.interiors],
        }
    raise BuildError(f"unexpected geometry type {geom.geom_type}")


def districts_geojson(geoms: dict[str, object]) -> str:
    """Serialise the districts deterministically: one feature per line, sorted by TERYT."""
    lines = []
    for teryt in DISTRICT_TERYTS:
        names = DISTRICT_NAMES[teryt]
        props = {
            "teryt": teryt,
            "name_official": names["official"],
            "name_pl": names["pl"],
            "name_en": names["en"],
            "name_uk": names["uk"],
            "area_km2": round(area_km2(geoms[teryt]), 1),
            "attribution": ATTRIBUTION,
        }
        feature = {"type": "Feature", "properties": props, "geometry": _geometry_json(geoms[teryt])}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def read_source_gminy(csv_path: Path) -> list[dict[str, str]]:
    """The gminy rows of the source CSV, checked against the five districts."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = {"teryt", "powiat_teryt", "name", "kind"}
    if not rows or not expected <= set(rows[0]):
        raise BuildError(f"{csv_path} must have columns {sorted(expected)}")
    for row in rows:
        t, p = row["teryt"], row["powiat_teryt"]
        if len(t) != 7 or not t.isdigit() or t[:4] != p or p not in DISTRICT_TERYTS:
            raise BuildError(f"bad gmina row {row}")
    missing = sorted(set(GMINA_SEATS) - {r["teryt"] for r in rows})
    extra = sorted({r["teryt"] for r in rows} - set(GMINA_SEATS))
    if missing or extra:
        raise BuildError(f"gminy do not match the seats table: missing {missing}, extra {extra}")
    return rows


def check_seats(geoms: dict[str, object]) -> None:
    """Every seat point must fall inside its own district of the rebuilt layer."""
    bad = []
    for teryt, seat in GMINA_SEATS.items():
        if not shapely.contains_xy(geoms[teryt[:4]], seat.lon, seat.lat):
            bad.append(f"{teryt} {seat.place} ({seat.lat}, {seat.lon})")
    if bad:
        raise BuildError("seats outside their district: " + "; ".join(bad))


def gminy_csv(rows: list[dict[str, str]]) -> str:
    """Serialise the gminy table with approximate seat coordinates (lat/lon, WGS84)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["teryt", "powiat_teryt", "name", "kind", "seat_lat", "seat_lon", "seat_place"])
    for row in sorted(rows, key=lambda r: r["teryt"]):
        seat = GMINA_SEATS[row["teryt"]]
        writer.writerow(
            [
                row["teryt"],
                row["powiat_teryt"],
                row["name"],
                row["kind"],
                f"{seat.lat:.4f}",
                f"{seat.lon:.4f}",
                seat.place.rstrip("*"),
            ]
        )
    return out.getvalue()


def build(source: str | Path | None = None, out_dir: str | Path | None = None) -> dict[str, Path]:
    """Build districts.geojson and gminy.csv.

    :param source: directory with the PRG sources or the GeoJSON file; None = DEFAULT_SOURCE.
    :param out_dir: where to write; None = the package directory (the committed files).
    :returns: {"districts": path, "gminy": path} of the files written.
    """
    geojson_path, gminy_path = resolve_source(source)
    target = Path(out_dir) if out_dir is not None else PACKAGE_DIR
    target.mkdir(parents=True, exist_ok=True)
    geoms = build_geometries(geojson_path)
    rows = read_source_gminy(gminy_path)
    check_seats(geoms)
    written = {"districts": target / DISTRICTS_FILE, "gminy": target / GMINY_FILE}
    written["districts"].write_bytes(districts_geojson(geoms).encode("utf-8"))
    written["gminy"].write_bytes(gminy_csv(rows).encode("utf-8"))
    return written


def summary(paths: dict[str, Path]) -> str:
    """Human-readable lines describing what ``build`` wrote."""
    with open(paths["districts"], encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    lines = [f"wrote {paths['districts']} ({len(features)} districts)"]
    for f in features:
        p = f["properties"]
        lines.append(f"  {p['teryt']} {p['name_pl']}: {p['area_km2']} km²")
    with open(paths["gminy"], encoding="utf-8") as fh:
        count = sum(1 for _ in fh) - 1
    lines.append(f"wrote {paths['gminy']} ({count} gminy)")
    return "\n".join(lines)
