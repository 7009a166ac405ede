"""Likely duplicates: a row naming the same place as a catalogue product or an earlier row
(within 200 m, names alike). Only warnings: a museum and its café can share a building."""

from __future__ import annotations

import difflib
import math

import pandas as pd

from catalogue.cells import fold
from catalogue.validation.report import Reporter, Row
from geodata import EARTH_RADIUS_M, distance_m

DUPLICATE_DISTANCE_M = 200.0
DUPLICATE_NAME_RATIO = 0.85


def similar_names(a: str, b: str) -> bool:
    """Folded names equal, one containing the other, or a difflib ratio ≥ 0.85."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    if min(len(fa), len(fb)) >= 4 and (fa in fb or fb in fa):
        return True
    matcher = difflib.SequenceMatcher(None, fa, fb)
    # The quick ratios are upper bounds of ratio(): most pairs are rejected without it.
    return (
        matcher.real_quick_ratio() >= DUPLICATE_NAME_RATIO
        and matcher.quick_ratio() >= DUPLICATE_NAME_RATIO
        and matcher.ratio() >= DUPLICATE_NAME_RATIO
    )


class NearIndex:
    """Points in cells of a 3-D grid on the unit sphere, for "which are within 200 m".

    A cell is as wide as the duplicate distance (a chord is never longer than its arc), so
    every point within that distance lies in the 27 cells around the query; this holds at
    any latitude, unlike a lon/lat grid. ``near`` returns candidate indices in insertion
    order; callers still measure the exact distance.
    """

    CELL = DUPLICATE_DISTANCE_M / EARTH_RADIUS_M * 1.001

    def __init__(self, lats=(), lons=()) -> None:
        self.cells: dict[tuple[int, int, int], list[int]] = {}
        self.size = 0
        for lat, lon in zip(lats, lons, strict=True):
            self.add(float(lat), float(lon))

    def _cell(self, lat: float, lon: float) -> tuple[int, int, int]:
        phi, lmb = math.radians(lat), math.radians(lon)
        x = math.cos(phi) * math.cos(lmb)
        y = math.cos(phi) * math.sin(lmb)
        z = math.sin(phi)
        return (math.floor(x / self.CELL), math.floor(y / self.CELL), math.floor(z / self.CELL))

    def add(self, lat: float, lon: float) -> None:
        """Add a point; its index is the number of points added before it."""
        self.cells.setdefault(self._cell(lat, lon), []).append(self.size)
        self.size += 1

    def near(self, lat: float, lon: float) -> list[int]:
        if not self.size or not (math.isfinite(lat) and math.isfinite(lon)):
            return []
        cx, cy, cz = self._cell(lat, lon)
        found: list[int] = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for dz in (-1, 0, 1):
                    found.extend(self.cells.get((cx + dx, cy + dy, cz + dz), ()))
        return sorted(found)


class DuplicateFinder:
    """Checks each row against the catalogue's placed products and the rows before it."""

    def __init__(self, reporter: Reporter, existing: pd.DataFrame, existing_ids: set[str]) -> None:
        self.issue = reporter.issue
        self.existing_ids = existing_ids
        # (row, id, name, lat, lon) of earlier rows
        self.earlier: list[tuple[int, str, str, float, float]] = []
        # Duplicate checks look only at points in neighbouring grid cells: comparing every
        # row with every earlier row and the whole catalogue made a 10,000-row file take
        # minutes.
        placed = existing.dropna(subset=["lat", "lon"])
        self.existing_lat = placed["lat"].astype(float).to_numpy()
        self.existing_lon = placed["lon"].astype(float).to_numpy()
        self.existing_names = [str(v) for v in placed["name_pl"]]
        self.existing_id_list = [str(v) for v in placed["id"]]
        self.existing_near = NearIndex(self.existing_lat, self.existing_lon)
        self.earlier_near = NearIndex()

    def add(self, row: Row, product_id: str, name: str, lat: float, lon: float) -> None:
        """Remember a row's point so later rows are checked against it."""
        self.earlier.append((row.number, product_id, name, lat, lon))
        self.earlier_near.add(lat, lon)

    def check(self, row: Row, product_id: str, name: str, lat: float, lon: float) -> None:
        """Warn about a likely duplicate of a catalogue product or of an earlier row.

        Only a warning: two different offerings can share a building (a museum and its café).
        A row that carries a catalogue product's id is an update and is not checked.
        """
        if product_id in self.existing_ids:
            return  # an update of a catalogue product, which is where it belongs
        close = self.existing_near.near(lat, lon)
        if close:
            dist = distance_m(lat, lon, self.existing_lat[close], self.existing_lon[close])
            # Nearest first, ties in catalogue order.
            for d, i in sorted(zip(dist.tolist(), close, strict=True)):
                if d <= DUPLICATE_DISTANCE_M and similar_names(name, self.existing_names[i]):
                    self.issue(
                        row,
                        "name",
                        "likely_duplicate_existing",
                        "warning",
                        other=self.existing_names[i],
                        other_id=self.existing_id_list[i],
                        distance_m=round(d),
                    )
                    return
        for i in self.earlier_near.near(lat, lon):
            number, other_id, other_name, other_lat, other_lon = self.earlier[i]
            if other_id == product_id:
                continue
            distance = float(distance_m(lat, lon, other_lat, other_lon)[0])
            if distance <= DUPLICATE_DISTANCE_M and similar_names(name, other_name):
                self.issue(
                    row,
                    "name",
                    "likely_duplicate_row",
                    "warning",
                    other=other_name,
                    other_row=number,
                    distance_m=round(distance),
                )
                return
