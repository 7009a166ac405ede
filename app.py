"""Entry point: ``streamlit run app.py``. Sets up the page, the language and the navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from catalogue.localise import localised_field
from catalogue.taxonomy import LANGUAGES
from ui import choice
from ui.document import document_script
from ui.errors import run_guarded
from ui.i18n import LANGUAGE_NAMES, t
from ui.mailer import ensure_sender
from ui.staff_auth import USER_KEY
from ui.state import (
    KIOSK_FLAG,
    begin_run,
    current_language,
    get_store,
    partners,
    published_products,
)

ROOT = Path(__file__).resolve().parent

# (file, title key, icon, url path), in menu order. Staff pages check the role themselves on
# every run: the menu is only a convenience, never the access control.
PAGES = (
    ("ui/pages/map_page.py", "nav_map", ":material/map:", "mapa"),
    ("ui/pages/partners_page.py", "nav_partners", ":material/groups:", "partnerzy"),
    ("ui/pages/trip_page.py", "nav_trip", ":material/route:", "wycieczka"),
    ("ui/pages/submit_page.py", "nav_submit", ":material/add_location_alt:", "dodaj"),
    ("ui/pages/edit_page.py", "nav_edit", ":material/edit_note:", "moja-oferta"),
    ("ui/pages/kiosk_page.py", "nav_kiosk", ":material/slideshow:", "prezentacja"),
    ("ui/pages/print_page.py", "nav_print", ":material/print:", "druk"),
    ("ui/pages/moderation_page.py", "nav_moderation", ":material/fact_check:", "moderacja"),
    ("ui/pages/stats_page.py", "nav_stats", ":material/bar_chart:", "statystyki"),
)

st.set_page_config(
    page_title="Mapa produktów turystycznych · RKESI",
    page_icon=str(ROOT / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="auto",
)

# Static layout CSS only (no catalogue text): a tighter top so the map fits a laptop screen;
# captions darker than Streamlit's grey (3.88:1 on white) so they meet WCAG AA (4.5:1).
st.html(
    "<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}"
    "h1{font-size:2.1rem !important}"
    "[data-testid='stCaptionContainer'],[data-testid='stCaptionContainer'] a"
    "{color:#5c5f66 !important;opacity:1 !important}</style>"
)

if "lang" not in st.session_state:
    st.session_state["lang"] = current_language()
with st.sidebar:
    choice.radio(
        "Język / Language / Мова",
        list(LANGUAGES),
        key="lang",
        format_func=lambda code: f"{code.upper()} · {LANGUAGE_NAMES[code]}",
        horizontal=True,
    )
lang = current_language()

# The default page is served at "/" but reserves its url_path, and Streamlit answers that path
# with "Page not found"; so it reserves an unused one and a hidden alias serves "/mapa".
DEFAULT_RESERVED_PATH = "start"
default_path, default_title, _, default_url = PAGES[0]
pages = [
    st.Page(
        path,
        title=t(title, lang),
        icon=icon,
        url_path=DEFAULT_RESERVED_PATH if i == 0 else url,
        default=i == 0,
    )
    for i, (path, title, icon, url) in enumerate(PAGES)
    if (ROOT / path).exists()
]
pages.append(
    st.Page(default_path, title=t(default_title, lang), url_path=default_url, visibility="hidden")
)
# The presentation (a fair screen) has no menu: visitors must not wander off into other
# pages; only a staff exit on that page clears the flag.
position = "hidden" if st.session_state.get(KIOSK_FLAG) else "top"
page = st.navigation(pages, position=position)


def _open_item(url_path: str) -> str | None:
    """Name of the product or partner open on the page (for the document title)."""
    # The session's choice once the page has run; on a first visit, the link's.
    if "product" in st.session_state:
        product = st.session_state["product"]
    else:
        product = st.query_params.get("product")
    if url_path in ("", default_url) and product:
        rows = published_products()
        row = rows[rows["id"] == product]
        if len(row):
            return localised_field(row.iloc[0], "name", lang)
    if url_path == "partnerzy" and st.query_params.get("partner"):
        rows = partners()
        row = rows[rows["id"] == st.query_params["partner"]]
        if len(row):
            return str(row.iloc[0]["name"])
    return None


def run_page() -> None:
    get_store()
    begin_run()  # the catalogue version this whole run shows
    ensure_sender()  # delivers queued mail in the background, once per process
    # Before the page runs, so a page that fails still gets its language and title.
    document_script(lang, page.title, t("app_title", lang), _open_item(page.url_path))
    page.run()


# A failing page (database unavailable, read-only, corrupt, full, or a bug) shows a friendly
# page in the visitor's language; the stack goes to the server log, never to the browser.
run_guarded(run_page, lambda: lang, lambda: bool(st.session_state.get(USER_KEY)))
st.sidebar.caption(t("cluster_name", lang))
