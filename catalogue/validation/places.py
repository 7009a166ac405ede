"""Where a row's offering is: its point (one ``coordinates`` cell or ``lat``/``lon``, swapped
if needed), the district the point lies in, and the gmina (declared, or guessed from the
point), with the problems reported on the column the point was read from."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from catalogue.cells import is_blank, parse_decimal, text_value
from catalogue.taxonomy import LANGUAGES
from catalogue.validation.report import Reporter, Row
from geodata import (
    CoordinateError,
    Location,
    district_name,
    district_of_gmina,
    find_gmina,
    guess_gmina,
    locate,
    locate_many,
    nearest_district,
    parse_coordinates,
)

_POINT_FIELD: dict[str, str] = {
    "pl": "współrzędne punktu, np. 49.7839, 22.7766",
    "en": "the point's coordinates, e.g. 49.7839, 22.7766",
    "uk": "координати точки, напр. 49.7839, 22.7766",
}


class PlaceReader:
    """Reads the points of one file's rows; caches locations and gmina look-ups per file."""

    def __init__(self, reporter: Reporter) -> None:
        self.issue = reporter.issue
        self.columns = reporter.columns
        self.locations: dict[tuple[float, float], Location | None] = {}
        self.gmina_lookups: dict[tuple, object] = {}

    def prelocate(self, rows: list[tuple[int, Row]]) -> None:
        """Locate the rows' points in one vectorised call; ``locate`` costs ~1 ms a point.

        Only a cache: a point parsed differently later is located on its own.
        """
        lats, lons = [], []
        for _, row in rows:
            try:
                text = text_value(row.cells.get("coordinates"))
                if text:
                    parsed = parse_coordinates(text)
                    lat, lon = float(parsed.lat), float(parsed.lon)
                else:
                    lat = parse_decimal(row.cells.get("lat"))
                    lon = parse_decimal(row.cells.get("lon"))
            except ValueError:
                continue
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                lats.append(lat)
                lons.append(lon)
        if not lats:
            return
        found = locate_many(lats, lons)
        teryt = found["teryt"].astype(object).to_numpy()
        names = found["name"].astype(object).to_numpy()
        alternative = found["alternative_teryt"].astype(object).to_numpy()
        near = found["near_boundary"].to_numpy()
        uncertain = found["uncertain"].to_numpy()
        distance = found["distance_km"].to_numpy()
        for i, key in enumerate(zip(lats, lons, strict=True)):
            # The same Location geodata.locate builds from its one-row locate_many.
            self.locations[key] = (
                None
                if pd.isna(teryt[i])
                else Location(
                    teryt=str(teryt[i]),
                    name=str(names[i]),
                    near_boundary=bool(near[i]),
                    uncertain=bool(uncertain[i]),
                    distance_km=float(distance[i]),
                    alternative_teryt=None if pd.isna(alternative[i]) else str(alternative[i]),
                )
            )

    def locate(self, lat: float, lon: float) -> Location | None:
        key = (lat, lon)
        if key not in self.locations:
            self.locations[key] = locate(lat, lon)
        return self.locations[key]

    def find_gmina(self, *args, **kwargs):
        # find_gmina folds all 39 names on every call; a file names the same few gminy.
        key = (args, tuple(sorted(kwargs.items())))
        if key not in self.gmina_lookups:
            self.gmina_lookups[key] = find_gmina(*args, **kwargs)
        return self.gmina_lookups[key]

    def coordinates(self, row: Row) -> tuple[float, float] | None:
        """(lat, lon) in degrees from ``coordinates`` or ``lat``/``lon``, swapped if needed."""
        text = text_value(row.cells.get("coordinates"))
        raw_lat, raw_lon = row.cells.get("lat"), row.cells.get("lon")
        if text:
            try:
                parsed = parse_coordinates(text)
            except CoordinateError as exc:
                detail = {lang: exc.message(lang) for lang in LANGUAGES}
                self.issue(row, "coordinates", "bad_coordinates", value=text, detail=detail)
                return None
            lat, lon = float(parsed.lat), float(parsed.lon)
            if parsed.swapped:
                self.issue(
                    row,
                    "coordinates",
                    "coordinates_swapped",
                    "warning",
                    lat=_coord(lat),
                    lon=_coord(lon),
                )
            return lat, lon
        if is_blank(raw_lat) and is_blank(raw_lon):
            column = "coordinates" if "coordinates" in self.columns else "lat"
            self.issue(row, column, "required", field=_POINT_FIELD)
            return None
        values = []
        for name, raw, example in (("lat", raw_lat, "49.7839"), ("lon", raw_lon, "22.7766")):
            if is_blank(raw):
                self.issue(row, name, "coordinate_incomplete")
                continue
            try:
                values.append(parse_decimal(raw))
            except ValueError:
                self.issue(row, name, "bad_number", value=text_value(raw), example=example)
        if len(values) != 2:
            return None
        lat, lon = values
        # Let geodata's parser judge ranges and the lat/lon order, like for one-cell input.
        try:
            parsed = parse_coordinates(f"{lat!r}, {lon!r}")
        except CoordinateError as exc:
            detail = {lang: exc.message(lang) for lang in LANGUAGES}
            self.issue(row, "lat", "bad_coordinates", value=f"{lat!r}, {lon!r}", detail=detail)
            return None
        lat, lon = float(parsed.lat), float(parsed.lon)
        swapped = bool(parsed.swapped)
        if (
            not swapped
            and abs(lon) <= 90
            and self.locate(lat, lon) is None
            and self.locate(lon, lat) is not None
        ):
            lat, lon, swapped = lon, lat, True
        if swapped:
            self.issue(
                row, "lat", "coordinates_swapped", "warning", lat=_coord(lat), lon=_coord(lon)
            )
        return lat, lon

    def place(self, row: Row, lat: float, lon: float, coord_column: str) -> tuple[str, str]:
        """(district TERYT, gmina TERYT) for a point and the declared gmina, if any."""
        location = self.locate(lat, lon)
        if location is None:
            teryt, distance = nearest_district(lat, lon)
            self.issue(
                row,
                coord_column,
                "outside_area",
                lat=_coord(lat),
                lon=_coord(lon),
                district=_district_names(teryt),
                distance_km=_num(distance, 1),
            )
            return "", ""
        district = location.teryt
        if location.near_boundary:
            self.issue(
                row,
                coord_column,
                "near_boundary",
                "warning",
                lat=_coord(lat),
                lon=_coord(lon),
                district=_district_names(district),
            )
        declared = text_value(row.cells.get("gmina"))
        if not declared:
            return district, guess_gmina(lat, lon, district) or ""
        gmina = self.resolve_gmina(declared, lat, lon, district)
        if gmina is None:
            self.issue(row, "gmina", "unknown_gmina", value=declared)
            return district, ""
        gmina_teryt = _gmina_teryt(gmina)
        gmina_district = district_of_gmina(gmina_teryt)
        if gmina_district == district:
            return district, gmina_teryt
        if location.uncertain and gmina_district == location.alternative_teryt:
            # The district layer is simplified near internal boundaries; the partner knows
            # which gmina the place belongs to.
            self.issue(
                row,
                "gmina",
                "gmina_decides_district",
                "warning",
                gmina=declared,
                district=_district_names(gmina_district),
                point_district=_district_names(district),
            )
            return gmina_district, gmina_teryt
        self.issue(
            row,
            "gmina",
            "gmina_mismatch",
            gmina=declared,
            gmina_district=_district_names(gmina_district),
            point_district=_district_names(district),
            lat=_coord(lat),
            lon=_coord(lon),
        )
        return district, gmina_teryt

    def resolve_gmina(self, declared: str, lat: float, lon: float, district: str):
        """The declared gmina's record, preferring the point's district.

        A bare name shared by a town and its rural gmina (Jarosław, Przeworsk…) in the same
        district goes to the one whose area the point most likely lies in.
        """

        urban = self.find_gmina(declared, district, prefer="urban")
        if urban is None:
            return self.find_gmina(declared)
        rural = self.find_gmina(declared, district, prefer="rural")
        if rural is not None and _gmina_teryt(rural) != _gmina_teryt(urban):
            if guess_gmina(lat, lon, district) == _gmina_teryt(rural):
                return rural
        return urban


def _district_names(teryt: str) -> dict[str, str]:
    return {lang: district_name(teryt, lang) for lang in LANGUAGES}


def _coord(value: float) -> str:
    # Coordinates keep the decimal point in every language: it is how map sites show them,
    # and a decimal comma would be confused with the comma between latitude and longitude.
    return f"{value:.5f}"


def _num(value: float, digits: int) -> dict[str, str]:
    # Polish and Ukrainian write a decimal comma.
    text = f"{value:.{digits}f}"
    return {"pl": text.replace(".", ","), "en": text, "uk": text.replace(".", ",")}


def _gmina_teryt(gmina: object) -> str:
    # find_gmina may hand back the TERYT itself or a record carrying it.
    if isinstance(gmina, str):
        return gmina
    for attr in ("teryt", "TERYT"):
        if hasattr(gmina, attr):
            return str(getattr(gmina, attr))
        if isinstance(gmina, Mapping) and attr in gmina:
            return str(gmina[attr])
    raise TypeError(f"cannot read a TERYT code from {gmina!r}")
