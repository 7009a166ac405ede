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


# Lookup grid in lon/lat. A cell farther than the two thresholds from every boundary is
# answered by its label alone; other cells keep the nearby boundary segments so their
# points get exact distances. 0.005° x 0.0035° is about 360 x 390 m.
GRID_DLON = 0.005
GRID_DLAT = 0.0035
GRID_PAD_DEG = 0.05  # > OUTSIDE_TOLERANCE_KM beyond the districts in both directions
# Cell edges are straight in EPSG:2180 here but straight in lon/lat in the grid; the
# difference is millimetres, this margin keeps every shortcut on the safe side.
GRID_MARGIN_M = 10.0
_FAR = -1
_MIXED = -2


@dataclass(frozen=True)
class _Segments:
    ax: np.ndarray
    ay: np.ndarray
    dx: np.ndarray
    dy: np.ndarray
    inv_len2: np.ndarray
    owner: np.ndarray  # district index on the inner side
    other: np.ndarray  # district across a shared segment, -1 on the outer boundary


@dataclass(frozen=True)
class _Candidates:
    """Compressed per-cell lists of segment indices (CSR layout)."""

    ptr: np.ndarray  # start of each cell's list; length ncells + 1
    seg: np.ndarray


@dataclass(frozen=True)
class _Index:
    teryts: tuple[str, ...]
    polygons: np.ndarray  # metric, prepared
    to_metric: Transformer
    segments: _Segments
    lon0: float
    lat0: float
    ncols: int
    nrows: int
    label: np.ndarray  # per cell: district index, _FAR or _MIXED (needs the exact path)
    side: np.ndarray  # per cell: district holding all of it, _FAR (none) or _MIXED (crossed)
    outer: _Candidates  # outer segments within the tolerance of each cell
    inner: _Candidates  # shared segments within UNCERTAIN_KM of each cell


def _segments(coords: list) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return [(tuple(a), tuple(b)) for a, b in zip(coords[:-1], coords[1:], strict=True) if a != b]


