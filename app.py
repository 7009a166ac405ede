"""Entry point: ``streamlit run app.py``. Sets up the page, the language and the navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from catalogue.taxonomy import LANGUAGES
from ui import choice
from ui.i18n import LANGUAGE_NAMES, t
from ui.state import KIOSK_FLAG, current_language, get_store

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

# Static layout CSS only (no catalogue text): a tighter top so the map fits a laptop screen.
st.html(
    "<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}"
    "h1{font-size:2.1rem !important}</style>"
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
get_store()

pages = [
    st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=i == 0)
    for i, (path, title, icon, url) in enumerate(PAGES)
    if (ROOT / path).exists()
]
# The presentation (a fair screen) has no menu: visitors must not wander off into other
# pages; only a staff exit on that page clears the flag.
position = "hidden" if st.session_state.get(KIOSK_FLAG) else "top"
st.navigation(pages, position=position).run()
st.sidebar.caption(t("cluster_name", lang))
