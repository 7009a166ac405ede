"""The committed district layer and point-in-district lookups.

Points are tested and measured in EPSG:2180 (metres); the layer is stored in EPSG:4326.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from .names import DISTRICT_NAMES, DISTRICT_TERYTS, district_name

DISTRICTS_FILE = Path(__file__).resolve().parent / "districts.geojson"
METRIC_CRS = "EPSG:2180"
OUTSIDE_TOLERANCE_KM = 2.0
UNCERTAIN_KM = 1.5
COLUMNS: tuple[str, ...] = (
    "teryt",
    "name",
    "near_boundary",
    "uncertain",
    "distance_km",
    "alternative_teryt",
)


@functools.cache
def _features() -> tuple[dict, ...]:
    with open(DISTRICTS_FILE, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return tuple(sorted(features, key=lambda f: f["properties"]["teryt"]))


def _bounds() -> tuple[tuple[float, float], tuple[float, float]] | None:
    if not DISTRICTS_FILE.exists():
        return None  # only before the very first build
    lons, lats = [], []
    for feature in _features():
        for ring in feature["geometry"]["coordinates"]:
            for lon, lat in ring:
                lons.append(lon)
                lats.append(lat)
    return (min(lats), min(lons)), (max(lats), max(lons))


REGION_BOUNDS: tuple[tuple[float, float], tuple[float, float]] | None = _bounds()
"""((south, west), (north, east)) of the five districts, degrees WGS84."""


@functools.cache
def _load_frame():
    import geopandas as gpd

    frame = gpd.read_file(DISTRICTS_FILE)
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    frame = frame.to_crs("EPSG:4326").sort_values("teryt").reset_index(drop=True)
    columns = [
        "teryt",
        "name_official",
        "name_pl",
        "name_en",
        "name_uk",
        "area_km2",
        "attribution",
        "geometry",
    ]
    return frame[columns]


def load_districts():
    """The five districts as a GeoDataFrame (EPSG:4326, lon/lat), ordered by TERYT.

    Columns: teryt, name_official, name_pl, name_en, name_uk, area_km2, attribution,
    geometry. The file is read once; each call returns a copy the caller may modify.
    """
    return _load_frame().copy()


@dataclass(frozen=True)
class Location:
    """Where a point lies among the five districts.

    teryt: 4-digit district code; name: Polish display name.
    near_boundary: the point was outside the five districts but within
        OUTSIDE_TOLERANCE_KM, so it was given to the nearest district.
    uncertain: the point is within UNCERTAIN_KM of a boundary between two of the five
        districts; the layer is simplified, so a declared gmina should decide.
    distance_km: 0 inside, else the distance to the five districts in km.
    alternative_teryt: the district across that nearby boundary when uncertain, else None.
    """

    teryt: str
    name: str
    near_boundary: bool
    uncertain: bool
    distance_km: float
    alternative_teryt: str | None


@dataclass(frozen=True)
class _Index:
    teryts: tuple[str, ...]
    polygons: np.ndarray  # metric, prepared
    outer_tree: shapely.STRtree  # outer boundary segments of the union
    outer_owner: np.ndarray  # district index of each outer segment
    inner_trees: tuple  # per district: (STRtree of shared segments, neighbour index) or None
    to_metric: Transformer


def _segments(coords: list) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return [(tuple(a), tuple(b)) for a, b in zip(coords[:-1], coords[1:], strict=True) if a != b]


@functools.cache
def _index() -> _Index:
    to_metric = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)

    def metric_xy(points: np.ndarray) -> np.ndarray:
        x, y = to_metric.transform(points[:, 0], points[:, 1])
        return np.column_stack([x, y])

    features = _features()
    teryts = tuple(f["properties"]["teryt"] for f in features)
    polygons = []
    owners: dict[frozenset, list[int]] = {}
    for i, feature in enumerate(features):
        rings = feature["geometry"]["coordinates"]
        metric_rings = [metric_xy(np.asarray(r, dtype=float)) for r in rings]
        polygons.append(shapely.Polygon(metric_rings[0], metric_rings[1:]))
        for ring in rings:
            for seg in _segments(ring):
                owners.setdefault(frozenset(seg), []).append(i)
    polygons = np.array(polygons, dtype=object)
    shapely.prepare(polygons)

    # The build gives neighbours identical vertices, so a segment owned twice is a shared
    # boundary and a segment owned once lies on the outer boundary.
    outer, outer_owner = [], []
    inner: list[tuple[list, list]] = [([], []) for _ in teryts]
    for key, who in owners.items():
        a, b = tuple(key) if len(key) == 2 else (next(iter(key)),) * 2
        line = shapely.LineString(metric_xy(np.array([a, b], dtype=float)))
        if len(who) == 1:
            outer.append(line)
            outer_owner.append(who[0])
        else:
            for mine in who:
                for other in who:
                    if other != mine:
                        inner[mine][0].append(line)
                        inner[mine][1].append(other)
    inner_trees = tuple(
        (shapely.STRtree(lines), np.array(nb)) if lines else None for lines, nb in inner
    )
    return _Index(
        teryts=teryts,
        polygons=polygons,
        outer_tree=shapely.STRtree(outer),
        outer_owner=np.array(outer_owner),
        inner_trees=inner_trees,
        to_metric=to_metric,
    )


def locate_many(lats, lons) -> pd.DataFrame:
    """Locate many points at once (vectorised).

    :param lats: latitudes, degrees WGS84 (array-like; NaN allowed).
    :param lons: longitudes, degrees WGS84, same length as ``lats``.
    :returns: DataFrame with columns teryt, name, near_boundary, uncertain, distance_km,
        alternative_teryt (see Location). teryt and name are NA for points more than
        OUTSIDE_TOLERANCE_KM outside the districts and for NaN or impossible coordinates;
        distance_km is NaN only for the latter. A pandas Series input keeps its index.
    """
    index = getattr(lats, "index", None) if isinstance(lats, pd.Series) else None
    lat = np.asarray(lats, dtype=float).ravel()
    lon = np.asarray(lons, dtype=float).ravel()
    if lat.shape != lon.shape:
        raise ValueError(f"lats and lons differ in length: {lat.size} != {lon.size}")
    idx = _index()
    n = lat.size
    valid = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    if valid.any():
        x[valid], y[valid] = idx.to_metric.transform(lon[valid], lat[valid])
        valid &= np.isfinite(x) & np.isfinite(y)

    district = np.full(n, -1)
    for i, polygon in enumerate(idx.polygons):
        hit = valid & (district < 0)
        if not hit.any():
            break
        sel = np.flatnonzero(hit)
        district[sel[shapely.contains_xy(polygon, x[sel], y[sel])]] = i

    distance = np.where(valid, 0.0, np.nan)
    near = np.zeros(n, dtype=bool)
    outside = np.flatnonzero(valid & (district < 0))
    if outside.size:
        points = shapely.points(x[outside], y[outside])
        (pt, seg), dist = idx.outer_tree.query_nearest(
            points, return_distance=True, all_matches=False
        )
        distance[outside[pt]] = dist / 1000.0
        close = dist <= OUTSIDE_TOLERANCE_KM * 1000.0
        district[outside[pt[close]]] = idx.outer_owner[seg[close]]
        near[outside[pt[close]]] = True

    uncertain = np.zeros(n, dtype=bool)
    alternative = np.full(n, -1)
    for i, tree in enumerate(idx.inner_trees):
        members = np.flatnonzero(district == i)
        if tree is None or not members.size:
            continue
        strtree, neighbour = tree
        points = shapely.points(x[members], y[members])
        pt, seg = strtree.query_nearest(
            points, max_distance=UNCERTAIN_KM * 1000.0, all_matches=False
        )
        uncertain[members[pt]] = True
        alternative[members[pt]] = neighbour[seg]

    teryts = np.array(idx.teryts + (None,), dtype=object)
    names = np.array([district_name(t) for t in idx.teryts] + [None], dtype=object)
    frame = pd.DataFrame(
        {
            "teryt": pd.array(teryts[district], dtype="string"),
            "name": pd.array(names[district], dtype="string"),
            "near_boundary": near,
            "uncertain": uncertain,
            "distance_km": distance,
            "alternative_teryt": pd.array(teryts[alternative], dtype="string"),
        },
        index=index,
    )
    return frame


def _check_point(lat: float, lon: float) -> tuple[float, float]:
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValueError(f"lat and lon must be numbers, got {lat!r}, {lon!r}") from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise ValueError("lat and lon must be finite numbers")
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise ValueError(f"lat must be within -90..90 and lon within -180..180: {lat_f}, {lon_f}")
    return lat_f, lon_f


def locate(lat: float, lon: float) -> Location | None:
    """The district containing a point.

    :param lat: latitude, degrees WGS84.
    :param lon: longitude, degrees WGS84.
    :returns: a Location, or None when the point is more than OUTSIDE_TOLERANCE_KM (2 km)
        outside the five districts.
    :raises ValueError: for NaN, infinite or impossible coordinates.
    """
    lat_f, lon_f = _check_point(lat, lon)
    row = locate_many([lat_f], [lon_f]).iloc[0]
    if pd.isna(row["teryt"]):
        return None
    alternative = row["alternative_teryt"]
    return Location(
        teryt=str(row["teryt"]),
        name=str(row["name"]),
        near_boundary=bool(row["near_boundary"]),
        uncertain=bool(row["uncertain"]),
        distance_km=float(row["distance_km"]),
        alternative_teryt=None if pd.isna(alternative) else str(alternative),
    )


def nearest_district(lat: float, lon: float) -> tuple[str, float]:
    """The nearest of the five districts and the distance to it.

    :param lat: latitude, degrees WGS84.
    :param lon: longitude, degrees WGS84.
    :returns: (teryt, distance in km); the distance is 0.0 inside a district.
    :raises ValueError: for NaN, infinite or impossible coordinates.
    """
    lat_f, lon_f = _check_point(lat, lon)
    idx = _index()
    x, y = idx.to_metric.transform(lon_f, lat_f)
    point = shapely.Point(x, y)
    distances = shapely.distance(idx.polygons, point)
    best = int(np.argmin(distances))
    return idx.teryts[best], float(distances[best]) / 1000.0


__all__ = [
    "COLUMNS",
    "DISTRICT_NAMES",
    "DISTRICT_TERYTS",
    "Location",
    "OUTSIDE_TOLERANCE_KM",
    "REGION_BOUNDS",
    "UNCERTAIN_KM",
    "load_districts",
    "locate",
    "locate_many",
    "nearest_district",
]
