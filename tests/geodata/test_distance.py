"""The one distance function: great-circle km and m, arrays in, arrays out."""

from __future__ import annotations

import math

import numpy as np

from geodata import EARTH_RADIUS_KM, distance_km, distance_m


def test_known_distances():
    # Jarosław Rynek → Przemyśl Rynek: 26.7 km in a straight line (an independent
    # spherical-law-of-cosines computation gives the same to the metre).
    lat1, lon1, lat2, lon2 = map(math.radians, (50.0163, 22.6777, 49.7836, 22.7678))
    cosines = EARTH_RADIUS_KM * math.acos(
        math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    )
    km = distance_km(50.0163, 22.6777, [49.7836], [22.7678])
    assert km.shape == (1,) and abs(km[0] - cosines) < 1e-3 and 26 < km[0] < 27.5
    # One degree of latitude is 111.2 km on the mean sphere.
    assert abs(distance_km(50.0, 22.0, 51.0, 22.0)[0] - 111.195) < 0.01


def test_metres_arrays_and_the_same_point():
    lats, lons = np.array([50.0163, 50.0163, 49.7836]), np.array([22.6777, 22.6787, 22.7678])
    metres = distance_m(50.0163, 22.6777, lats, lons)
    assert metres.shape == (3,) and metres[0] == 0.0
    assert 70 < metres[1] < 72  # 0.001° of longitude at 50° N
    assert np.allclose(metres / 1000, distance_km(50.0163, 22.6777, lats, lons))
    # Antipodes: rounding never takes arcsin out of its domain.
    assert abs(distance_km(0.0, 0.0, 0.0, 180.0)[0] - math.pi * EARTH_RADIUS_KM) < 1e-6
