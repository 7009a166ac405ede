"""District layer, point lookup, gminy and coordinate parsing for the five SE Poland districts.

Districts: powiat jarosławski (1804), lubaczowski (1809), przemyski (1813), przeworski (1814)
and the city of Przemyśl (1862). Boundaries: PRG, GUGiK (see geodata/README.md).
"""

from .coords import CoordinateError, ParsedCoordinates, parse_coordinates
from .distance import EARTH_RADIUS_KM, EARTH_RADIUS_M, distance_km, distance_m
from .districts import (
    OUTSIDE_TOLERANCE_KM,
    REGION_BOUNDS,
    UNCERTAIN_KM,
    Location,
    load_districts,
    locate,
    locate_many,
    nearest_district,
)
from .gminy import district_of_gmina, find_gmina, gminy_of_district, guess_gmina, load_gminy
from .names import ATTRIBUTION, DISTRICT_TERYTS, LANGUAGES, district_name
from .text import fold_text

__all__ = [
    "ATTRIBUTION",
    "DISTRICT_TERYTS",
    "EARTH_RADIUS_KM",
    "EARTH_RADIUS_M",
    "LANGUAGES",
    "OUTSIDE_TOLERANCE_KM",
    "REGION_BOUNDS",
    "UNCERTAIN_KM",
    "CoordinateError",
    "Location",
    "ParsedCoordinates",
    "district_name",
    "distance_km",
    "distance_m",
    "district_of_gmina",
    "find_gmina",
    "fold_text",
    "gminy_of_district",
    "guess_gmina",
    "load_districts",
    "load_gminy",
    "locate",
    "locate_many",
    "nearest_district",
    "parse_coordinates",
]
