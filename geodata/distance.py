"""Great-circle distance on the mean Earth sphere: the one distance function of the project.

Filters, nearby offerings, trip ordering, the static site's neighbours and the importer's
duplicate check all measure with it, so "5 km away" means the same everywhere.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
EARTH_RADIUS_M = EARTH_RADIUS_KM * 1000


def distance_km(lat: float, lon: float, lats, lons) -> np.ndarray:
    """Distances in km from (``lat``, ``lon``) to arrays (or scalars) ``lats``/``lons``,
    all in degrees WGS84; always an array. Rounding never takes ``arcsin`` out of its domain."""
    lat1, lon1 = np.radians(float(lat)), np.radians(float(lon))
    lat2 = np.radians(np.atleast_1d(np.asarray(lats, dtype=float)))
    lon2 = np.radians(np.atleast_1d(np.asarray(lons, dtype=float)))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def distance_m(lat: float, lon: float, lats, lons) -> np.ndarray:
    """:func:`distance_km` in metres."""
    return distance_km(lat, lon, lats, lons) * 1000
