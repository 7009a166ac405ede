"""The offering form's widgets, shared by the submit, edit-link and moderation pages.

Widgets are keyed ``{prefix}_{field}`` so each page keeps its own values in session state
(nothing typed is lost on a rerun or a validation error). The values and the record they make
are :mod:`ui.form_values`, the values in session state and their validation
:mod:`ui.form_state`, the labels and issue wording :mod:`ui.form_words`, the map and
coordinates :mod:`ui.location_picker`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from catalogue.columns import COLUMN_BY_NAME, LINK_FIELDS, form_columns
from catalogue.model import ACCESS_FACTS, Product
from catalogue.opening_hours import describe
from catalogue.taxonomy import (
    CATEGORIES,
    DEFAULT_LICENCE,
    LEGAL_FORMS,
    LICENCE_BY_SLUG,
    Sector,
    category_label,
    credit_line,
    legal_form_label,
    sector_label,
    wheelchair_label,
)
from catalogue.validation.report import ValidationIssue
from catalogue.vocabularies import OFFER_LANGUAGES
from geodata import district_name, gminy_of_district
from ui import choice
from ui.form_values import PARTNER_MODES, TRI_STATE, WHEELCHAIR_CHOICES, k
from ui.form_words import F, field_label, show_issues, tr
from ui.i18n import gmina_label, month_name
from ui.text import md_escape, md_link

# -- widgets ------------------------------------------------------------------------------


def content_fields(
    prefix: str, lang: str, issues: dict[str, list[ValidationIssue]], show_required: bool
) -> None:
    """Name, category and descriptions."""
    st.text_input(tr("name", lang) + " *", key=k(prefix, "name"), max_chars=200)
    show_issues(issues.get("name", []), lang, show_required)
    choice.selectbox(
        tr("category", lang) + " *",
        [c.slug for c in CATEGORIES],
        key=k(prefix, "category"),
        index=None,
        placeholder=tr("choose", lang),
        format_func=lambda slug: category_label(slug, lang),
    )
    show_issues(issues.get("category", []), lang, show_required)
    st.text_area(tr("description", lang), key=k(prefix, "description"), max_chars=5000)
    show_issues(issues.get("description", []), lang, show_required)
    with st.expander(tr("translations", lang), icon=":material/translate:"):
        for name in ("name_en", "description_en", "name_uk", "description_uk"):
            if name.startswith("name"):
                st.text_input(tr(name, lang), key=k(prefix, name), max_chars=200)
            else:
                st.text_area(tr(name, lang), key=k(prefix, name), max_chars=5000)
            show_issues(issues.get(name, []), lang, show_required)


def _tri_state(
    prefix: str, name: str, lang: str, label: str | None = None, help_line: str | None = None
) -> None:
    labels = {"": tr("unknown", lang), "tak": tr("yes", lang), "nie": tr("no", lang)}
    st.session_state.setdefault(k(prefix, name), "")
    choice.radio(
        label or tr(name, lang),
        TRI_STATE,
        key=k(prefix, name),
        format_func=labels.__getitem__,
        horizontal=True,
        help=help_line,
    )


# Registry columns the sections of the form place themselves (content, details, credits);
# any other column of catalogue.columns.form_columns (a new one) is asked by extra_fields.
LAID_OUT: frozenset[str] = frozenset(
    {"name", "description", "name_en", "description_en", "name_uk", "description_uk",
     "address", "website", "email", "phone", *LINK_FIELDS, "price", "free", "opening_hours",
     "family", "pets", *ACCESS_FACTS, "source", "text_author"}
)  # fmt: skip


def extra_fields(
    prefix: str, lang: str, issues: dict[str, list[ValidationIssue]], show_required: bool
) -> None:
    """The registry's plain columns no section places, each with its registry widget."""
    for column in form_columns():
        if column.name in LAID_OUT:
            continue
        label = field_label(column, lang)
        help_line = column.form_help[lang] if column.form_help else None
        if column.form == "yes_no":
            _tri_state(prefix, column.name, lang, label, help_line)
        elif column.form == "textarea":
            st.text_area(
                label, key=k(prefix, column.name), max_chars=column.max_length, help=help_line
            )
        else:
            st.text_input(
                label, key=k(prefix, column.name), max_chars=column.max_length, help=help_line
            )
        show_issues(issues.get(column.name, []), lang, show_required)


