"""Print and export: the PDF catalogue (A4 brochure, A5 leaflet) and A6 product cards.

The PDFs are built by :mod:`fairkit.brochure` and :mod:`fairkit.card`; this page only picks
the options and caches the files per catalogue version and options.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from catalogue.filters import ProductFilter, apply_filter, sort_products, wheelchair_filter_value
from catalogue.locale_format import format_number
from catalogue.localise import localised_field
from catalogue.taxonomy import CATEGORIES, LANGUAGES, Sector, category_label, sector_label
from fairkit.brochure import build_brochure
from fairkit.card import build_card, photo_credit, photo_path
from fairkit.pdf_common import (
    BROCHURE_FORMATS,
    FontMissingError,
    describe_filter,
)
from geodata import DISTRICT_TERYTS, district_name
from ui import choice
from ui.i18n import LANGUAGE_NAMES, load_strings, page_translator, t
from ui.state import app_base_url, current_language, get_store, published_products, run_version
from ui.text import md_escape

S = load_strings("print_page")

# The map page keeps its filter widgets under these keys (see ui/pages/map_page.py).
MAP_FILTER_KEYS: tuple[str, ...] = (
    "f_cat",
    "f_district",
    "f_gmina",
    "f_sector",
    "f_month",
    "f_from",
    "f_to",
    "f_free",
    "f_wheelchair",
    "f_family",
    "f_pets",
    "f_q",
)

lang = current_language()


tr = page_translator(S, lang)


def map_filter() -> ProductFilter:
    """The map page's current filter: its widgets' values, else its last URL state.

    Streamlit drops a page's widget values as soon as another page runs, so the ``f_*`` keys
    are usually gone by now; the map page's ``_map_params`` (the query parameters of its
    shareable link, written on every run) still hold the same filter.
    """
    state = st.session_state
    if any(key in state for key in MAP_FILTER_KEYS):
        date_from, date_to = state.get("f_from"), state.get("f_to")
        if date_from and date_to and date_to < date_from:
            date_from, date_to = date_to, date_from
        try:
            return ProductFilter(
                categories=tuple(state.get("f_cat") or ()),
                districts=tuple(state.get("f_district") or ()),
                gminy=tuple(state.get("f_gmina") or ()),
                sectors=tuple(state.get("f_sector") or ()),
                month=state.get("f_month"),
                date_from=date_from if isinstance(date_from, date) else None,
                date_to=date_to if isinstance(date_to, date) else None,
                free_only=bool(state.get("f_free")),
                wheelchair=wheelchair_filter_value(state.get("f_wheelchair")),
                family=bool(state.get("f_family")),
                pets=bool(state.get("f_pets")),
                text=str(state.get("f_q") or ""),
            )
        except ValueError:
            return ProductFilter()
    return ProductFilter.from_query_params(state.get("_map_params") or {})


def page_base_url() -> str:
    """Start of printed links: ``PUBLIC_BASE_URL`` if set, else this app's own address."""
    return app_base_url("druk")


def _filter_key(flt: ProductFilter) -> tuple[tuple[str, str], ...]:
    # Query parameters are the filter's canonical, hashable form (and round-trip exactly).
    return tuple(sorted(flt.to_query_params().items()))


@st.cache_data(show_spinner=False, max_entries=16)
def _brochure_pdf(
    url: str, version: int, fmt: str, doc_lang: str, filter_key: tuple, base: str
) -> tuple[bytes, int]:
    # url and version key the cache: any write to the catalogue gives a new file.
    flt = ProductFilter.from_query_params(dict(filter_key))
    products = apply_filter(published_products(), flt)
    result = build_brochure(products, fmt=fmt, lang=doc_lang, base_url=base, flt=flt)
    return result.data, result.pages


@st.cache_data(show_spinner=False, max_entries=32)
def _card_pdf(url: str, version: int, product_id: str, doc_lang: str, base: str) -> bytes:
    frame = published_products()
    row = frame[frame["id"] == product_id].iloc[0].to_dict()
    store = get_store()
    photo = photo_path(store, product_id)
    credit = photo_credit(store, product_id, doc_lang)
    return build_card(row, lang=doc_lang, base_url=base, photo=photo, photo_credit=credit).data