def _csr(cells: np.ndarray, segs: np.ndarray, ncells: int) -> _Candidates:
    order = np.lexsort((segs, cells))
    cells, segs = cells[order], segs[order]
    counts = np.bincount(cells, minlength=ncells)
    ptr = np.concatenate([[0], np.cumsum(counts)])
    return _Candidates(ptr=ptr, seg=segs.astype(np.int64))


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
    # boundary (kept once per side) and a segment owned once lies on the outer boundary.
    ends, owner, other = [], [], []
    for key, who in owners.items():
        a, b = sorted(key)
        for mine in who:
            ends.append((a, b))
            owner.append(mine)
            other.append(next((o for o in who if o != mine), -1))
    ends = np.asarray(ends, dtype=float).reshape(-1, 4)
    start = metric_xy(ends[:, 0:2])
    stop = metric_xy(ends[:, 2:4])
    delta = stop - start
    len2 = np.einsum("ij,ij->i", delta, delta)
    segments = _Segments(
        ax=start[:, 0],
        ay=start[:, 1],
        dx=delta[:, 0],
        dy=delta[:, 1],
        inv_len2=np.where(len2 > 0, 1.0 / np.where(len2 > 0, len2, 1.0), 0.0),
        owner=np.asarray(owner),
        other=np.asarray(other),
    )
    lines = shapely.linestrings(np.stack([start, stop], axis=1))

    (south, west), (north, east) = REGION_BOUNDS
    lon0, lat0 = west - GRID_PAD_DEG, south - GRID_PAD_DEG
    ncols = int(math.ceil((east + GRID_PAD_DEG - lon0) / GRID_DLON))
    nrows = int(math.ceil((north + GRID_PAD_DEG - lat0) / GRID_DLAT))
    node_lon, node_lat = np.meshgrid(
        lon0 + GRID_DLON * np.arange(ncols + 1), lat0 + GRID_DLAT * np.arange(nrows + 1)
    )
    nx, ny = to_metric.transform(node_lon, node_lat)
    corners = np.stack(
        [
            np.stack([nx[:-1, :-1], ny[:-1, :-1]], axis=-1),
            np.stack([nx[:-1, 1:], ny[:-1, 1:]], axis=-1),
            np.stack([nx[1:, 1:], ny[1:, 1:]], axis=-1),
            np.stack([nx[1:, :-1], ny[1:, :-1]], axis=-1),
        ],
        axis=2,
    ).reshape(-1, 4, 2)
    cells = shapely.polygons(corners)
    ncells = cells.size
    tree = shapely.STRtree(cells)

    is_outer = segments.other < 0
    outer_ids = np.flatnonzero(is_outer)
    inner_ids = np.flatnonzero(~is_outer)
    seg_o, cell_o = tree.query(
        lines[outer_ids],
        predicate="dwithin",
        distance=OUTSIDE_TOLERANCE_KM * 1000.0 + GRID_MARGIN_M,
    )
    seg_i, cell_i = tree.query(
        lines[inner_ids], predicate="dwithin", distance=UNCERTAIN_KM * 1000.0 + GRID_MARGIN_M
    )
    outer = _csr(cell_o, outer_ids[seg_o], ncells)
    inner = _csr(cell_i, inner_ids[seg_i], ncells)

    # A cell that touches no boundary lies wholly in one district (or wholly outside). If it
    # is also far from shared boundaries, or far outside, its label answers every query.
    touching = np.unique(tree.query(lines, predicate="dwithin", distance=GRID_MARGIN_M)[1])
    centres = shapely.centroid(cells)
    cx, cy = shapely.get_x(centres), shapely.get_y(centres)
    side = np.full(ncells, _FAR, dtype=np.int8)
    for i, polygon in enumerate(polygons):
        side[shapely.contains_xy(polygon, cx, cy)] = i
    side[touching] = _MIXED
    no_inner = np.diff(inner.ptr) == 0
    no_outer = np.diff(outer.ptr) == 0
    label = np.full(ncells, _MIXED, dtype=np.int8)
    quiet_in = no_inner & (side >= 0)
    label[quiet_in] = side[quiet_in]
    label[no_outer & (side == _FAR)] = _FAR
    return _Index(
        teryts=teryts,
        polygons=polygons,
        to_metric=to_metric,
        segments=segments,
        lon0=lon0,
        lat0=lat0,
        ncols=ncols,
        nrows=nrows,
        label=label,
        side=side,
        outer=outer,
        inner=inner,
    )


def _nearest_candidate(
    x: np.ndarray, y: np.ndarray, cells: np.ndarray, cand: _Candidates, seg: _Segments, keep=None
) -> tuple[np.ndarray, np.ndarray]:
    """Per point, the nearest candidate segment of its cell and the distance (metres).

    ``keep(point_index, segment_index) -> bool array`` filters the pairs. Points with no
    candidate get segment -1 and distance inf.
    """
    n = x.size
    best_seg = np.full(n, -1)
    best_dist = np.full(n, np.inf)
    counts = cand.ptr[cells + 1] - cand.ptr[cells]
    total = int(counts.sum())
    if total == 0:
        return best_seg, best_dist
    pts = np.repeat(np.arange(n), counts)
    first = np.cumsum(counts) - counts
    offsets = np.arange(total) - np.repeat(first, counts)
    segs = cand.seg[np.repeat(cand.ptr[cells], counts) + offsets]
    px, py = x[pts], y[pts]
    rx, ry = px - seg.ax[segs], py - seg.ay[segs]
    t = np.clip((rx * seg.dx[segs] + ry * seg.dy[segs]) * seg.inv_len2[segs], 0.0, 1.0)
    ex, ey = rx - t * seg.dx[segs], ry - t * seg.dy[segs]
    dist = np.hypot(ex, ey)
    if keep is not None:
        dist[~keep(pts, segs)] = np.inf
    has = counts > 0
    starts = first[has]
    mins = np.minimum.reduceat(dist, starts)
    # First pair reaching the minimum gives a deterministic tie-break.
    hit = dist == np.repeat(mins, counts[has])
    pos = np.where(hit, np.arange(total), total)
    at = np.minimum.reduceat(pos, starts)
    found = np.isfinite(mins)
    idx = np.flatnonzero(has)
    best_dist[idx[found]] = mins[found]
    best_seg[idx[found]] = segs[at[found]]
    return best_seg, best_dist


