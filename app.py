"""Entry point: ``streamlit run app.py``. Sets up the page, the language and the navigation."""

from __future__ import annotations

import streamlit as st

from catalogue.taxonomy import LANGUAGES
from ui.i18n import LANGUAGE_NAMES, t
from ui.state import current_language, get_store

st.set_page_config(
    page_title="Mapa produktów turystycznych · RKESI",
    page_icon=":material/map:",
    layout="wide",
    initial_sidebar_state="auto",
)

if "lang" not in st.session_state:
    st.session_state["lang"] = current_language()
with st.sidebar:
    st.radio(
        "Język / Language / Мова",
        list(LANGUAGES),
        key="lang",
        format_func=lambda code: f"{code.upper()} · {LANGUAGE_NAMES[code]}",
        horizontal=True,
    )
lang = current_language()
get_store()

pages = [
    st.Page(
        "ui/pages/map_page.py",
        title=t("nav_map", lang),
        icon=":material/map:",
        url_path="mapa",
        default=True,
    ),
    st.Page(
        "ui/pages/partners_page.py",
        title=t("nav_partners", lang),
        icon=":material/groups:",
        url_path="partnerzy",
    ),
]
st.navigation(pages, position="top").run()
st.sidebar.caption(t("cluster_name", lang))
