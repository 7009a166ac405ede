"""Partner directory and partner profiles: who stands behind the offerings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from catalogue.identity import IDENTITY_LABELS, describe_identity
from catalogue.localise import field_with_flag, localised_field
from catalogue.partners import PartnerFilter, filter_partners, listed_partners, sector_counts
from catalogue.taxonomy import (
    LEGAL_FORM_BY_SLUG,
    SECTOR_EXPLANATIONS,
    Sector,
    category_label,
    legal_form_label,
    sector_label,
)
from geodata import DISTRICT_TERYTS, district_name, load_gminy
from mapview.builder import render_product_map
from ui import choice
from ui.i18n import load_strings, page_translator, t
from ui.state import current_language, partners, published_products
from ui.text import md_escape, md_link

S = {
    **load_strings("partners_page"),
    **IDENTITY_LABELS,
}

lang = current_language()


tr = page_translator(S, lang)


def open_profile(partner_id: str | None) -> None:
    if partner_id:
        st.query_params["partner"] = partner_id
    else:
        st.query_params.pop("partner", None)


def gmina_label(teryt: str) -> str:
    gminy = load_gminy()
    row = gminy[gminy["teryt"] == teryt]
    if row.empty:
        return ""
    return f"{row.iloc[0]['name']} · {district_name(teryt[:4], lang)}"


def sector_badge(sector: str) -> str:
    star = "★ " if sector == "social_economy" else ""
    return f"{star}{sector_label(sector, lang)}" if sector in {s.value for s in Sector} else ""


def social_economy_in_district() -> None:
    """One click: the social-economy entities of the chosen district."""
    district = st.session_state.get("p_se_district")
    st.session_state["p_sector"] = ["social_economy"] if district else []
    st.session_state["p_district"] = [district] if district else []


def directory(listed: pd.DataFrame) -> None:
    st.title(tr("title"), anchor=False)
    st.caption(tr("intro"))
    counts = sector_counts(listed)
    cols = st.columns(len(counts))
    for col, (sector, n) in zip(cols, counts.items(), strict=True):
        col.metric(sector_badge(sector), n)
    st.info(SECTOR_EXPLANATIONS["social_economy"][lang], icon=":material/volunteer_activism:")
    choice.pills(
        tr("se_in"),
        list(DISTRICT_TERYTS),
        key="p_se_district",
        format_func=lambda t: district_name(t, lang),
        on_change=social_economy_in_district,
    )
    c1, c2, c3 = st.columns([2, 2, 3])
    choice.multiselect(
        tr("sectors"),
        [s.value for s in Sector],
        key="p_sector",
        format_func=sector_badge,
        placeholder=t("choose", lang),
        where=c1,
    )
    choice.multiselect(
        tr("districts"),
        list(DISTRICT_TERYTS),
        key="p_district",
        placeholder=t("choose", lang),
        format_func=lambda t: district_name(t, lang),
        where=c2,
    )
    c3.text_input(tr("search"), key="p_q", max_chars=200)
    flt = PartnerFilter(
        sectors=tuple(st.session_state.get("p_sector", [])),
        districts=tuple(st.session_state.get("p_district", [])),
        text=st.session_state.get("p_q", ""),
    )
    shown = filter_partners(listed, flt)
    st.markdown(tr("count", n=len(shown)))
    if shown.empty:
        st.warning(tr("none"))
    for _, row in shown.iterrows():
        with st.container(border=True):
            head, action = st.columns([5, 1], vertical_alignment="center")
            badge = sector_badge(str(row["sector"]))
            member = f" · **{tr('member')}**" if bool(row.get("member")) else ""
            head.markdown(
                f"**{md_escape(row['name'])}**  \n{md_escape(badge)} · "
                f"{md_escape(gmina_label(str(row['gmina_teryt'] or '')))} · "
                f"{tr('offerings', n=int(row['published_count']))}{member}"
            )
            action.button(
                tr("open"),
                key=f"open_{row['id']}",
                on_click=open_profile,
                args=(str(row["id"]),),
                width="stretch",
            )


def profile(row: pd.Series, products: pd.DataFrame) -> None:
    st.button(
        tr("back"),
        key="back_to_list",
        on_click=open_profile,
        args=(None,),
        icon=":material/arrow_back:",
    )
    st.title(md_escape(row["name"]), anchor=False)
    sector = str(row["sector"])
    line = [md_escape(sector_badge(sector))]
    code = str(row.get("legal_form_code") or "")
    if code in LEGAL_FORM_BY_SLUG:
        line.append(f"{tr('legal_form')}: {md_escape(legal_form_label(code, lang))}")
    elif row.get("legal_form"):
        line.append(f"{tr('legal_form')}: {md_escape(row['legal_form'])}")
    if row.get("gmina_teryt"):
        line.append(f"{tr('where')}: {md_escape(gmina_label(str(row['gmina_teryt'])))}")
    st.markdown(" · ".join(line))
    if bool(row.get("member")):
        st.success(tr("member"), icon=":material/verified:")
    if sector == "social_economy":
        st.caption(SECTOR_EXPLANATIONS["social_economy"][lang])
    logo = Path(str(row.get("logo_path") or ""))
    if row.get("logo_path") and logo.is_file():
        st.image(str(logo), width=160, alt=t("logo_alt", lang, name=str(row.get("name") or "")))
    description, fallback = field_with_flag(row, "description", lang)
    if description:
        st.markdown(md_escape(description))
        if fallback and tr("fallback"):
            st.caption(tr("fallback"))
    contact(row)
    identity(row)

    st.subheader(tr("their_offerings"), anchor=False)
    own = products[products["partner_id"] == row["id"]]
    if own.empty:
        st.caption(tr("no_offerings"))
        return
    for _, product in own.iterrows():
        name = localised_field(product, "name", lang)
        st.page_link(
            "ui/pages/map_page.py",
            label=md_escape(f"{name} · {category_label(product['category'], lang)}"),
            icon=":material/location_on:",
            query_params={"product": str(product["id"])},
        )
    small = render_product_map(own, lang=lang, basemap=st.session_state.get("basemap"))
    small.base.fit_bounds(
        [
            [own["lat"].min() - 0.02, own["lon"].min() - 0.03],
            [own["lat"].max() + 0.02, own["lon"].max() + 0.03],
        ]
    )
    st_folium(
        small.base,
        key="partner_map",
        feature_group_to_add=small.products,
        returned_objects=[],
        height=340,
        use_container_width=True,
    )


def _text(value: object) -> str:
    """A frame cell as text: None and NaN are empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def contact(row: pd.Series) -> None:
    """The organisation's public website, e-mail and phone, when given.

    The website is a link only through ``md_link`` (a checked http(s) address); the e-mail
    and phone are escaped text (no ``mailto:`` built from stored text), as on the map page.
    """
    lines = []
    website = _text(row.get("website"))
    if website:
        lines.append(f"**{tr('website')}:** " + md_link(website, website))
    for key in ("email", "phone"):
        value = _text(row.get(key))
        if value:
            lines.append(f"**{tr(key)}:** {md_escape(value)}")
    if lines:
        st.markdown("  \n".join(lines))


def identity(row: pd.Series) -> None:
    """Social-enterprise status, OWES and links to the public registers, when known."""
    found = describe_identity(row, lang)
    lines = [f"★ {md_escape(found['status'])}"] if found["status"] else []
    if found["owes"]:
        lines.append(f"{tr('owes')}: {md_escape(found['owes'])}")
    lines += [md_link(text, url) for text, url in found["registers"]]
    if lines:
        st.markdown(f"**{tr('registers')}**  \n" + "  \n".join(lines))


listed = listed_partners(partners(), published_products())
partner_id = st.query_params.get("partner")
if partner_id:
    match = listed[listed["id"] == partner_id]
    if match.empty:
        st.title(tr("title"), anchor=False)
        st.warning(tr("not_found"))
        st.button(tr("back"), key="back_missing", on_click=open_profile, args=(None,))
    else:
        profile(match.iloc[0], published_products())
else:
    directory(listed)
