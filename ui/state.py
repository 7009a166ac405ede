"""Per-process caches and per-session state shared by the pages.

The store is one per process; the catalogue frame is cached per catalogue version, so a rerun
re-reads nothing until something is written.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from catalogue.database import database_url
from catalogue.filters import prepare_frame
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import DEFAULT_LANGUAGE, LANGUAGES
from fairkit.pdf_common import BASE_URL_ENV, public_base_url
from mapview.assets import ensure_local_assets


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> CatalogueStore:
    from catalogue.exchange import load_sample_catalogue

    ensure_local_assets()
    store = CatalogueStore(url)
    # Several processes may open an empty database at once (deploy/run-processes.sh).
    with store.setup_lock():
        store.create_schema()
        load_sample_catalogue(store)
    _clean_photo_orphans(store)
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
    return _store_for(database_url())


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
    return _published_frame(store.url, store.catalogue_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _partners_frame(url: str, version: int) -> pd.DataFrame:
    return get_store().partners_frame()


def partners() -> pd.DataFrame:
    """All partners with their published-offering counts (cached per catalogue version)."""
    store = get_store()
    return _partners_frame(store.url, store.catalogue_version())


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