def custom_filter() -> ProductFilter:
    c1, c2, c3 = st.columns(3)
    districts = choice.multiselect(
        tr("districts"),
        list(DISTRICT_TERYTS),
        key="print_district",
        placeholder=t("choose", lang),
        format_func=lambda teryt: district_name(teryt, lang),
        where=c1,
    )
    categories = choice.multiselect(
        tr("categories"),
        [c.slug for c in CATEGORIES],
        key="print_cat",
        placeholder=t("choose", lang),
        format_func=lambda slug: category_label(slug, lang),
        where=c2,
    )
    sectors = choice.multiselect(
        tr("sectors"),
        [s.value for s in Sector],
        key="print_sector",
        placeholder=t("choose", lang),
        format_func=lambda s: sector_label(s, lang),
        where=c3,
    )
    return ProductFilter(
        categories=tuple(categories), districts=tuple(districts), sectors=tuple(sectors)
    )


def product_label(frame: pd.DataFrame, product_id: str) -> str:
    row = frame[frame["id"] == product_id].iloc[0]
    name = localised_field(row, "name", lang)
    return f"{name} · {category_label(row['category'], lang)}"


# -- page --------------------------------------------------------------------------------

st.title(t("nav_print", lang), anchor=False)
st.caption(f"{tr('intro')}  \n{t('sample_note', lang)}")

store = get_store()
version = run_version(store)
everything = published_products()

st.subheader(tr("options"), anchor=False)
if st.session_state.get("print_lang") not in LANGUAGES:
    st.session_state["print_lang"] = lang
o1, o2 = st.columns(2)
fmt = choice.radio(
    tr("format"),
    list(BROCHURE_FORMATS),
    key="print_format",
    format_func=lambda f: tr(f"format_{f}"),
    horizontal=True,
    where=o1,
)
doc_lang = choice.selectbox(
    tr("doc_lang"),
    list(LANGUAGES),
    key="print_lang",
    format_func=LANGUAGE_NAMES.__getitem__,
    where=o2,
)
source = choice.radio(
    tr("source"),
    ["map", "custom"],
    key="print_source",
    format_func=lambda s: tr(f"source_{s}"),
    horizontal=True,
)
if source == "map":
    flt = map_filter()
    st.info(tr("map_filter", text=md_escape(describe_filter(flt, lang))), icon=":material/map:")
else:
    flt = custom_filter()

selected = sort_products(apply_filter(everything, flt), "name", lang=lang)
st.markdown(tr("selection", n=len(everything), selected=format_number(len(selected), lang)))
base = page_base_url()
st.caption(tr("links", url=md_escape(base)))
if urlsplit(base).hostname in ("localhost", "127.0.0.1", "::1"):
    st.warning(tr("localhost"), icon=":material/phonelink_off:")

if selected.empty:
    st.warning(tr("empty"), icon=":material/filter_alt_off:")
    st.stop()

brochure_col, card_col = st.columns(2, gap="large")
with brochure_col:
    st.subheader(tr("brochure"), anchor=False)
    try:
        with st.spinner(tr("working")):
            pdf, pages = _brochure_pdf(store.url, version, fmt, doc_lang, _filter_key(flt), base)
    except FontMissingError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        st.download_button(
            tr("download_brochure"),
            data=pdf,
            file_name=f"katalog-{fmt}-{doc_lang}-{date.today().isoformat()}.pdf",
            mime="application/pdf",
            key="print_download_brochure",
            icon=":material/picture_as_pdf:",
            type="primary",
        )
        st.caption(tr("brochure_info", pages=pages, size=round(len(pdf) / 1024)))

with card_col:
    st.subheader(tr("card"), anchor=False)
    ids = list(selected["id"].astype(str))
    if st.session_state.get("print_card_product") not in ids:
        st.session_state["print_card_product"] = ids[0]
    product_id = choice.selectbox(
        tr("card_product"),
        ids,
        key="print_card_product",
        format_func=lambda pid: product_label(selected, pid),
    )
    try:
        with st.spinner(tr("working")):
            card = _card_pdf(store.url, version, product_id, doc_lang, base)
    except FontMissingError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        st.download_button(
            tr("download_card"),
            data=card,
            file_name=f"karta-{product_id}-{doc_lang}.pdf",
            mime="application/pdf",
            key="print_download_card",
            icon=":material/badge:",
        )
