"""Real places with known districts, checked through the API and the CLI."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geodata import district_name, locate, locate_many, nearest_district
from geodata.districts import OUTSIDE_TOLERANCE_KM, _index

from .conftest import DATA_DIR, run_cli


def _places() -> list[dict]:
    with open(DATA_DIR / "places.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


PLACES = _places()
INSIDE = [p for p in PLACES if p["teryt"]]
OUTSIDE = [p for p in PLACES if not p["teryt"]]


def test_table_is_large_enough():
    assert len(INSIDE) >= 25
    assert len(OUTSIDE) >= 6
    assert all(p["source"] for p in PLACES)
    assert {p["teryt"] for p in INSIDE} == {"1804", "1809", "1813", "1814", "1862"}


@pytest.mark.parametrize("place", INSIDE, ids=[p["name"] for p in INSIDE])
def test_place_in_expected_district(place):
    found = locate(float(place["lat"]), float(place["lon"]))
    assert found is not None
    assert found.teryt == place["teryt"]
    assert found.name == district_name(place["teryt"])
    assert not found.near_boundary
    assert found.distance_km == 0.0
    assert nearest_district(float(place["lat"]), float(place["lon"])) == (place["teryt"], 0.0)
    if place["flags"].startswith("uncertain:"):
        assert found.uncertain
        assert found.alternative_teryt == place["flags"].split(":")[1]
    if not found.uncertain:
        assert found.alternative_teryt is None


@pytest.mark.parametrize("place", OUTSIDE, ids=[p["name"] for p in OUTSIDE])
def test_place_outside(place):
    lat, lon = float(place["lat"]), float(place["lon"])
    assert locate(lat, lon) is None
    teryt, km = nearest_district(lat, lon)
    assert teryt == place["nearest"]
    assert km > OUTSIDE_TOLERANCE_KM


def test_api_batch_agrees_with_table():
    lats = [float(p["lat"]) for p in PLACES]
    lons = [float(p["lon"]) for p in PLACES]
    frame = locate_many(lats, lons)
    got = [None if pd.isna(v) else v for v in frame["teryt"]]
    assert got == [p["teryt"] or None for p in PLACES]


@pytest.mark.parametrize("place", PLACES, ids=[p["name"] for p in PLACES])
def test_cli(place):
    result = run_cli("locate", f"{place['lat']}, {place['lon']}")
    if place["teryt"]:
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == f"{place['teryt']} {district_name(place['teryt'])}"
        if place["flags"].startswith("uncertain:"):
            other = district_name(place["flags"].split(":")[1])
            assert any(other in line for line in lines[1:])
    else:
        assert result.returncode == 3
        assert district_name(place["nearest"]) in result.stderr
        assert " km" in result.stderr


# -------------------------------------------------------------------- border cases


def _metric_transformers():
    fwd = Transformer.from_crs("EPSG:4326", "EPSG:2180", always_xy=True)
    inv = Transformer.from_crs("EPSG:2180", "EPSG:4326", always_xy=True)
    return fwd, inv


def _pushed(lat: float, lon: float, target, metres: float) -> tuple[float, float]:
    """The point ``metres`` beyond the nearest point of ``target`` seen from (lat, lon)."""
    fwd, inv = _metric_transformers()
    x, y = fwd.transform(lon, lat)
    start = shapely.Point(x, y)
    edge = shapely.shortest_line(start, target).coords[-1]
    direction = np.subtract(edge, (x, y))
    direction /= np.linalg.norm(direction)
    px, py = np.add(edge, direction * metres)
    plon, plat = inv.transform(px, py)
    return plat, plon


def test_radruz_outside_the_border_but_close_goes_to_lubaczowski():
    union_edge = shapely.union_all(_index().polygons).exterior
    lat, lon = _pushed(50.1765, 23.4009, union_edge, 600.0)
    found = locate(lat, lon)
    assert found is not None and found.teryt == "1809"
    assert found.near_boundary
    assert 0.0 < found.distance_km <= 0.61
    result = run_cli("locate", f"{lat:.6f} {lon:.6f}", "--lang", "en")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "1809 Lubaczów County"
    assert "outside the five districts" in result.stdout


def test_far_beyond_the_border_is_outside():
    union_edge = shapely.union_all(_index().polygons).exterior
    lat, lon = _pushed(50.1765, 23.4009, union_edge, 3000.0)
    assert locate(lat, lon) is None
    teryt, km = nearest_district(lat, lon)
    assert teryt == "1809" and 2.0 < km <= 3.01


def test_point_near_internal_boundary_is_uncertain():
    index = _index()
    jar, prz = index.polygons[0], index.polygons[3]  # 1804, 1814
    shared = shapely.intersection(jar.boundary, prz.boundary)
    fwd, inv = _metric_transformers()
    mid = shapely.line_interpolate_point(shapely.line_merge(shared), 0.5, normalized=True)
    # Step 400 m into powiat jarosławski, perpendicular-ish: towards its representative point.
    inner = jar.representative_point()
    direction = np.subtract(inner.coords[0], mid.coords[0])
    direction /= np.linalg.norm(direction)
    px, py = np.add(mid.coords[0], direction * 400.0)
    lon, lat = inv.transform(px, py)
    found = locate(lat, lon)
    assert found is not None and found.teryt == "1804"
    assert found.uncertain and found.alternative_teryt == "1814"
    assert not found.near_boundary
