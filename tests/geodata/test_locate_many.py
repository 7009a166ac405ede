"""Vectorised lookup: edge cases and agreement with the scalar locate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geodata import REGION_BOUNDS, Location, locate, locate_many, nearest_district
from geodata.districts import COLUMNS


def test_empty_input():
    frame = locate_many([], [])
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 0
    frame = locate_many(np.array([]), np.array([]))
    assert len(frame) == 0


def test_nan_and_impossible_coordinates():
    frame = locate_many(
        [np.nan, 50.0163, 95.0, 50.0163, np.inf], [22.6777, np.nan, 10.0, 22.6777, 1.0]
    )
    assert pd.isna(frame.loc[0, "teryt"]) and pd.isna(frame.loc[1, "teryt"])
    assert pd.isna(frame.loc[2, "teryt"]) and pd.isna(frame.loc[4, "teryt"])
    assert frame.loc[3, "teryt"] == "1804"
    assert math.isnan(frame.loc[0, "distance_km"])
    assert not frame.loc[0, "near_boundary"] and not frame.loc[0, "uncertain"]


def test_columns_and_types():
    frame = locate_many([50.0163, 50.0375], [22.6777, 22.0047])
    assert list(frame.columns) == list(COLUMNS)
    assert frame.loc[0, "name"] == "powiat jarosławski"
    assert pd.isna(frame.loc[1, "teryt"]) and pd.isna(frame.loc[1, "name"])
    assert pd.isna(frame.loc[1, "alternative_teryt"])
    assert math.isnan(frame.loc[1, "distance_km"])  # no Location: use nearest_district
    assert frame["near_boundary"].dtype == bool and frame["uncertain"].dtype == bool
    assert (frame["teryt"] == "1804").tolist() == [True, False]
    assert list(frame["teryt"].cat.categories) == ["1804", "1809", "1813", "1814", "1862"]


def test_series_index_is_kept():
    lats = pd.Series([50.0163, 49.7839], index=["a", "b"])
    lons = pd.Series([22.6777, 22.7678], index=["a", "b"])
    frame = locate_many(lats, lons)
    assert list(frame.index) == ["a", "b"]
    assert frame.loc["b", "teryt"] == "1862"


def test_length_mismatch():
    with pytest.raises(ValueError):
        locate_many([50.0], [22.0, 23.0])


@pytest.mark.parametrize("bad", [(math.nan, 22.0), (50.0, math.inf), (91.0, 22.0), ("x", 22.0)])
def test_scalar_apis_reject_bad_points(bad):
    with pytest.raises(ValueError):
        locate(*bad)
    with pytest.raises(ValueError):
        nearest_district(*bad)


def test_matches_scalar_locate_on_random_points():
    (south, west), (north, east) = REGION_BOUNDS
    rng = np.random.default_rng(20240611)
    n = 150  # with this seed: every branch several times (3 uncertain at 100, 13 here)
    lats = rng.uniform(south - 0.05, north + 0.05, n)
    lons = rng.uniform(west - 0.05, east + 0.05, n)
    frame = locate_many(lats, lons)
    seen = {"inside": 0, "near": 0, "outside": 0, "uncertain": 0}
    for i in range(n):
        found = locate(lats[i], lons[i])
        row = frame.iloc[i]
        if found is None:
            assert pd.isna(row["teryt"])
            seen["outside"] += 1
            continue
        assert isinstance(found, Location)
        assert row["teryt"] == found.teryt
        assert row["name"] == found.name
        assert bool(row["near_boundary"]) == found.near_boundary
        assert bool(row["uncertain"]) == found.uncertain
        assert row["distance_km"] == pytest.approx(found.distance_km)
        alt = None if pd.isna(row["alternative_teryt"]) else row["alternative_teryt"]
        assert alt == found.alternative_teryt
        seen["near" if found.near_boundary else "inside"] += 1
        seen["uncertain"] += found.uncertain
    # The sample must exercise every branch.
    assert all(count > 0 for count in seen.values()), seen


def test_distances_agree_with_nearest_district():
    rng = np.random.default_rng(7)
    (south, west), (north, east) = REGION_BOUNDS
    lats = rng.uniform(south - 0.1, north + 0.1, 120)
    lons = rng.uniform(west - 0.1, east + 0.1, 120)
    frame = locate_many(lats, lons)
    for lat, lon, (_, row) in zip(lats, lons, frame.iterrows(), strict=True):
        teryt, km = nearest_district(lat, lon)
        if pd.isna(row["teryt"]):
            assert math.isnan(row["distance_km"]) and km > 2.0
            continue
        assert row["distance_km"] == pytest.approx(km, abs=1e-6)
        assert row["teryt"] == teryt
    # The sample has points outside, inside and just outside the border (distance > 0).
    assert frame["teryt"].isna().any() and (frame["distance_km"] == 0).any()
    assert (frame["distance_km"] > 0).any()
