"""Build the static site from the published catalogue: incremental, atomic, one at a time.

Layout on disk, for ``--out DIR``::

    DIR -> .DIR.versions/000042      (a symlink, swapped atomically with rename(2))
    .DIR.versions/000041/…           (the previous version, kept for readers mid-request)
    .DIR.versions/000042.state.json  (what was built: content keys and hashes per file)
    .DIR.versions/000042.pieces-1804.pickle, .fragments-1804.pickle …  (per district:
                                      publish.rowcache.BucketPieces)
    .DIR.versions/000042/pl/offer -> ../../pages/pl/offer   (likewise partner; en, uk)
    .DIR.versions/pages/…            (offering and partner pages, shared: publish.pagestore)
    .DIR.lock                        (flock: a second build waits for the first)

Each build makes a new version directory. A page whose inputs did not change is not even
rendered; a page that renders to the same bytes as before is not written either: both are
hard links to the previous version's file, so their bytes and mtimes stay. The offering and
partner pages, nearly all files, are not linked per version but kept in one shared directory
whose pages are replaced one by one with rename(2), new ones before the swap and removed ones
after it (``publish.pagestore``). Readers (nginx, Streamlit's static serving) follow the symlinks
per request and never see a half-written file or a link to a missing page. Only published offerings are read (``products_frame``), only reviewed photos
(``published_photos``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd

from catalogue.filters import prepare_frame
from catalogue.partners import listed_partners
from catalogue.photos import resolve as resolve_photo
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import CATEGORY_BY_SLUG, LANGUAGES, sector_label
from fairkit.offline import offline_map_html
from fairkit.pdf_common import public_base_url, public_site_url, site_page_path
from geodata import DISTRICT_TERYTS, distance_km, district_name, fold_text
from mapview.tiles import load_tile_config
from publish import opendata, rowcache
from publish.pages import (
    ENTRY_COLUMNS,
    NEARBY_LIMIT,
    NEARBY_RADIUS_KM,
    TEMPLATE_DIR,
    Links,
    clean,
    district_context,
    entry,
    environment,
    index_context,
    offer_context,
    partner_context,
    render,
)
from publish.pagestore import SharedPages, is_shared_page, sha256_hex
from publish.text import text

log = logging.getLogger("publish")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "static" / "site"
OUT_ENV = "PUBLIC_SITE_DIR"
KEEP_VERSIONS = 2
# Above this many changed offerings every offering page is recomputed (a full build).
INCREMENTAL_LIMIT = 300
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_SAFE_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")


def default_out_dir() -> Path:
    """Where the site goes: ``PUBLIC_SITE_DIR``, else ``static/site/`` (served at
    ``/app/static/site/`` by the app's static serving)."""
    configured = os.environ.get(OUT_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_OUT


def site_url_for(base_url: str | None = None, site_url: str | None = None) -> str:
    """The site's public address: ``site_url``/``PUBLIC_SITE_URL``, else the app's
    ``PUBLIC_BASE_URL`` + ``/app/static/site`` (the embedded default)."""
    return public_site_url(site_url) or f"{public_base_url(base_url)}/app/static/site"


@dataclass
class BuildResult:
    """What a build did: files ``written`` (new bytes), ``kept`` (linked unchanged),
    ``removed`` (paths of the previous version that are gone), in ``seconds``."""

    out_dir: Path
    version_dir: Path
    catalogue_version: int
    offerings: int
    written: list[str] = field(default_factory=list)
    kept: int = 0
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def files(self) -> int:
        return len(self.written) + self.kept


@dataclass
class _Output:
    key: str
    make: Callable[[], bytes] | None = None
    source: Path | None = None


def _key(*parts) -> str:
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def _code_version() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in sorted([*here.glob("*.py"), *TEMPLATE_DIR.iterdir()]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _database_id(url: str) -> str:
    # The state names the database the site came from without keeping its password.
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


# -- locking, versions and the atomic swap ------------------------------------------------


def _versions_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.versions"


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_version_dir(out: Path) -> Path | None:
    """The version directory ``out`` points at, or None before the first build."""
    if out.is_symlink():
        target = out.parent / os.readlink(out)
        return target if target.is_dir() else None
    if out.exists():
        raise ValueError(
            f"{out} exists and is not a site built by publish (a symlink to a version "
            "directory): move it away or choose another --out"
        )
    return None


def load_state(out: str | os.PathLike) -> dict:
    """The state of the current build of the site at ``out`` (empty before the first)."""
    out = Path(out)
    current = current_version_dir(out)
    if current is None:
        return {}
    path = current.parent / f"{current.name}.state.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _swap(out: Path, version_dir: Path) -> None:
    temp = out.parent / f".{out.name}.swap-{os.getpid()}-{threading.get_ident()}"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    os.symlink(os.path.relpath(version_dir, out.parent), temp)
    os.replace(temp, out)  # rename(2) over the old symlink: atomic for every reader


def _clean_old_versions(versions: Path, keep: Path) -> None:
    numbered = sorted(p for p in versions.iterdir() if p.is_dir() and p.name.isdigit())
    for old in numbered[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
            (versions / f"{old.name}.state.json").unlink(missing_ok=True)
            rowcache.remove_stored(old)


def _next_version_dir(versions: Path) -> Path:
    versions.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name) for p in versions.iterdir() if p.name.isdigit()]
    path = versions / f"{(max(numbers) + 1) if numbers else 1:06d}"
    path.mkdir()
    return path


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# -- reading the catalogue ----------------------------------------------------------------


def _published(store: CatalogueStore) -> pd.DataFrame:
    frame = prepare_frame(store.products_frame())
    ok = (
        frame["id"].astype(str).str.match(_SAFE_ID)
        & frame["category"].isin(CATEGORY_BY_SLUG)
        & frame["lat"].notna()
        & frame["lon"].notna()
    )
    return frame[ok.to_numpy(dtype=bool)].reset_index(drop=True)


def _first_photo(rows: list[dict]) -> dict | None:
    for photo in rows:
        try:
            path = resolve_photo(str(photo.get("path") or ""))
        except ValueError:
            continue  # a path outside the photo directory is never opened
        name = f"{photo['id']}{path.suffix.lower()}"
        if path.is_file() and _SAFE_FILE.match(name):
            return {
                "file": name,
                "source": str(path),
                "width": int(photo.get("width") or 0),
                "height": int(photo.get("height") or 0),
                "stamp": f"{path.stat().st_size}:{path.stat().st_mtime_ns}",
                "author": str(photo.get("author") or ""),
                "licence": str(photo.get("licence") or ""),
            }
    return None


# -- the build ----------------------------------------------------------------------------


def build_site(
    store: CatalogueStore,
    out_dir: str | os.PathLike | None = None,
    *,
    base_url: str | None = None,
    site_url: str | None = None,
    licence: str | None = None,
    full: bool = False,
) -> BuildResult:
    """Build the static site of ``store``'s published catalogue into ``out_dir``.

    ``base_url`` is the app's address (``PUBLIC_BASE_URL``), ``site_url`` the site's
    (``PUBLIC_SITE_URL``, default ``<base>/app/static/site``); ``licence`` a code of
    :data:`publish.opendata.LICENCES` (``PUBLIC_DATA_LICENCE``, default CC BY 4.0).
    ``full`` re-renders every page (unchanged bytes are still kept). Concurrent calls queue
    on a file lock; readers see the old site until the new one is complete.
    """
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    out = out.parent.resolve() / out.name
    links = Links(site_url_for(base_url, site_url), public_base_url(base_url))
    licence = opendata.check_licence(
        licence or os.environ.get(opendata.LICENCE_ENV, "").strip() or opendata.DEFAULT_LICENCE
    )
    # Without the cyclic collector: its full passes over the build's objects (and, in the
    # app, over the whole process) were a tenth of an incremental build; the build makes
    # no garbage cycles to speak of, and the collector runs again after it.
    with _locked(out), rowcache.paused_collector():
        return _build(store, out, links, licence, full)


def _build(store: CatalogueStore, out: Path, links: Links, licence: str, full: bool) -> BuildResult:
    started = time.perf_counter()
    version = store.catalogue_version()  # read first: a write during the build is seen next time
    frame = _published(store)
    partners = store.partners_frame()
    photo_rows = store.published_photos()
    ids = frame["id"].astype(str).tolist()
    photos = {pid: _first_photo(photo_rows[pid]) if pid in photo_rows else None for pid in ids}
    hashes = rowcache.row_hashes(frame, photos)

    current = current_version_dir(out)
    prev = load_state(out) if current is not None else {}
    salt = _key(links.site, links.app, licence, _code_version())
    shared_pages = SharedPages(_versions_dir(out), fresh=current is None)
    # Shared pages are known by the shared folder's own record only (a version of an older
    # layout, or a lost record, lists pages the folder may not hold: they are rendered).
    prev_files: dict[str, list[str]] = (
        {
            **{p: v for p, v in prev.get("files", {}).items() if not is_shared_page(p)},
            **shared_pages.files,
        }
        if current is not None
        else {}
    )
    prev_keys = (
        {p: v[0] for p, v in prev_files.items()} if prev.get("salt") == salt and not full else {}
    )
    prev_rows: dict[str, list] = prev.get("rows", {})

    now = datetime.now(UTC).replace(microsecond=0)
    removed = {
        k: v
        for k, v in prev.get("removed", {}).items()
        if k not in hashes
        and datetime.fromisoformat(v) > now - timedelta(days=opendata.REMOVALS_KEPT_DAYS)
    }
    for pid in prev_rows:
        if pid not in hashes:
            removed[pid] = now.isoformat()

    # A list or a neighbour's "nearby" shows each member's entry only
    # (publish.pages.ENTRY_COLUMNS) and its position.
    entry_hashes = rowcache.row_hashes(frame[[c for c in ENTRY_COLUMNS if c in frame]], {})
    affected = _affected(frame, hashes, entry_hashes, prev_rows, bool(prev_keys))
    env = environment()
    outputs: dict[str, _Output] = {}
    by_id = {pid: i for i, pid in enumerate(ids)}
    names = _names(frame)

    # Offering pages: recomputed only where the offering or one near it changed.
    lats, lons = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    neighbours = _Neighbours(frame["id"].to_numpy(), lats, lons)
    todo = []
    # Ids are safe file names (_SAFE_ID, checked in _published): the paths of
    # site_page_path("offer", …) without its checks, 30,000 times.
    for pid in ids:
        paths = [f"{lang}/offer/{pid}.html" for lang in LANGUAGES]
        if pid not in affected and all(p in prev_keys for p in paths):
            for path in paths:
                outputs[path] = _Output(prev_keys[path])
        else:
            todo.append(pid)

    # Lists are keyed by what they show (their rows' hashes); their rows are read below
    # only where that changed, so an approval re-renders one partner's and one district's.
    listed = listed_partners(partners, frame)
    by_partner: dict[str, list[str]] = {}
    by_district: dict[str, list[str]] = {}
    by_bucket: dict[str, list[str]] = {b: [] for b in rowcache.BUCKETS}
    for pid, partner_id, teryt in zip(
        ids, frame["partner_id"].map(clean), frame["district_teryt"].map(clean), strict=True
    ):
        by_partner.setdefault(partner_id, []).append(pid)
        by_district.setdefault(teryt, []).append(pid)
        by_bucket[rowcache.bucket_of(teryt)].append(pid)

    def signature(members: list[str], by: dict[str, str] = entry_hashes) -> list[str]:
        return sorted(f"{pid}={by[pid]}" for pid in members)

    lists = []  # (kind, subject, path, key, members)
    partner_pages = []
    for partner in listed.to_dict("records"):
        partner_id = clean(partner["id"])
        if not _SAFE_ID.match(partner_id):
            continue
        partner_pages.append(partner)
        members = by_partner.get(partner_id, [])
        sig = _key("partner", partner, signature(members))
        for lang in LANGUAGES:
            path = site_page_path("partner", partner_id, lang)
            lists.append(("partner", partner, lang, path, _key(sig, lang), members))
    for teryt in DISTRICT_TERYTS:
        members = by_district.get(teryt, [])
        sig = _key("district", teryt, signature(members))
        for lang in LANGUAGES:
            path = site_page_path("district", teryt, lang)
            lists.append(("district", teryt, lang, path, _key(sig, lang), members))
    needed = set(todo)
    for _kind, _subject, _lang, path, key, members in lists:
        if prev_keys.get(path) != key:
            needed.update(members)
    # One conversion to plain rows for everything that is rendered (per page it was most
    # of a full build).
    order = sorted(by_id[pid] for pid in needed)
    records = dict(zip((ids[i] for i in order), frame.iloc[order].to_dict("records"), strict=True))
    for kind, subject, lang, path, key, members in lists:
        if prev_keys.get(path) == key:
            outputs[path] = _Output(key)
        else:
            rows = [records[m] for m in members]
            outputs[path] = _Output(key, _list_maker(env, kind, subject, rows, lang, links))

    for pid in todo:
        row = records[pid]
        near = neighbours.of(by_id[pid])
        nearby = [
            {"id": n, "names": {lang: names[lang][by_id[n]] for lang in LANGUAGES}, "km": km}
            for n, km in near
        ]
        photo = photos.get(pid)
        for lang in LANGUAGES:
            ctx = offer_context(row, lang, links, nearby, photo)
            ctx["asset_prefix"] = "../../"
            path = site_page_path("offer", pid, lang)
            outputs[path] = _Output(_key(ctx), _maker(env, "offer.html", ctx))
    for photo in photos.values():
        if photo:
            outputs[f"photos/{photo['file']}"] = _Output(
                photo["stamp"], source=Path(photo["source"])
            )

    stamps = _stamps(frame)
    newest = max((s for s in stamps if s is not None), default=None)
    as_of = (newest or datetime(2000, 1, 1, tzinfo=UTC)).date()
    bucket_sigs = {b: _key(b, signature(m, hashes)) for b, m in by_bucket.items()}
    # Per-offering pieces of the catalogue-wide files, per bucket: read and derived only for
    # buckets that changed (publish.rowcache.BucketPieces).
    prev_sigs = prev.get("bucket_sigs", {}) if prev.get("salt") == salt and not full else {}
    pieces = rowcache.BucketPieces(
        current,
        salt,
        by_bucket,
        hashes,
        {b for b in by_bucket if prev_sigs.get(b) == bucket_sigs[b]},
        lambda wanted: rowcache.derive(frame.iloc[[by_id[p] for p in wanted]], links),
    )
    # Online tiles only where the operator configured them (mapview.tiles); otherwise
    # the schematic base inside the page, which works with no network at all.
    tiles = load_tile_config()
    basemap = "online" if "online" in tiles.basemaps else "offline"
    for lang in LANGUAGES:
        ctx = index_context(
            lang,
            links,
            len(frame),
            [
                {
                    "name": district_name(t, lang),
                    "url": links.page("district", t, lang),
                    "count": len(by_district.get(t, [])),
                }
                for t in DISTRICT_TERYTS
            ],
            [
                {
                    "name": clean(p["name"]),
                    "url": links.page("partner", clean(p["id"]), lang),
                    "social": clean(p.get("sector")) == "social_economy",
                    "sector": sector_label("social_economy", lang),
                }
                for p in sorted(partner_pages, key=lambda p: fold_text(clean(p["name"])))
            ],
            [
                {"url": links.root(f"data/{name}"), "label": text(label, lang)}
                for name, _media, label in opendata.DATA_FILES
            ],
            opendata.licence_info(licence),
        )
        ctx["asset_prefix"] = "../"
        ctx["search_scripts"] = [f"search/{b}.js" for b in rowcache.BUCKETS]
        outputs[f"{lang}/index.html"] = _Output(_key(ctx), _maker(env, "index.html", ctx))
        for bucket in by_bucket:
            outputs[f"{lang}/search/{bucket}.js"] = _Output(
                _key("search", lang, bucket_sigs[bucket]),
                _search_maker(pieces, bucket, lang),
            )
            outputs[f"{lang}/map/{bucket}.js"] = _Output(
                _key("map", lang, bucket_sigs[bucket]),
                _map_data_maker(pieces, bucket, lang),
            )
        outputs[f"{lang}/map.html"] = _Output(
            _key("map-page", lang, str(as_of), basemap, repr(tiles)),
            _map_maker(frame.iloc[:0], lang, as_of, basemap, tiles),
        )
    outputs["index.html"] = _Output(_key("root", links.site), lambda: _root_index(links))
    for asset in ("style.css", "search.js"):
        source = TEMPLATE_DIR / asset
        outputs[asset] = _Output(sha256_hex(source.read_bytes()), source.read_bytes)
    html_paths = sorted(p for p in outputs if p.endswith(".html") and "/" in p)
    outputs["sitemap.xml"] = _Output(
        _key("sitemap", html_paths, links.site), lambda: _sitemap(html_paths, links)
    )
    outputs["robots.txt"] = _Output(
        _key("robots", links.site),
        lambda: f"User-agent: *\nAllow: /\nSitemap: {links.root('sitemap.xml')}\n".encode(),
    )
    _open_data(outputs, frame, ids, pieces, hashes, stamps, removed, links, licence)

    prev_shared = list(shared_pages.files)  # before this build adds its pages
    result = _write_version(out, current, prev_files, prev_keys, outputs, shared_pages)
    state = {
        "salt": salt,
        "catalogue_version": version,
        "database": _database_id(store.url),
        "built_at": now.isoformat(),
        "rows": {
            pid: [h, float(lats[by_id[pid]]), float(lons[by_id[pid]]), entry_hashes[pid]]
            for pid, h in hashes.items()
        },
        "removed": removed,
        "bucket_sigs": bucket_sigs,
        "files": result.pop("files"),
    }
    version_dir = result["version_dir"]
    pieces.save(version_dir)
    state_path = version_dir.parent / f"{version_dir.name}.state.json"
    state_path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    _swap(out, version_dir)
    # Only now that no served version lists them: the pages of offerings and partners taken
    # off the site.
    shared_pages.remove(p for p in prev_shared if p not in outputs)
    _clean_old_versions(version_dir.parent, version_dir)
    build = BuildResult(
        out_dir=out,
        version_dir=version_dir,
        catalogue_version=version,
        offerings=len(frame),
        written=result["written"],
        kept=result["kept"],
        removed=sorted(set(prev_files) - set(outputs)),
        seconds=time.perf_counter() - started,
    )
    log.info(
        "published %d offerings: %d files written, %d kept, %d removed in %.2f s",
        build.offerings,
        len(build.written),
        build.kept,
        len(build.removed),
        build.seconds,
    )
    return build


def _names(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Every offering's name per language, Polish where a translation is missing
    (:func:`publish.pages.localised`, column-wise)."""
    polish = frame["name_pl"].map(clean)
    out = {"pl": polish.tolist()}
    for lang in LANGUAGES:
        if lang != "pl":
            own = frame[f"name_{lang}"].map(clean)
            out[lang] = own.where(own != "", polish).tolist()
    return out


def _stamps(frame: pd.DataFrame) -> list[datetime | None]:
    """:func:`publish.opendata.updated_at` of every row, column-wise."""
    found = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    for col in ("updated_at", "decided_at", "created_at"):
        if col in frame.columns:
            found = found.fillna(pd.to_datetime(frame[col], utc=True, errors="coerce"))
    # Whole seconds, converted in one call (a Timestamp per row was a tenth of a build).
    return [None if s is pd.NaT else s for s in found.dt.floor("s").dt.to_pydatetime()]


def _open_data(outputs, frame, ids, pieces, hashes, stamps, removed, links, licence) -> None:
    """The open-data files: joined from the stored per-offering pieces (no per-row work)."""
    everything = _key(sorted(hashes.items()))
    host = urlsplit(links.site).hostname or "localhost"
    events = (frame["event_start"].notna() | frame["event_end"].notna()).to_numpy(bool)
    event_idx = np.flatnonzero(events).tolist()
    event_key = _key("ics", sorted(f"{ids[i]}={hashes[ids[i]]}" for i in event_idx))
    newest = max((s for s in stamps if s is not None), default=None)
    changes = [(pid, s.isoformat() if s else None) for pid, s in zip(ids, stamps, strict=True)]
    # Offerings district by district (the buckets' order), each bucket's part joined once.
    outputs["data/catalogue.geojson"] = _Output(
        _key("geojson", everything),
        lambda: rowcache.joined_geojson([pieces.fragments(b)["geojson"] for b in rowcache.BUCKETS]),
    )
    for name, dialect in (("catalogue.csv", "standard"), ("catalogue-excel.csv", "excel-pl")):
        outputs[f"data/{name}"] = _Output(
            _key("csv", dialect, everything),
            lambda d=dialect: rowcache.csv_file(
                [pieces.fragments(b)[f"csv:{d}"] for b in rowcache.BUCKETS], d
            ),
        )
    outputs["data/events.ics"] = _Output(
        event_key,
        lambda: opendata.ics_bytes(frame.iloc[event_idx], links, host),
    )
    outputs["data/changes.json"] = _Output(
        _key("changes", changes, removed), lambda: opendata.changes_bytes(changes, removed, links)
    )
    outputs["data/dcat.jsonld"] = _Output(
        _key("dcat", newest, len(frame)),
        lambda: opendata.dcat_bytes(
            links, licence, newest.isoformat() if newest else None, len(frame)
        ),
    )


def _maker(env, template: str, ctx: dict) -> Callable[[], bytes]:
    return lambda: render(env, template, ctx)


def _sorted_entries(rows: list[dict], lang: str, links: Links) -> list[dict]:
    items = [entry(row, lang, links) for row in rows]
    return sorted(items, key=lambda e: (fold_text(e["name"]), e["url"]))


def _affected(
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


class _Neighbours:
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


def _list_maker(env, kind, subject, rows, lang, links) -> Callable[[], bytes]:
    def make() -> bytes:
        offers = _sorted_entries(rows, lang, links)
        if kind == "partner":
            ctx = partner_context(subject, offers, lang, links)
        else:
            ctx = district_context(subject, offers, lang, links)
        ctx["asset_prefix"] = "../../"
        return render(env, f"{kind}.html", ctx)

    return make


def _search_maker(pieces: rowcache.BucketPieces, bucket: str, lang: str) -> Callable[[], bytes]:
    def make() -> bytes:
        of = pieces.of(bucket)
        return rowcache.search_script([of[m]["search"][lang] for m in pieces.members[bucket]])

    return make


def _map_data_maker(pieces: rowcache.BucketPieces, bucket: str, lang: str) -> Callable[[], bytes]:
    def make() -> bytes:
        of = pieces.of(bucket)
        shown = [
            (pid, of[pid]["marker"][lang], of[pid]["details"][lang])
            for pid in pieces.members[bucket]
            if lang in of[pid]["marker"]
        ]
        return rowcache.map_script(shown)

    return make


def _map_maker(empty: pd.DataFrame, lang: str, as_of, basemap, tiles) -> Callable[[], bytes]:
    def make() -> bytes:
        page = offline_map_html(
            empty,
            lang=lang,
            basemap=basemap,
            as_of=as_of,
            tiles=tiles,
            data_scripts=tuple(f"map/{b}.js" for b in rowcache.BUCKETS),
        )
        # folium names its elements with random ids; number them so that a rebuild of the
        # same catalogue gives the same bytes.
        return _stable_ids(page).encode("utf-8")

    return make


_FOLIUM_ID = re.compile(r"\b([a-z_]+)_([0-9a-f]{32})\b")


def _stable_ids(page: str) -> str:
    seen: dict[str, str] = {}

    def number(match: re.Match) -> str:
        token = match.group(2)
        seen.setdefault(token, f"{len(seen):032x}")
        return f"{match.group(1)}_{seen[token]}"

    return _FOLIUM_ID.sub(number, page)


def _root_index(links: Links) -> bytes:
    target = links.index("pl")
    alternates = "\n".join(
        f'<link rel="alternate" hreflang="{c}" href="{links.index(c)}">' for c in LANGUAGES
    )
    choices = " · ".join(
        f'<a href="{c}/index.html" hreflang="{c}">{text("site_title", c)}</a>' for c in LANGUAGES
    )
    page = (
        '<!DOCTYPE html>\n<html lang="pl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{text('site_title', 'pl')} · {text('cluster_name', 'pl')}</title>\n"
        f'<meta name="description" content="{text("cluster_name", "pl")}">\n'
        f'<link rel="canonical" href="{target}">\n{alternates}\n'
        f'<link rel="alternate" hreflang="x-default" href="{target}">\n'
        '<meta http-equiv="refresh" content="0; url=pl/index.html">\n</head>\n'
        f"<body><p>{choices}</p></body>\n</html>\n"
    )
    return page.encode("utf-8")


def _sitemap(html_paths: list[str], links: Links) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path in html_paths:
        if path.endswith("/map.html"):
            continue
        lines.append(f"<url><loc>{xml_escape(links.root(path))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write_version(
    out: Path,
    current: Path | None,
    prev_files: dict[str, list[str]],
    prev_keys: dict[str, str],
    outputs: dict[str, _Output],
    shared_pages: SharedPages,
) -> dict:
    """Write the new version directory; unchanged files are hard links to the current one.
    Offering and partner pages go to the shared store (``publish.pagestore``), before the
    swap.

    Plain ``os`` calls on string paths, each directory made once: at 30,000 files the
    ``pathlib`` objects, ``is_file`` checks and ``mkdir`` calls per file were most of a
    build that changed nothing."""
    # One match per path (33,000 at 10,000 offerings), in the outputs' order.
    shared = dict.fromkeys(p for p in outputs if is_shared_page(p))
    written_pages = shared_pages.write(
        ((p, outputs[p].key, outputs[p].make) for p in shared), trust_keys=bool(prev_keys)
    )
    version_dir = _next_version_dir(_versions_dir(out))
    new_root = str(version_dir)
    old_root = str(current) if current is not None else None
    made: set[str] = set()
    written: list[str] = []
    kept = 0
    files: dict[str, list[str]] = {}

    def place(path: str) -> str:
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(os.path.join(new_root, folder), exist_ok=True)
            made.add(folder)
        return os.path.join(new_root, path)

    def link(source: str, target: str) -> bool:
        try:
            os.link(source, target)
        except FileNotFoundError:
            return False
        except OSError:
            shutil.copy2(source, target)
        return True

    try:
        shared_pages.link_into(version_dir, LANGUAGES)
        for lang in LANGUAGES:
            made.add(lang)
        for path, output in outputs.items():
            if path in shared:
                continue
            target = place(path)
            old = os.path.join(old_root, path) if old_root and path in prev_files else None
            if old and prev_keys.get(path) == output.key and link(old, target):
                files[path] = [output.key, prev_files[path][1]]
                kept += 1
                continue
            if output.source is not None:
                _link_or_copy(output.source, Path(target))
                files[path] = [output.key, output.key]
                written.append(path)
                continue
            if output.make is None:
                raise RuntimeError(f"no previous file and no renderer for {path}")
            data = output.make()
            digest = sha256_hex(data)
            if not (old and prev_files[path][1] == digest and link(old, target)):
                with open(target, "wb") as handle:
                    handle.write(data)
                written.append(path)
            else:
                kept += 1
            files[path] = [output.key, digest]
    except BaseException:
        shutil.rmtree(version_dir, ignore_errors=True)
        raise
    pages = len(shared)
    return {
        "version_dir": version_dir,
        "written": written_pages + written,
        "kept": kept + pages - len(written_pages),
        "files": files,
    }


# -- rebuilding from the app --------------------------------------------------------------


class _Rebuilder(threading.Thread):
    """One daemon thread per (database, site): waits for requests, lets them settle for
    ``delay`` seconds, rebuilds if the catalogue version moved; also polls every ``poll`` s
    so that writes from another process (``python -m catalogue import``) are picked up."""

    def __init__(self, store: CatalogueStore, out: Path, delay: float, poll: float) -> None:
        super().__init__(name=f"publish-{out.name}", daemon=True)
        self.store, self.out, self.delay, self.poll = store, out, delay, poll
        self.wake = threading.Event()
        self.last_result: BuildResult | None = None
        self.last_error: BaseException | None = None

    def run(self) -> None:  # pragma: no cover - timing-driven; exercised by tests via wake
        while True:
            self.wake.wait(self.poll)
            while self.wake.is_set():  # debounce: a burst of approvals is one rebuild
                self.wake.clear()
                time.sleep(self.delay)
            try:
                self.rebuild_if_needed()
            except Exception as exc:  # noqa: BLE001 - a failed build must never stop the app
                self.last_error = exc
                log.exception("publishing the static site failed")

    def rebuild_if_needed(self) -> BuildResult | None:
        state = load_state(self.out)
        # Only a site built from this very database is kept up to date: a test or another
        # catalogue never overwrites it.
        if not state or state.get("database") != _database_id(self.store.url):
            return None
        if state.get("catalogue_version") == self.store.catalogue_version():
            return None
        self.last_result = build_site(self.store, self.out)
        return self.last_result


_rebuilders: dict[tuple[str, str], _Rebuilder] = {}
_rebuilders_lock = threading.Lock()


def rebuild_in_background(
    store: CatalogueStore,
    out_dir: str | os.PathLike | None = None,
    delay: float = 1.0,
    poll: float = 30.0,
) -> _Rebuilder:
    """Ask for a rebuild of the static site after a change (never blocks the caller).

    Debounced in a daemon thread: requests within ``delay`` seconds make one build, and it
    runs only if the catalogue changed since the site was built from this database. Call it
    wherever staff or partners change what is public (approve, archive, import, photos).
    """
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    out = out.parent.resolve() / out.name
    key = (store.url, str(out))
    with _rebuilders_lock:
        worker = _rebuilders.get(key)
        if worker is None or not worker.is_alive():
            worker = _Rebuilder(store, out, delay, poll)
            _rebuilders[key] = worker
            worker.start()
    worker.wake.set()
    return worker
