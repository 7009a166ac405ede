"""Benchmark: vectorised geodata.locate_many against a naive per-point polygon loop.

Run as ``python bench/bench_locate.py``; a suite runner can call ``run(repeats=3)``.
Points: 100,000 seeded uniform random points over the bounding box of the five districts.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from geodata import REGION_BOUNDS, load_districts, locate_many  # noqa: E402

N_POINTS = 100_000
SEED = 20240611


def _points(n: int = N_POINTS, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    (south, west), (north, east) = REGION_BOUNDS
    rng = np.random.default_rng(seed)
    return rng.uniform(south, north, n), rng.uniform(west, east, n)


def _naive(lats: np.ndarray, lons: np.ndarray, polygons: list, teryts: list) -> list:
    # The obvious approach: unprepared polygons, one shapely Point per lookup.
    out = []
    for lat, lon in zip(lats, lons, strict=True):
        point = shapely.Point(lon, lat)
        found = None
        for teryt, polygon in zip(teryts, polygons, strict=True):
            if polygon.contains(point):
                found = teryt
                break
        out.append(found)
    return out


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _disagreements(lats, lons, layer, frame, slow) -> tuple[int, float]:
    """Points inside a district on which the two methods differ, and their largest
    distance (m) to an edge. locate_many tests in EPSG:2180, the loop in lon/lat; a 2 km
    edge straight in one is slightly bent in the other, so only points within a metre or
    two of an edge may differ."""
    inside = ~frame["near_boundary"].to_numpy() & frame["teryt"].notna().to_numpy()
    found = frame["teryt"].astype(object).to_numpy()
    diff = np.array([i for i in np.flatnonzero(inside) if slow[i] != found[i]], dtype=int)
    if not diff.size:
        return 0, 0.0
    to_metric = Transformer.from_crs("EPSG:4326", "EPSG:2180", always_xy=True)
    pts = shapely.points(*to_metric.transform(lons[diff], lats[diff]))
    edges = shapely.union_all([g.boundary for g in layer.to_crs("EPSG:2180").geometry])
    return int(diff.size), float(shapely.distance(pts, edges).max())


def run(repeats: int = 3) -> list[dict]:
    """Time both methods on the same points.

    :param repeats: runs per method; the median is reported.
    :returns: one dict per method: method, points, repeats, seconds (median),
        points_per_second, speedup (relative to the naive loop), mismatches and
        mismatch_max_m (see _disagreements).
    """
    lats, lons = _points()
    layer = load_districts()
    # Fresh, unprepared copies so the naive loop gets no help from cached preparation.
    polygons = [shapely.from_wkb(shapely.to_wkb(g)) for g in layer.geometry]
    teryts = list(layer["teryt"])
    locate_many(lats[:10], lons[:10])  # load the layer and build the index once

    vec = _median_seconds(lambda: locate_many(lats, lons), repeats)
    naive = _median_seconds(lambda: _naive(lats, lons, polygons, teryts), repeats)
    count, worst = _disagreements(
        lats, lons, layer, locate_many(lats, lons), _naive(lats, lons, polygons, teryts)
    )
    rows = [
        {"method": "locate_many (grid + prepared contains_xy)", "seconds": vec},
        {"method": "naive loop (Point + polygon.contains)", "seconds": naive},
    ]
    for row in rows:
        row.update(
            points=N_POINTS,
            repeats=repeats,
            points_per_second=N_POINTS / row["seconds"],
            speedup=naive / row["seconds"],
            mismatches=count,
            mismatch_max_m=worst,
        )
    return rows


def markdown(rows: list[dict]) -> str:
    """Format ``run`` results as a markdown table."""
    lines = [
        "| method | points | median s | points/s | speed-up |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['method']} | {r['points']:,} | {r['seconds']:.3f} | "
            f"{r['points_per_second']:,.0f} | {r['speedup']:.1f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    results = run()
    print(markdown(results))
    print()
    print(
        f"speed-up: {results[0]['speedup']:.1f}× (target ≥ 20×); "
        f"disagreements inside districts: {results[0]['mismatches']} "
        f"(all within {results[0]['mismatch_max_m']:.1f} m of an edge)"
    )
