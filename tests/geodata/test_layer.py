"""Invariants of the committed district layer and reproducibility of its build."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely

from geodata import (
    ATTRIBUTION,
    DISTRICT_TERYTS,
    REGION_BOUNDS,
    district_name,
    load_districts,
    locate,
)
from geodata import build as geobuild
from geodata.build import GMINA_SEATS, area_km2

METRIC = "EPSG:2180"


@pytest.fixture(scope="module")
def layer():
    return load_districts()


@pytest.fixture(scope="module")
def metric(layer):
    return layer.to_crs(METRIC)


def test_five_districts_in_teryt_order(layer):
    assert list(layer["teryt"]) == list(DISTRICT_TERYTS)
    assert layer.crs.to_epsg() == 4326
    assert list(layer.columns) == [
        "teryt",
        "name_official",
        "name_pl",
        "name_en",
        "name_uk",
        "area_km2",
        "attribution",
        "geometry",
    ]


def test_load_districts_returns_a_copy(layer):
    first = load_districts()
    first.loc[0, "name_pl"] = "changed"
    assert load_districts().loc[0, "name_pl"] == "powiat jarosławski"


def test_attributes(layer):
    rows = {r.teryt: r for r in layer.itertuples()}
    assert rows["1862"].name_official == "miasto na prawach powiatu Przemyśl"
    assert rows["1862"].name_pl == "miasto Przemyśl"
    assert rows["1862"].name_en == "City of Przemyśl"
    assert rows["1862"].name_uk == "місто Перемишль"
    assert rows["1804"].name_official == "powiat jarosławski"
    assert rows["1813"].name_en == "Przemyśl County"
    assert rows["1814"].name_uk == "Переворський повіт"
    for teryt, row in rows.items():
        assert row.attribution == ATTRIBUTION
        assert row.name_pl == district_name(teryt, "pl")
        assert row.area_km2 == pytest.approx(area_km2(row.geometry), abs=0.05)


def test_areas_close_to_official(layer):
    # Official areas (GUS, km²); the simplified source is within about 1%.
    official = {"1804": 1029, "1809": 1308, "1813": 1214, "1814": 698, "1862": 46}
    for row in layer.itertuples():
        assert row.area_km2 == pytest.approx(official[row.teryt], rel=0.06)


def test_geometries_valid_single_polygons(layer):
    for geom in layer.geometry:
        assert geom.is_valid
        assert geom.geom_type == "Polygon"


def test_coordinates_rounded_to_six_decimals(layer):
    coords = shapely.get_coordinates(np.array(layer.geometry))
    assert np.allclose(coords, np.round(coords, 6), atol=1e-12, rtol=0)


def test_no_overlaps(metric):
    for (ta, a), (tb, b) in itertools.combinations(
        zip(metric.teryt, metric.geometry, strict=True), 2
    ):
        assert shapely.intersection(a, b).area < 1.0, (ta, tb)


def test_exact_shared_edges(layer):
    assert shapely.coverage_is_valid(np.array(layer.geometry))


def test_union_has_no_holes_or_gaps(metric):
    union = shapely.union_all(np.array(metric.geometry))
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == 0


def test_city_fills_its_hole(metric):
    rows = dict(zip(metric.teryt, metric.geometry, strict=True))
    county, city = rows["1813"], rows["1862"]
    assert len(county.interiors) == 1
    hole = shapely.Polygon(county.interiors[0])
    assert shapely.symmetric_difference(hole, city).area < 1.0
    merged = shapely.union_all([county, city])
    assert merged.geom_type == "Polygon" and len(merged.interiors) == 0
    assert shapely.contains(merged, city.representative_point())


def test_city_touches_only_przemyski(metric):
    rows = dict(zip(metric.teryt, metric.geometry, strict=True))
    for teryt in ("1804", "1809", "1814"):
        assert not shapely.intersects(rows[teryt], rows["1862"])


def test_region_bounds(layer):
    west, south, east, north = layer.total_bounds
    assert REGION_BOUNDS == (
        (pytest.approx(south), pytest.approx(west)),
        (pytest.approx(north), pytest.approx(east)),
    )
    (s, w), (n, e) = REGION_BOUNDS
    assert 49.4 < s < n < 50.6 and 22.0 < w < e < 23.7


def test_union_close_to_raw_union(metric, source_dir):
    from pyproj import Transformer

    raw = geobuild.read_source_districts(source_dir / geobuild.SOURCE_GEOJSON)
    to_metric = Transformer.from_crs("EPSG:4326", METRIC, always_xy=True)
    repaired = [geobuild.repair(geobuild._reproject(g, to_metric)) for g in raw.values()]
    raw_union = shapely.union_all(repaired)
    union = shapely.union_all(np.array(metric.geometry))
    assert union.area == pytest.approx(raw_union.area, rel=0.01)
    # The raw five overlap, so their summed areas exceed the union; ours must not.
    assert sum(g.area for g in metric.geometry) == pytest.approx(union.area, rel=1e-6)


def test_raw_sources_are_broken(source_dir):
    raw = geobuild.read_source_districts(source_dir / geobuild.SOURCE_GEOJSON)
    assert not raw["1813"].is_valid and not raw["1814"].is_valid


def test_build_is_reproducible_and_matches_committed(tmp_path, source_dir):
    first = geobuild.build(source_dir, tmp_path / "a")
    second = geobuild.build(source_dir / geobuild.SOURCE_GEOJSON, tmp_path / "b")
    for key in ("districts", "gminy"):
        assert first[key].read_bytes() == second[key].read_bytes()
        committed = geobuild.PACKAGE_DIR / first[key].name
        assert first[key].read_bytes() == committed.read_bytes(), f"rebuild {committed.name}"


def test_build_rejects_missing_source(tmp_path):
    with pytest.raises(FileNotFoundError):
        geobuild.build(tmp_path / "nothing-here", tmp_path / "out")


def test_seats_lie_in_their_district():
    for teryt, seat in GMINA_SEATS.items():
        found = locate(seat.lat, seat.lon)
        assert found is not None and found.teryt == teryt[:4], (teryt, seat)
        assert not found.near_boundary