def locate_many(lats, lons) -> pd.DataFrame:
    """Locate many points at once (vectorised).

    :param lats: latitudes, degrees WGS84 (array-like; NaN allowed).
    :param lons: longitudes, degrees WGS84, same length as ``lats``.
    :returns: DataFrame with the Location fields as columns: teryt, name, near_boundary,
        uncertain, distance_km, alternative_teryt (teryt, name and alternative_teryt are
        categoricals over the five districts). Row i equals ``locate(lats[i], lons[i])``;
        where that is None (more than OUTSIDE_TOLERANCE_KM outside, or NaN or impossible
        coordinates) teryt, name and alternative_teryt are NA, distance_km is NaN and the
        flags are False (use nearest_district for the distance of such a point). A pandas
        Series input keeps its index.
    """
    index = lats.index if isinstance(lats, pd.Series) else None
    lat = np.asarray(lats, dtype=float).ravel()
    lon = np.asarray(lons, dtype=float).ravel()
    if lat.shape != lon.shape:
        raise ValueError(f"lats and lons differ in length: {lat.size} != {lon.size}")
    idx = _index()
    n = lat.size
    district = np.full(n, -1)
    distance = np.full(n, np.nan)
    near = np.zeros(n, dtype=bool)
    uncertain = np.zeros(n, dtype=bool)
    alternative = np.full(n, -1)

    with np.errstate(invalid="ignore"):
        col = np.floor((lon - idx.lon0) / GRID_DLON)
        row = np.floor((lat - idx.lat0) / GRID_DLAT)
        in_grid = (col >= 0) & (col < idx.ncols) & (row >= 0) & (row < idx.nrows)
        in_grid &= (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    at = np.flatnonzero(in_grid)
    cell = row[at].astype(np.int64) * idx.ncols + col[at].astype(np.int64)
    label = idx.label[cell]
    pure = label >= 0
    district[at[pure]] = label[pure]
    distance[at[pure]] = 0.0

    mixed = at[label == _MIXED]
    if mixed.size:
        mcell = cell[label == _MIXED]
        x, y = idx.to_metric.transform(lon[mixed], lat[mixed])
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        dist_m = np.full(mixed.size, np.inf)
        found = idx.side[mcell].astype(np.int64)
        crossed = found == _MIXED
        found[crossed] = -1
        for i, polygon in enumerate(idx.polygons):
            todo = np.flatnonzero(crossed & (found < 0))
            if not todo.size:
                break
            found[todo[shapely.contains_xy(polygon, x[todo], y[todo])]] = i
        dist_m[found >= 0] = 0.0

        out = np.flatnonzero(found < 0)
        if out.size:
            seg, d = _nearest_candidate(x[out], y[out], mcell[out], idx.outer, idx.segments)
            close = d <= OUTSIDE_TOLERANCE_KM * 1000.0
            found[out[close]] = idx.segments.owner[seg[close]]
            dist_m[out[close]] = d[close]
            near[mixed[out[close]]] = True

        located = np.flatnonzero(found >= 0)
        if located.size:
            mine = found[located]
            seg, d = _nearest_candidate(
                x[located],
                y[located],
                mcell[located],
                idx.inner,
                idx.segments,
                keep=lambda p, s: idx.segments.owner[s] == mine[p],
            )
            hit = d <= UNCERTAIN_KM * 1000.0
            uncertain[mixed[located[hit]]] = True
            alternative[mixed[located[hit]]] = idx.segments.other[seg[hit]]
        district[mixed] = found
        distance[mixed[found >= 0]] = dist_m[found >= 0] / 1000.0

    # Categoricals over the five codes: cheap to build (code -1 is NA) and compare as text.
    names = [district_name(t) for t in idx.teryts]
    return pd.DataFrame(
        {
            "teryt": pd.Categorical.from_codes(district, categories=list(idx.teryts)),
            "name": pd.Categorical.from_codes(district, categories=names),
            "near_boundary": near,
            "uncertain": uncertain,
            "distance_km": distance,
            "alternative_teryt": pd.Categorical.from_codes(
                alternative, categories=list(idx.teryts)
            ),
        },
        index=index,
    )


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
