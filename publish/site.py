"""Build the static site from the published catalogue: incremental, atomic, one at a time.

Each build makes a new version directory. A page whose inputs did not change is not even
rendered; a page that renders to the same bytes as before is not written either: both are
hard links to the previous version's file, so their bytes and mtimes stay. The offering and
partner pages, nearly all files, are not linked per version but kept in one shared directory
whose pages are replaced one by one with rename(2), new ones before the swap and removed ones
after it (``publish.pagestore``). Readers (nginx, Streamlit's static serving) follow the symlinks
per request and never see a half-written file or a link to a missing page. Only published offerings are read (``products_frame``), only reviewed photos
(``published_photos``).

The version folders, their lock and the swap are :mod:`publish.versions`; the makers of the
files :mod:`publish.makers`; the nearby lists and what a change touches :mod:`publish.nearby`;
the rebuild after a change in the app :mod:`publish.rebuilder`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from catalogue.filters import prepare_frame
from catalogue.partners import listed_partners
from catalogue.photos import resolve as resolve_photo
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import CATEGORY_BY_SLUG, LANGUAGES, sector_label
from fairkit.pdf_common import public_base_url, public_site_url, site_page_path
from geodata import DISTRICT_TERYTS, district_name, fold_text
from mapview.tiles import load_tile_config
from publish import opendata, rowcache
from publish.makers import (
    list_maker,
    map_data_maker,
    map_maker,
    page_maker,
    root_index,
    search_maker,
    sitemap,
)
from publish.nearby import Neighbours, affected_offerings
from publish.pages import (
    ENTRY_COLUMNS,
    TEMPLATE_DIR,
    Links,
    clean,
    environment,
    index_context,
    offer_context,
)
from publish.pagestore import SharedPages, is_shared_page, sha256_hex
from publish.text import text
from publish.versions import (
    Output,
    clean_old_versions,
    current_version_dir,
    load_state,
    locked,
    swap,
    versions_dir,
    write_version,
)

log = logging.getLogger("publish")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "static" / "site"
OUT_ENV = "PUBLIC_SITE_DIR"
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


def database_id(url: str) -> str:
    # The state names the database the site came from without keeping its password.
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


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
    with locked(out), rowcache.paused_collector():
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
    shared_pages = SharedPages(versions_dir(out), fresh=current is None)
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
    affected = affected_offerings(frame, hashes, entry_hashes, prev_rows, bool(prev_keys))
    env = environment()
    outputs: dict[str, Output] = {}
    by_id = {pid: i for i, pid in enumerate(ids)}
    names = _names(frame)

    # Offering pages: recomputed only where the offering or one near it changed.
    lats, lons = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    neighbours = Neighbours(frame["id"].to_numpy(), lats, lons)
    todo = []
    # Ids are safe file names (_SAFE_ID, checked in _published): the paths of
    # site_page_path("offer", …) without its checks, 30,000 times.
    for pid in ids:
        paths = [f"{lang}/offer/{pid}.html" for lang in LANGUAGES]
        if pid not in affected and all(p in prev_keys for p in paths):
            for path in paths:
                outputs[path] = Output(prev_keys[path])
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
            outputs[path] = Output(key)
        else:
            rows = [records[m] for m in members]
            outputs[path] = Output(key, list_maker(env, kind, subject, rows, lang, links))

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
            outputs[path] = Output(_key(ctx), page_maker(env, "offer.html", ctx))
    for photo in photos.values():
        if photo:
            outputs[f"photos/{photo['file']}"] = Output(
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
        outputs[f"{lang}/index.html"] = Output(_key(ctx), page_maker(env, "index.html", ctx))
        for bucket in by_bucket:
            outputs[f"{lang}/search/{bucket}.js"] = Output(
                _key("search", lang, bucket_sigs[bucket]),
                search_maker(pieces, bucket, lang),
            )
            outputs[f"{lang}/map/{bucket}.js"] = Output(
                _key("map", lang, bucket_sigs[bucket]),
                map_data_maker(pieces, bucket, lang),
            )
        outputs[f"{lang}/map.html"] = Output(
            _key("map-page", lang, str(as_of), basemap, repr(tiles)),
            map_maker(frame.iloc[:0], lang, as_of, basemap, tiles),
        )
    outputs["index.html"] = Output(_key("root", links.site), lambda: root_index(links))
    for asset in ("style.css", "search.js"):
        source = TEMPLATE_DIR / asset
        outputs[asset] = Output(sha256_hex(source.read_bytes()), source.read_bytes)
    html_paths = sorted(p for p in outputs if p.endswith(".html") and "/" in p)
    outputs["sitemap.xml"] = Output(
        _key("sitemap", html_paths, links.site), lambda: sitemap(html_paths, links)
    )
    outputs["robots.txt"] = Output(
        _key("robots", links.site),
        lambda: f"User-agent: *\nAllow: /\nSitemap: {links.root('sitemap.xml')}\n".encode(),
    )
    _open_data(outputs, frame, ids, pieces, hashes, stamps, removed, links, licence)

    prev_shared = list(shared_pages.files)  # before this build adds its pages
    result = write_version(out, current, prev_files, prev_keys, outputs, shared_pages)
    state = {
        "salt": salt,
        "catalogue_version": version,
        "database": database_id(store.url),
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
    swap(out, version_dir)
    # Only now that no served version lists them: the pages of offerings and partners taken
    # off the site.
    shared_pages.remove(p for p in prev_shared if p not in outputs)
    clean_old_versions(version_dir.parent, version_dir)
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
    outputs["data/catalogue.geojson"] = Output(
        _key("geojson", everything),
        lambda: rowcache.joined_geojson([pieces.fragments(b)["geojson"] for b in rowcache.BUCKETS]),
    )
    for name, dialect in (("catalogue.csv", "standard"), ("catalogue-excel.csv", "excel-pl")):
        outputs[f"data/{name}"] = Output(
            _key("csv", dialect, everything),
            lambda d=dialect: rowcache.csv_file(
                [pieces.fragments(b)[f"csv:{d}"] for b in rowcache.BUCKETS], d
            ),
        )
    outputs["data/events.ics"] = Output(
        event_key,
        lambda: opendata.ics_bytes(frame.iloc[event_idx], links, host),
    )
    outputs["data/changes.json"] = Output(
        _key("changes", changes, removed), lambda: opendata.changes_bytes(changes, removed, links)
    )
    outputs["data/dcat.jsonld"] = Output(
        _key("dcat", newest, len(frame)),
        lambda: opendata.dcat_bytes(
            links, licence, newest.isoformat() if newest else None, len(frame)
        ),
    )