def detail_fields(
    prefix: str, lang: str, issues: dict[str, list[ValidationIssue]], show_required: bool
) -> None:
    """Address, contact, prices, season, accessibility, languages, tags, source."""
    st.text_input(tr("address", lang), key=k(prefix, "address"), max_chars=300)
    show_issues(issues.get("address", []), lang, show_required)
    st.markdown(f"**{tr('contact', lang)}**")
    for name in ("website", "email", "phone", *LINK_FIELDS, "price"):
        st.text_input(
            tr(name, lang), key=k(prefix, name), max_chars=COLUMN_BY_NAME[name].max_length
        )
        show_issues(issues.get(name, []), lang, show_required)
        if name == "phone":
            show_issues(issues.get("contact", []), lang, show_required)
    _tri_state(prefix, "free", lang)
    st.markdown(f"**{tr('when', lang)}**")
    choice.multiselect(
        tr("months", lang),
        list(range(1, 13)),
        key=k(prefix, "months"),
        format_func=lambda m: month_name(m, lang),
        placeholder=tr("choose", lang),
    )
    show_issues(issues.get("months", []), lang, show_required)
    st.text_input(
        tr("opening_hours", lang),
        key=k(prefix, "opening_hours"),
        max_chars=500,
        help=tr("opening_hours_help", lang),
        placeholder="Tu-Su 09:00-17:00; PH off",
    )
    show_issues(issues.get("opening_hours", []), lang, show_required)
    c1, c2 = st.columns(2)
    with c1:
        st.date_input(
            tr("event_start", lang), key=k(prefix, "event_start"), value=None, format="DD.MM.YYYY"
        )
        show_issues(issues.get("event_start", []), lang, show_required)
    with c2:
        st.date_input(
            tr("event_end", lang), key=k(prefix, "event_end"), value=None, format="DD.MM.YYYY"
        )
        show_issues(issues.get("event_end", []), lang, show_required)
    labels = {"": tr("unknown", lang), "yes": tr("yes", lang), "limited": tr("limited", lang),
              "no": tr("no", lang)}  # fmt: skip
    st.session_state.setdefault(k(prefix, "wheelchair"), "")
    choice.radio(
        tr("wheelchair", lang),
        WHEELCHAIR_CHOICES,
        key=k(prefix, "wheelchair"),
        format_func=labels.__getitem__,
        horizontal=True,
    )
    show_issues(issues.get("wheelchair", []), lang, show_required)
    for name in ("family", "pets"):
        _tri_state(prefix, name, lang)
    with st.expander(tr("more_access", lang), icon=":material/accessible:"):
        for name in ACCESS_FACTS:
            _tri_state(prefix, name, lang)
    choice.multiselect(
        tr("languages", lang),
        list(OFFER_LANGUAGES),
        key=k(prefix, "languages"),
        format_func=lambda code: f"{code} · {OFFER_LANGUAGES[code][0 if lang == 'pl' else 1]}",
        placeholder=tr("choose", lang),
    )
    show_issues(issues.get("languages", []), lang, show_required)
    st.text_input(tr("tags", lang), key=k(prefix, "tags"), max_chars=500)
    show_issues(issues.get("tags", []), lang, show_required)
    st.text_input(tr("source", lang), key=k(prefix, "source"), max_chars=500)
    show_issues(issues.get("source", []), lang, show_required)
    extra_fields(prefix, lang, issues, show_required)


def partner_fields(
    prefix: str,
    lang: str,
    partners: pd.DataFrame,
    issues: dict[str, list[ValidationIssue]],
    show_required: bool,
) -> None:
    """An existing partner from the registry, or a new organisation with its sector."""
    st.markdown(f"**{tr('partner_block', lang)}**")
    st.session_state.setdefault(k(prefix, "partner_mode"), "existing")
    choice.radio(
        tr("partner_mode", lang),
        PARTNER_MODES,
        key=k(prefix, "partner_mode"),
        format_func=lambda m: tr(f"mode_{m}", lang),
        horizontal=True,
    )
    if st.session_state[k(prefix, "partner_mode")] == "existing":
        names = dict(zip(partners["id"], partners["name"], strict=True)) if len(partners) else {}
        choice.selectbox(
            tr("partner", lang),
            sorted(names, key=lambda pid: str(names[pid]).casefold()),
            key=k(prefix, "partner_id"),
            index=None,
            placeholder=tr("choose", lang),
            format_func=lambda pid: str(names.get(pid, pid)),
        )
    else:
        st.text_input(tr("partner_name", lang), key=k(prefix, "partner_name"), max_chars=200)
        choice.selectbox(
            tr("partner_sector", lang),
            [s.value for s in Sector],
            key=k(prefix, "partner_sector"),
            index=None,
            placeholder=tr("choose", lang),
            format_func=lambda s: sector_label(s, lang),
        )
        show_issues(
            issues.get("partner", []) + issues.get("partner_sector", []), lang, show_required
        )
        new_partner_fields(prefix, lang, issues, show_required)
        return
    show_issues(issues.get("partner", []) + issues.get("partner_sector", []), lang, show_required)


