"""Per-process caches and per-session state shared by the pages.

The store is one per process; the catalogue frame is cached per catalogue version, so a rerun
re-reads nothing until something is written.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from catalogue.database import database_url
from catalogue.events import calendar_bytes
from catalogue.filters import ProductFilter, apply_filter, prepare_frame, sort_products
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import DEFAULT_LANGUAGE, LANGUAGES
from fairkit.pdf_common import BASE_URL_ENV, public_base_url
from geodata import load_gminy
from mapview.assets import ensure_local_assets
from mapview.builder import MarkerData, marker_data


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> CatalogueStore:
    from catalogue.sample_loading import load_sample_catalogue

    ensure_local_assets()
    store = CatalogueStore(url)
    # Several processes may open an empty database at once (deploy/run-processes.sh).
    with store.setup_lock():
        store.create_schema()
        load_sample_catalogue(store)
    _clean_photo_orphans(store)
    store.write_listeners.append(lambda: _count_write(url))
    return store


def _clean_photo_orphans(store: CatalogueStore) -> None:
    # Files of a submission stopped between writing its photos and saving its rows.
    from catalogue.photos import clean_orphans, referenced_files

    try:
        clean_orphans(referenced_files(store))
    except OSError:
        pass  # a read-only photo folder must not keep the map from starting


# Set while a browser session shows the presentation; app.py then hides the navigation.
KIOSK_FLAG = "kiosk_active"


def get_store() -> CatalogueStore:
    """The process-wide store for the configured database (schema and sample on first use)."""
    url = database_url()
    store = _store_for(url)
    if runtime.exists():  # a served app, not a page test
        _cache_warmer(url)
    return store


# How often the warmer asks the database for its catalogue version (one indexed read).
WARM_EVERY_S = 2.0
# How often the warmer runs a full garbage collection: instead of one after every script run
# (runner.postScriptGC is off: it was a third of a visit's server CPU), closed sessions'
# cycles are freed at most this long after they close.
COLLECT_EVERY_S = 60.0
# After a write of this process the warmer looks this often for a while, until the write's
# transaction has committed and its new version can be read.
WARM_AFTER_WRITE_S = (0.05, 3.0)
_log = logging.getLogger(__name__)


def _next_look(wake: threading.Event, quick_until: float) -> float:
    """Wait for the warmer's next look; returns until when (monotonic s) to look quickly."""
    if time.monotonic() < quick_until:
        time.sleep(WARM_AFTER_WRITE_S[0])
        return quick_until
    if wake.wait(WARM_EVERY_S):
        wake.clear()
        return time.monotonic() + WARM_AFTER_WRITE_S[1]
    return quick_until


# Full collections for the whole process, whichever warmer looks first: the time of the last.
_collect_lock = threading.Lock()
_last_collect = [time.monotonic()]


def _collect_if_due() -> bool:
    """Run one full garbage collection if none ran in the last COLLECT_EVERY_S seconds (in
    any thread of this process); returns whether it did."""
    now = time.monotonic()
    with _collect_lock:
        if now - _last_collect[0] < COLLECT_EVERY_S:
            return False
        _last_collect[0] = now
    gc.collect()
    return True


def _warm_forever(url: str) -> None:
    # Whichever process or page wrote (an approval, an import, the command line), the next
    # visitor finds the catalogue read, prepared and sorted for the map's first view: other
    # processes' writes within WARM_EVERY_S, this process's own at once.
    # A database that stays away is reported once, not every two seconds, and its return too.
    # It stops once the process is pointed at another database (the page tests give each
    # test its own: a hundred warmers left looking, each collecting the whole heap, had
    # slowed the test process to a crawl).
    store, seen, failing = _store_for(url), None, False
    wake, quick_until = threading.Event(), 0.0
    store.write_listeners.append(wake.set)
    try:
        while database_url() == url:
            _collect_if_due()
            try:
                version = store.catalogue_version()
                if version != seen:
                    default_view = ProductFilter()
                    _markers(
                        url, version, repr(default_view), "name", DEFAULT_LANGUAGE, default_view
                    )
                    seen = version
                if failing:
                    _log.warning("warming the catalogue caches works again")
                    failing = False
            except Exception:  # the database is away for a moment: the next round tries again
                if not failing:
                    _log.warning("warming the catalogue caches failed", exc_info=True)
                    failing = True
            quick_until = _next_look(wake, quick_until)
    finally:
        store.write_listeners.remove(wake.set)
        with _warmers_lock:
            if _warmers.get(url) is threading.current_thread():
                del _warmers[url]


# The running warmer of each database (a stopped one removes itself; it is started again
# when its database is served again).
_warmers: dict[str, threading.Thread] = {}
_warmers_lock = threading.Lock()


def _cache_warmer(url: str) -> threading.Thread:
    """The background thread of this process for database ``url`` that fills the shared
    caches for every new catalogue version before a visitor asks (started if none runs)."""
    with _warmers_lock:
        thread = _warmers.get(url)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(
                target=_warm_forever, args=(url,), name="catalogue-warmer", daemon=True
            )
            _warmers[url] = thread
            thread.start()
    return thread


# A script run shows one catalogue version, read when the run starts (begin_run, from app.py):
# a page's list, markers, counts and calendar agree even when another process writes during
# the run, and the run asks the database once rather than once per cache. A write through
# this process during the run (an approval, a submission) is seen at once: the writes of
# each store are counted and a run's version is read again after one.
_RUN_VERSION = "_run_catalogue_version"
_writes: dict[str, int] = {}
_writes_lock = threading.Lock()


def _count_write(url: str) -> None:
    with _writes_lock:
        _writes[url] = _writes.get(url, 0) + 1


