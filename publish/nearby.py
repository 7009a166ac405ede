"""Offerings near each other: the "nearby" list of every offering page, and which offering
pages a change can touch (its own and its old and new neighbours')."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata import distance_km
from publish.pages import NEARBY_LIMIT, NEARBY_RADIUS_KM

# Above this many changed offerings every offering page is recomputed (a full build).
INCREMENTAL_LIMIT = 300


def affected_offerings(
    frame: pd.DataFrame,
    hashes: dict[str, str],
    entry_hashes: dict[str, str],
    prev_rows: dict[str, list],
    incremental: bool,
) -> set[str]:
    """Offerings whose page may differ: changed ones, and those within the nearby radius of
    the old or new position of one whose name or place changed, came or went (a neighbour's
    page lists names and distances only); every offering for a first or large build.

    ``prev_rows`` is the last build's ``{id: [hash, lat, lon, entry hash]}``."""
    ids = set(hashes)
    if not incremental:
        return ids
    changed = {pid for pid, h in hashes.items() if pid not in prev_rows or prev_rows[pid][0] != h}
    gone = set(prev_rows) - ids
    if len(changed) + len(gone) > INCREMENTAL_LIMIT:
        return ids
    index = frame.set_index("id")
    here = {p: (float(index.at[p, "lat"]), float(index.at[p, "lon"])) for p in changed}

    def shown_nearby_changed(pid: str) -> bool:
        old = prev_rows.get(pid)
        return (
            old is None
            or len(old) < 4
            or old[3] != entry_hashes[pid]
            or (old[1], old[2]) != here[pid]
        )

    moved = {p for p in changed if shown_nearby_changed(p)} | gone
    points = [(prev_rows[p][1], prev_rows[p][2]) for p in moved if p in prev_rows]
    points += [here[p] for p in moved if p in here]
    affected = set(changed)
    lats, lons = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    all_ids = frame["id"].to_numpy()
    for lat, lon in points:
        near = distance_km(lat, lon, lats, lons) <= NEARBY_RADIUS_KM + 1e-9
        affected.update(all_ids[near].tolist())
    return affected


_DEG_LAT_KM = 111.0


class Neighbours:
    """The offerings near each offering, by the rule of
    :func:`catalogue.filters.nearby_products` (``distance_km`` within the radius, nearest
    first, ties by id) on numpy arrays: a latitude band found by binary search, a longitude
    box, then the exact distance for the few candidates. A pandas filter and sort per
    offering was a third of a full build."""

    def __init__(self, ids, lats, lons) -> None:
        self.ids = np.asarray(ids, dtype=object)
        self.lats = np.asarray(lats, dtype=float)
        self.lons = np.asarray(lons, dtype=float)
        self.order = np.argsort(self.lats, kind="stable")
        self.sorted_lats = self.lats[self.order]

    def of(self, i: int) -> list[tuple[str, float]]:
        """(id, km) of at most ``NEARBY_LIMIT`` offerings near row ``i``, nearest first."""
        lat, lon = float(self.lats[i]), float(self.lons[i])
        dlat = NEARBY_RADIUS_KM / _DEG_LAT_KM * 1.05
        dlon = dlat / max(np.cos(np.radians(lat)), 0.1)
        lo = np.searchsorted(self.sorted_lats, lat - dlat, side="left")
        hi = np.searchsorted(self.sorted_lats, lat + dlat, side="right")
        band = self.order[lo:hi]
        band = band[np.abs(self.lons[band] - lon) <= dlon]
        km = distance_km(lat, lon, self.lats[band], self.lons[band])
        near = km <= NEARBY_RADIUS_KM
        band, km = band[near], km[near]
        ids = self.ids[band]
        pid = self.ids[i]
        keep = ids != pid
        ids, km = ids[keep], km[keep]
        ranked = np.lexsort((ids.astype(str), km))[:NEARBY_LIMIT]
        return [(str(ids[j]), float(km[j])) for j in ranked]