def new_partner_fields(
    prefix: str, lang: str, issues: dict[str, list[ValidationIssue]], show_required: bool
) -> None:
    """Legal form (fixed list and free text), NIP, REGON, KRS, e-mail and phone of a new
    organisation, each with its issues right under it."""
    st.session_state.setdefault(k(prefix, "partner_legal_form_code"), "")
    choice.selectbox(
        tr("partner_legal_form_code", lang),
        ["", *(form.slug for form in LEGAL_FORMS)],
        key=k(prefix, "partner_legal_form_code"),
        format_func=lambda slug: (
            legal_form_label(slug, lang) if slug else tr("legal_form_none", lang)
        ),
    )
    # The import's column of the code is partner_legal_form (see ui.form_values.values_to_record).
    show_issues(issues.get("partner_legal_form", []), lang, show_required)
    st.text_input(
        tr("partner_legal_form", lang), key=k(prefix, "partner_legal_form"), max_chars=200
    )
    st.caption(tr("partner_identity", lang))
    for name, limit in (
        ("partner_nip", 20),
        ("partner_regon", 20),
        ("partner_krs", 20),
        ("partner_email", 254),
        ("partner_phone", 100),
    ):
        help_key = f"{name}_help"
        st.text_input(
            tr(name, lang),
            key=k(prefix, name),
            max_chars=limit,
            help=tr(help_key, lang) if help_key in F else None,
        )
        show_issues(issues.get(name, []), lang, show_required)


# -- preview ------------------------------------------------------------------------------


def preview(product: Product | None, record: dict, lang: str, partner_label: str) -> None:
    """How the offering will read on the map, from the validated product (or the record)."""
    name = product.name_pl if product else record.get("name", "")
    st.markdown(f"### {md_escape(name) or '…'}")
    parts = []
    category = product.category if product else ""
    if category:
        parts.append(md_escape(category_label(category, lang)))
    if product and product.district_teryt:
        parts.append(md_escape(district_name(product.district_teryt, lang)))
        if product.gmina_teryt:
            gminy = {
                g["teryt"]: gmina_label(g, lang) for g in gminy_of_district(product.district_teryt)
            }
            parts.append(md_escape(gminy.get(product.gmina_teryt, product.gmina_teryt)))
    if parts:
        st.markdown(" · ".join(parts))
    description = product.description_pl if product else record.get("description", "")
    if description:
        st.markdown(md_escape(description))
    credit = credit_line(
        "text", str(record.get("text_author") or ""), str(record.get("text_licence") or ""), lang
    )
    if credit:
        st.caption(md_escape(credit))
    facts = []
    if partner_label:
        facts.append(f"**{tr('partner', lang)}:** {md_escape(partner_label)}")
    if product:
        if product.address:
            facts.append(f"**{tr('address', lang)}:** {md_escape(product.address)}")
        if product.website:
            facts.append(f"**{tr('website', lang)}:** {md_link(product.website, product.website)}")
        for name, url in product.links().items():
            facts.append(f"**{tr(name, lang)}:** {md_link(url, url)}")
        for name in ("email", "phone", "price"):
            value = getattr(product, name)
            if value:
                facts.append(f"**{tr(name, lang)}:** {md_escape(value)}")
        if product.months:
            months = ", ".join(month_name(m, lang) for m in product.months)
            facts.append(f"**{tr('months', lang)}:** {md_escape(months)}")
        if product.opening_hours:
            hours = describe(product.opening_hours, lang)
            facts.append(f"**{tr('opening_hours', lang)}:** {md_escape(hours)}")
        if product.wheelchair:
            facts.append(md_escape(wheelchair_label(product.wheelchair, lang)))
        if product.tags:
            facts.append(f"**{tr('tags', lang)}:** {md_escape(', '.join(product.tags))}")
    if facts:
        st.markdown("  \n".join(facts))


def left_column_fields(
    prefix: str, lang: str, partner_frame: pd.DataFrame, issues: dict, tried: bool
) -> None:
    """The form's text side, in the order both the submission and the edit page show it:
    content, who runs it, details, credits."""
    content_fields(prefix, lang, issues, tried)
    partner_fields(prefix, lang, partner_frame, issues, tried)
    detail_fields(prefix, lang, issues, tried)
    credit_fields(prefix, lang, issues, tried)


def credit_fields(
    prefix: str, lang: str, issues: dict[str, list[ValidationIssue]], show_required: bool
) -> None:
    """Author and licence of the descriptions and photos, and the author's consent."""
    st.markdown(f"**{tr('credits', lang)}**")
    st.text_input(
        tr("text_author", lang),
        key=k(prefix, "text_author"),
        max_chars=200,
        help=tr("text_author_help", lang),
    )
    show_issues(issues.get("text_author", []), lang, show_required)
    st.session_state.setdefault(k(prefix, "text_licence"), DEFAULT_LICENCE)
    choice.selectbox(
        tr("text_licence", lang),
        list(LICENCE_BY_SLUG),
        key=k(prefix, "text_licence"),
        format_func=lambda slug: LICENCE_BY_SLUG[slug].label(lang),
    )
    st.checkbox(tr("consent", lang), key=k(prefix, "consent"))
    show_issues(issues.get("consent", []), lang, show_required)