def begin_run() -> None:
    """Read the catalogue version this script run shows (once, at the start of each run)."""
    st.session_state.pop(_RUN_VERSION, None)
    run_version(get_store())


def run_version(store: CatalogueStore) -> int:
    """The catalogue version of ``store`` this script run shows (see begin_run); outside a
    script run, the database's current one."""
    if get_script_run_ctx() is None:
        return store.catalogue_version()
    writes = _writes.get(store.url, 0)
    memo = st.session_state.get(_RUN_VERSION)
    if memo is not None and memo[:2] == (store.url, writes):
        return memo[2]
    version = store.catalogue_version()
    st.session_state[_RUN_VERSION] = (store.url, writes, version)
    return version


@st.cache_resource(show_spinner=False, max_entries=4)
def _published_frame(url: str, version: int) -> pd.DataFrame:
    # url and version are the cache key: another database or any write gives a new frame.
    # A shared object rather than st.cache_data's per-rerun copy: unpickling the whole
    # catalogue cost 8 ms at 10,000 products and up to 110 ms at 50,000 on every rerun
    # (BENCHMARKS.md). Pages only read it; under pandas copy-on-write a derived frame never
    # writes back into it.
    return prepare_frame(get_store().products_frame())


def published_products() -> pd.DataFrame:
    """Published products, prepared for filtering (cached per catalogue version; read-only)."""
    store = get_store()
    return _published_frame(store.url, run_version(store))


# Results of the commonest views (above all the unfiltered map every new visitor opens), shared
# by every session: sorting 10,000 products and writing their events' calendar was a good part
# of a visit's script run. Only row positions are kept (8 bytes a product), not frames, so the
# cache stays small at any catalogue size; entries of an older catalogue version age out.
@st.cache_resource(show_spinner=False, max_entries=32)
def _result_positions(
    url: str, version: int, filter_key: str, order: str, lang: str, _flt
) -> np.ndarray:
    # filter_key (the filter's repr) stands for _flt in the cache key.
    frame = _published_frame(url, version)
    shown = sort_products(apply_filter(frame, _flt), order, None, lang, query=_flt.text)
    return frame.index.get_indexer(shown.index)


def shared_results(flt: ProductFilter, order: str, lang: str) -> pd.DataFrame:
    """``sort_products(apply_filter(published_products(), flt), order, None, lang, flt.text)``
    with the sorting done once per catalogue version for every session.

    Only for an ``order`` other than "distance" and filters that do not depend on the clock
    (``upcoming``, ``open_now``).
    """
    store = get_store()
    url, version = store.url, run_version(store)
    positions = _result_positions(url, version, repr(flt), order, lang, flt)
    return _published_frame(url, version).take(positions)


# The map's marker data of the same shared views with nothing selected and no trip stops:
# building and writing it was the largest part of a new visitor's script run at 10,000
# offerings (bench.visit_profile). Few entries: one is about 1.7 MB at 10,000.
@st.cache_resource(show_spinner=False, max_entries=8)
def _markers(url: str, version: int, filter_key: str, order: str, lang: str, _flt) -> MarkerData:
    frame = _published_frame(url, version)
    positions = _result_positions(url, version, filter_key, order, lang, _flt)
    return marker_data(frame.take(positions), lang)


def shared_markers(flt: ProductFilter, order: str, lang: str) -> MarkerData:
    """:func:`mapview.builder.marker_data` of :func:`shared_results` with no product
    selected and no trip stops, made once per catalogue version for every session."""
    store = get_store()
    return _markers(store.url, run_version(store), repr(flt), order, lang, flt)


@st.cache_resource(show_spinner=False, max_entries=16)
def _calendar(
    url: str, version: int, filter_key: str, order: str, lang: str, base_url: str, _flt
) -> bytes:
    frame = _published_frame(url, version)
    shown = frame.take(_result_positions(url, version, filter_key, order, lang, _flt))
    events = shown[shown["event_start"].notna()] if "event_start" in shown else shown.iloc[0:0]
    return calendar_bytes(events.to_dict("records"), base_url)


def shared_calendar(flt: ProductFilter, order: str, lang: str, base_url: str) -> bytes:
    """The iCalendar file of the events in :func:`shared_results` (links to ``base_url``)."""
    store = get_store()
    return _calendar(store.url, run_version(store), repr(flt), order, lang, base_url, flt)


@st.cache_resource(show_spinner=False)
def gminy() -> pd.DataFrame:
    """:func:`geodata.load_gminy` once per process (fixed data; read-only)."""
    return load_gminy()


@st.cache_data(show_spinner=False, max_entries=4)
def _partners_frame(url: str, version: int) -> pd.DataFrame:
    return get_store().partners_frame()


def partners() -> pd.DataFrame:
    """All partners with their published-offering counts (cached per catalogue version)."""
    store = get_store()
    return _partners_frame(store.url, run_version(store))


def current_language() -> str:
    """The interface language: the ``lang`` widget, else the URL, else Polish."""
    lang = st.session_state.get("lang")
    if lang not in LANGUAGES:
        lang = st.query_params.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def app_base_url(page_path: str = "") -> str:
    """The app's address for every QR code and shared link, without a trailing slash.

    ``PUBLIC_BASE_URL`` when it is set (the address visitors can reach, e.g. at a fair);
    else this app's own address as the browser sees it, minus the calling page's
    ``page_path`` (its ``url_path`` in ``app.py``, e.g. ``"druk"``).
    """
    if os.environ.get(BASE_URL_ENV, "").strip():
        return public_base_url()
    parts = urlsplit(st.context.url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        path = parts.path.rstrip("/")
        if page_path:
            path = path.removesuffix("/" + page_path)
        return public_base_url(f"{parts.scheme}://{parts.netloc}{path}")
    return public_base_url()
