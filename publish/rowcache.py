"""What the catalogue-wide files need of each offering, kept between builds.

The map's markers and details, the search entries and the open-data rows are derived per
offering and stored beside the build's state, keyed by the offering's content hash. A build
derives them only for offerings that are new or changed (one after an approval) and joins
the rest from the previous build: after one approval, no catalogue-wide file is re-derived
from all 10,000 rows, only written again from the stored pieces.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from catalogue.exporting import CSV_DIALECTS, EXPORT_COLUMNS, _geojson_bytes, csv_bytes, export_rows
from catalogue.taxonomy import CATEGORY_BY_SLUG, LANGUAGES
from fairkit.offline import product_details
from geodata import DISTRICT_TERYTS, district_name, fold_text
from mapview.builder import product_rows
from publish.pages import Links, clean, localised, script_json

# Offerings outside the five districts (none today) still reach the map and the search.
OTHER_BUCKET = "other"
BUCKETS: tuple[str, ...] = (*DISTRICT_TERYTS, OTHER_BUCKET)
_HASHED_SKIP = {"search_text", "sort_name"}


def bucket_of(teryt: str) -> str:
    """The data file an offering of district ``teryt`` goes into."""
    return teryt if teryt in DISTRICT_TERYTS else OTHER_BUCKET


def row_hashes(frame: pd.DataFrame, photos: dict[str, dict | None]) -> dict[str, str]:
    """A content hash per offering id: every column of its row (pandas' vectorised 64-bit
    row hash over dtype-independent values) plus its photo's file, stamp, author and
    licence."""
    if frame.empty:
        return {}
    hashed = pd.util.hash_pandas_object(_comparable(frame), index=False).to_numpy(np.uint64)
    out = {}
    for pid, value in zip(frame["id"].astype(str), hashed, strict=True):
        photo = photos.get(pid)
        stamp = (
            "|".join(str(photo[k]) for k in ("file", "stamp", "author", "licence")) if photo else ""
        )
        out[pid] = f"{int(value):016x}:{stamp}"
    return out


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    # A column's dtype follows the whole catalogue (one missing flag turns a bool column
    # into object, a first decision time an all-None column into datetimes): every value
    # becomes text, missing ones "", numbers as floats, times as UTC microseconds, so a
    # row's hash depends on its own values only.
    columns = {}
    for col in frame.columns:
        if col in _HASHED_SKIP:
            continue
        values = frame[col]
        if isinstance(values.dtype, pd.StringDtype):
            columns[col] = values.fillna("")
            continue
        kind = pd.api.types.infer_dtype(values, skipna=True)
        missing = values.isna().to_numpy(bool, copy=True)
        if kind in ("datetime", "datetime64", "date"):
            micros = pd.to_datetime(values, utc=True, errors="coerce").astype("datetime64[us, UTC]")
            text = micros.astype("int64").astype(str)
            missing = missing | micros.isna().to_numpy(bool)
        elif kind in ("integer", "floating", "mixed-integer-float", "decimal"):
            text = values.astype("float64").astype(str)
        else:
            text = values.map(str)
        columns[col] = text.where(~missing, "")
    return pd.DataFrame(columns, index=frame.index)


@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (it is restored after, if it
    was on). A build makes hundreds of thousands of small containers that hold no cycles;
    each full collection walks them all."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load(path: Path, salt: str) -> dict[str, tuple[str, dict]]:
    """The pieces stored by the previous build (``{id: (hash, pieces)}``), or ``{}``."""
    # The cyclic garbage collector would walk the 150,000 new containers of 10,000 pieces
    # several times while they are read: half the reading time. They hold no cycles.
    try:
        with paused_collector(), open(path, "rb") as handle:
            stored = pickle.load(handle)  # noqa: S301 - written by this module, beside the state
    except (OSError, EOFError, pickle.PickleError, AttributeError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("salt") != salt:
        return {}
    return stored.get("rows", {})


def save(path: Path, salt: str, rows: dict[str, tuple[str, dict]]) -> None:
    """Store the pieces of this build (next to its state file)."""
    with open(path, "wb") as handle:
        pickle.dump({"salt": salt, "rows": rows}, handle, protocol=pickle.HIGHEST_PROTOCOL)


def derive(frame: pd.DataFrame, links: Links) -> dict[str, dict]:
    """The pieces of every offering of ``frame`` (usually the few that changed), serialised
    already, so that a catalogue-wide file is a join of stored strings:

    ``bucket``; ``search`` ``{lang: (sort key, JSON item)}``; ``marker`` and ``details``
    ``{lang: JSON}`` (only where the map shows the offering); ``feature`` (GeoJSON text);
    ``csv`` ``{dialect: CSV line(s)}``.
    """
    if frame.empty:
        return {}
    ids = frame["id"].astype(str).tolist()
    records = frame.to_dict("records")
    exported = export_rows(frame)
    pieces: dict[str, dict] = {
        pid: {"search": {}, "marker": {}, "details": {}, "csv": {}} for pid in ids
    }
    for lang in LANGUAGES:
        for row in product_rows(frame, lang):
            pieces[str(row[5])]["marker"][lang] = script_json(row)
        for pid, details in product_details(frame, lang).items():
            if lang in pieces[pid]["marker"]:
                pieces[pid]["details"][lang] = script_json(details)
        for pid, record in zip(ids, records, strict=True):
            item = _search_item(record, lang, links)
            pieces[pid]["search"][lang] = (item[4], item[2], script_json(item[:4]))
    features = json.loads(_geojson_bytes(exported))["features"]
    for pid, record, row, feature in zip(ids, records, exported, features, strict=True):
        piece = pieces[pid]
        piece["bucket"] = bucket_of(clean(record.get("district_teryt")))
        feature["properties"].pop("status", None)
        feature["id"] = feature["properties"]["id"]
        piece["feature"] = json.dumps(feature, ensure_ascii=False)
        values = [row[c] for c in EXPORT_COLUMNS]
        for dialect in CSV_DIALECTS:
            piece["csv"][dialect] = csv_bytes(EXPORT_COLUMNS, [values], dialect)[
                len(csv_header(dialect)) :
            ]
    return pieces


@functools.cache
def csv_header(dialect: str) -> bytes:
    """The BOM and header line of the catalogue CSV in ``dialect``."""
    return csv_bytes(EXPORT_COLUMNS, [], dialect)


def _search_item(row: dict, lang: str, links: Links) -> list[str]:
    """``[folded text, name, url, category · district, folded name]`` of the index search."""
    name, _ = localised(row, "name", lang)
    teryt = clean(row.get("district_teryt"))
    place = district_name(teryt, lang) if teryt else ""
    category = CATEGORY_BY_SLUG[row["category"]].label(lang)
    folded = fold_text(
        " ".join(
            [clean(row.get(f"name_{c}")) for c in LANGUAGES]
            + [clean(row.get("address")), clean(row.get("tags")), place, category]
        )
    )
    url = links.page("offer", row["id"], lang)
    return [folded, name, url, f"{category} · {place}", fold_text(name)]


def search_script(items: list[tuple[str, str, str]]) -> bytes:
    """One district's part of the index search (``<lang>/search/<bucket>.js``) from
    ``(sort key, url, JSON item)`` triples."""
    ordered = sorted(items, key=lambda it: (it[0], it[1]))
    body = ",".join(it[2] for it in ordered)
    return (f"(window.SITE_SEARCH_PARTS=window.SITE_SEARCH_PARTS||[]).push([{body}]);\n").encode()


def map_script(pieces: list[tuple[str, str, str]]) -> bytes:
    """One district's part of the map (``<lang>/map/<bucket>.js``) from ``(id, marker JSON,
    details JSON)``: marker rows and details as :func:`fairkit.offline.offline_map_html`
    reads them with ``data_scripts``."""
    markers = ",".join(m for _, m, _ in pieces)
    details = ",".join(f"{script_json(pid)}:{d}" for pid, _, d in pieces)
    return (
        f"(window.OFFLINE_MAP_PARTS=window.OFFLINE_MAP_PARTS||[]).push([[{markers}],{{{details}}}]);\n"
    ).encode()


def csv_file(lines: list[bytes], dialect: str) -> bytes:
    """The catalogue CSV from stored lines."""
    return csv_header(dialect) + b"".join(lines)


class BucketPieces:
    """The pieces of one build, kept per data bucket (district) and read only where needed.

    Each bucket's pieces are stored beside the build's state in
    ``<version>.pieces-<bucket>.pickle``, and the bucket's parts of the catalogue-wide open
    data (GeoJSON features, CSV lines in both dialects, already joined) in
    ``<version>.fragments-<bucket>.pickle``. After one approval only the changed offering's
    bucket is read and written again; the other buckets' files are hard links to the previous
    build's, and the open data is joined from their fragments without reading their pieces.
    """

    def __init__(
        self,
        previous: Path | None,
        salt: str,
        members: dict[str, list[str]],
        hashes: dict[str, str],
        unchanged: set[str],
        derive_rows: Callable[[list[str]], dict[str, dict]],
    ) -> None:
        """``previous`` is the previous version directory (None: derive everything);
        ``members`` the ids per bucket in output order; ``unchanged`` the buckets whose
        members and hashes equal the previous build's; ``derive_rows(ids)`` derives pieces."""
        self.previous, self.salt, self.members, self.hashes = previous, salt, members, hashes
        self.unchanged = unchanged if previous is not None else set()
        self._derive_rows = derive_rows
        self._pieces: dict[str, dict[str, dict]] = {}
        self._fragments: dict[str, dict[str, bytes]] = {}

    def of(self, bucket: str) -> dict[str, dict]:
        """The pieces of every member of ``bucket`` (stored ones reused, others derived)."""
        if bucket not in self._pieces:
            stored = (
                load(_bucket_path(self.previous, "pieces", bucket), self.salt)
                if self.previous is not None
                else {}
            )
            found, missing = {}, []
            for pid in self.members[bucket]:
                kept = stored.get(pid)
                if kept is not None and kept[0] == self.hashes[pid]:
                    found[pid] = kept[1]
                else:
                    missing.append(pid)
            found.update(self._derive_rows(missing) if missing else {})
            self._pieces[bucket] = found
        return self._pieces[bucket]

    def fragments(self, bucket: str) -> dict[str, bytes]:
        """The bucket's joined open-data parts: ``geojson`` (features joined with ", ") and
        ``csv:<dialect>`` (lines)."""
        if bucket not in self._fragments:
            stored = None
            if bucket in self.unchanged:
                stored = load(_bucket_path(self.previous, "fragments", bucket), self.salt) or None
            if stored is None:
                pieces = self.of(bucket)
                ids = self.members[bucket]
                stored = {"geojson": ", ".join(pieces[p]["feature"] for p in ids).encode()}
                for dialect in CSV_DIALECTS:
                    stored[f"csv:{dialect}"] = b"".join(pieces[p]["csv"][dialect] for p in ids)
            self._fragments[bucket] = stored
        return self._fragments[bucket]

    def save(self, version_dir: Path) -> None:
        """Store every bucket's pieces and fragments for the build of ``version_dir``."""
        for bucket in self.members:
            for kind, built in (("pieces", self._pieces), ("fragments", self._fragments)):
                target = _bucket_path(version_dir, kind, bucket)
                # An unchanged bucket not rebuilt in this build keeps the previous file.
                if bucket in self.unchanged and bucket not in built:
                    try:
                        os.link(_bucket_path(self.previous, kind, bucket), target)
                        continue
                    except OSError:
                        pass
                if kind == "pieces":
                    pieces = self.of(bucket)
                    rows = {p: (self.hashes[p], pieces[p]) for p in self.members[bucket]}
                else:
                    rows = self.fragments(bucket)
                save(target, self.salt, rows)


def _bucket_path(version_dir: Path, kind: str, bucket: str) -> Path:
    return version_dir.parent / f"{version_dir.name}.{kind}-{bucket}.pickle"


def remove_stored(version_dir: Path) -> None:
    """Delete what :class:`BucketPieces` stored for ``version_dir``."""
    for path in version_dir.parent.glob(f"{version_dir.name}.*.pickle"):
        path.unlink(missing_ok=True)


def joined_geojson(fragments: list[bytes]) -> bytes:
    """RFC 7946 FeatureCollection from the buckets' joined features."""
    body = b", ".join(f for f in fragments if f)
    return b'{"type": "FeatureCollection", "features": [' + body + b"]}\n"
