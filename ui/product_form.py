"""The offering form shared by the submit, edit-link and moderation pages.

Widgets are keyed ``{prefix}_{field}`` so each page keeps its own values in session state
(nothing typed is lost on a rerun or a validation error). The form builds one record with
the canonical import columns and checks it with
:func:`catalogue.validation.rows.validate_records`, so a partner typing in the form sees the same
rules and messages as a partner uploading a spreadsheet.

The location is set by clicking the map, by pasting coordinates in any format
:func:`geodata.parse_coordinates` reads, or by dragging the marker. streamlit-folium 0.27
does not report marker drags, so the marker's ``dragend`` fires a map ``click`` at the new
position, which the component does report as ``last_clicked``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import partial

import folium
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from catalogue.cells import months_to_text
from catalogue.columns import COLUMN_BY_NAME, LINK_FIELDS, Column, form_columns
from catalogue.contacts import normalise_email, normalise_phone
from catalogue.localise import localised
from catalogue.model import ACCESS_FACTS, Product
from catalogue.opening_hours import describe
from catalogue.taxonomy import (
    ACCESS_LABELS,
    CATEGORIES,
    DEFAULT_LICENCE,
    LEGAL_FORMS,
    LICENCE_BY_SLUG,
    WHEELCHAIR_LEVELS,
    Sector,
    Status,
    category_label,
    check_licence,
    credit_line,
    legal_form_label,
    sector_label,
    wheelchair_label,
)
from catalogue.validation.report import ValidationIssue, ValidationReport
from catalogue.validation.rows import validate_records
from catalogue.vocabularies import OFFER_LANGUAGES
from geodata import (
    CoordinateError,
    district_name,
    gminy_of_district,
    guess_gmina,
    locate,
    parse_coordinates,
)
from mapview.builder import build_base_map
from ui import choice
from ui.i18n import gmina_label, load_strings, month_name, translate
from ui.state import get_store
from ui.text import md_escape, md_link

# The registry's labels of the form's plain columns (address, contact, links, price…); an
# entry of the page's strings words a question the form's own way instead.
F = {
    **{c.name: c.label for c in form_columns() if c.label},
    **load_strings("product_form"),
    **{fact: ACCESS_LABELS[fact] for fact in ACCESS_FACTS},
}

# The form's own questions besides the registry's plain widgets (catalogue.columns.form_columns:
# names, descriptions, address, contact, links, price, yes/no facts, author, source).
OWN_PROFILE_FIELDS: tuple[str, ...] = (
    "category",
    "months",
    "event_start",
    "event_end",
    "wheelchair",
    "languages",
    "tags",
    "text_licence",
    "consent",
)
TRI_STATE: tuple[str, ...] = ("", "tak", "nie")
# The wheelchair answer is a level of catalogue.taxonomy.WHEELCHAIR_LEVELS ("" = not stated).
WHEELCHAIR_CHOICES: tuple[str, ...] = ("", *WHEELCHAIR_LEVELS)
PARTNER_MODES: tuple[str, ...] = ("existing", "new")
# What the form asks of a new organisation besides its name, sector and free-text legal form
# (widget names without the prefix). The numbers and the legal form code go to the import's
# partner_* columns and are checked there; e-mail and phone by the import's rules for the
# product columns of the same name (see validate).
NEW_PARTNER_FIELDS: tuple[str, ...] = (
    "partner_legal_form_code",
    "partner_nip",
    "partner_regon",
    "partner_krs",
    "partner_email",
    "partner_phone",
)
GMINA_AUTO = ""


tr = partial(translate, F)


def k(prefix: str, name: str) -> str:
    """Session-state key of a form widget."""
    return f"{prefix}_{name}"


def profile_fields() -> tuple[str, ...]:
    """Widget names (without the prefix) of the offering's profile, registry columns first."""
    return (*(c.name for c in form_columns()), *OWN_PROFILE_FIELDS)


def field_label(column: Column, lang: str) -> str:
    """The form's label of a registry column: its own wording in F, else the registry's."""
    if column.name in F or column.label is None:
        return tr(column.name, lang)
    return column.label[lang]


# -- pure conversion ----------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("tak" if value else "nie")


def _widget_value(column: Column, product: Product):
    value = getattr(product, column.product_fields[0])
    return _yes_no(value) if column.form == "yes_no" else value


def product_to_values(product: Product) -> dict:
    """Widget values (without the prefix) showing ``product``."""
    return {
        **{c.name: _widget_value(c, product) for c in form_columns()},
        "category": product.category or None,
        "coordinates": f"{float(product.lat):.6f}, {float(product.lon):.6f}",
        "gmina": product.gmina_teryt or GMINA_AUTO,
        "partner_mode": "existing",
        "partner_id": product.partner_id or None,
        "partner_name": "",
        "partner_sector": None,
        "partner_legal_form": "",
        **dict.fromkeys(NEW_PARTNER_FIELDS, ""),
        "months": list(product.months),
        "event_start": product.event_start,
        "event_end": product.event_end,
        "wheelchair": product.wheelchair,
        "languages": [c for c in product.languages if c in OFFER_LANGUAGES],
        "tags": ", ".join(product.tags),
        "text_licence": product.text_licence or DEFAULT_LICENCE,
        # A licence on record was agreed to when it was given.
        "consent": bool(product.text_licence),
    }


def values_to_record(values: dict) -> dict:
    """The canonical import record (column → cell text) of the form's widget values."""
    plain = form_columns()
    record = {
        **{c.name: values.get(c.name) or "" for c in plain},
        "category": values.get("category") or "",
        "coordinates": values.get("coordinates") or "",
        "gmina": values.get("gmina") or "",
        "months": months_to_text(values.get("months") or []),
        "event_start": _iso(values.get("event_start")),
        "event_end": _iso(values.get("event_end")),
        "wheelchair": values.get("wheelchair") or "",
        "languages": ";".join(values.get("languages") or []),
        "tags": values.get("tags") or "",
        # No licence without the author's consent: the text is then published uncredited
        # only once the consent is given (the form refuses to send before).
        "text_licence": (values.get("text_licence") or "") if values.get("consent") else "",
        "partner": "",
        "partner_sector": "",
        # The import's column partner_legal_form takes a code of the fixed list; the form's
        # free-text legal form (widget partner_legal_form) is kept as typed (validate).
        "partner_legal_form": "",
        "partner_nip": "",
        "partner_regon": "",
        "partner_krs": "",
    }
    mode = values.get("partner_mode") or "existing"
    if mode not in PARTNER_MODES:
        raise ValueError(f"unknown partner mode {mode!r}; expected one of {PARTNER_MODES}")
    for name in (c.name for c in plain if c.form == "yes_no"):
        if (values.get(name) or "") not in TRI_STATE:
            raise ValueError(f"unknown {name} answer {values.get(name)!r}; expected {TRI_STATE}")
    if (values.get("wheelchair") or "") not in WHEELCHAIR_CHOICES:
        raise ValueError(
            f"unknown wheelchair answer {values.get('wheelchair')!r}; expected {WHEELCHAIR_CHOICES}"
        )
    check_licence(values.get("text_licence") or "")
    if mode == "new":
        record["partner"] = values.get("partner_name") or ""
        record["partner_sector"] = values.get("partner_sector") or ""
        record["partner_legal_form"] = values.get("partner_legal_form_code") or ""
        for name in ("partner_nip", "partner_regon", "partner_krs"):
            record[name] = values.get(name) or ""
    else:
        record["partner"] = values.get("partner_id") or ""
    return record


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else (value or "")


def issues_by_column(report: ValidationReport) -> dict[str, list[ValidationIssue]]:
    """Issues grouped by canonical column (the form passes canonical headers)."""
    grouped: dict[str, list[ValidationIssue]] = {}
    for issue in report.issues:
        grouped.setdefault(issue_field(issue), []).append(issue)
    return grouped


# -- state --------------------------------------------------------------------------------


def load_values(prefix: str, values: dict, marker: object) -> None:
    """Put ``values`` into the widgets once per ``marker`` (a product or revision id).

    Later reruns keep what the user typed; a different marker (another revision chosen)
    loads again.
    """
    if st.session_state.get(k(prefix, "_loaded")) == marker:
        return
    for name, value in values.items():
        st.session_state[k(prefix, name)] = value
    st.session_state[k(prefix, "_loaded")] = marker


def clear_values(prefix: str) -> None:
    """Forget every widget value of the form (after a successful send)."""
    for key in [key for key in st.session_state if str(key).startswith(f"{prefix}_")]:
        del st.session_state[key]


def prepare(prefix: str, partners: pd.DataFrame) -> None:
    """Drop choices the current input no longer allows, before validating and rendering.

    A gmina of another district (the point moved) goes back to "from the location"; a
    partner no longer in the registry (merged) is unset.
    """
    point = parsed_point(prefix)
    gmina_key, guess_key = k(prefix, "gmina"), k(prefix, "_gmina_guess")
    if point is None or point.district is None:
        st.session_state[gmina_key] = GMINA_AUTO
        st.session_state.pop(guess_key, None)
    else:
        # Preselect the gmina the point is in; it follows the point until the partner
        # picks another one.
        allowed = {g["teryt"] for g in gminy_of_district(point.district)}
        guess = guess_gmina(point.lat, point.lon, point.district)
        current = st.session_state.get(gmina_key)
        if current not in allowed or current == st.session_state.get(guess_key):
            st.session_state[gmina_key] = guess
        st.session_state[guess_key] = guess
    partner_key = k(prefix, "partner_id")
    known = set(partners["id"]) if len(partners) else set()
    if st.session_state.get(partner_key) not in known:
        st.session_state[partner_key] = None


def current_values(prefix: str) -> dict:
    names = (*profile_fields(), "coordinates", "gmina") + (
        "partner_mode",
        "partner_id",
        "partner_name",
        "partner_sector",
        "partner_legal_form",
        *NEW_PARTNER_FIELDS,
    )
    return {name: st.session_state.get(k(prefix, name)) for name in names}


@st.cache_data(show_spinner=False, max_entries=8)
def _products(url: str, version: int, every_status: bool) -> pd.DataFrame:
    statuses = list(Status) if every_status else [Status.PUBLISHED, Status.PENDING]
    frame = get_store().products_frame(statuses=statuses)
    return frame[["id", "name_pl", "lat", "lon", "status"]]


def catalogue_products(every_status: bool = False) -> pd.DataFrame:
    """Products for duplicate checks, cached per catalogue version.

    The form checks against published and waiting offerings only: a rejected or withdrawn
    entry is no reason to warn (ids stay unique: submit_new picks a free one inside its
    transaction). A file import needs ``every_status``, exactly like
    :func:`catalogue.importing.import_records`, which generates ids against all of them.
    """
    store = get_store()
    return _products(store.url, store.catalogue_version(), every_status)


def validate(
    prefix: str,
    lang: str,
    partners: pd.DataFrame,
    exclude_id: str | None = None,
    require_reachable: bool = True,
) -> tuple[Product | None, ValidationReport, dict]:
    """Validate the form like a one-row file; ``exclude_id``: the product being edited.

    ``require_reachable``: partners must name who runs the offering and one contact (the
    rule of :func:`catalogue.validation.rows.validate_records`); staff editing may pass False.
    """
    values = current_values(prefix)
    record = values_to_record(values)
    if not record["text_author"].strip():
        # Default credit of a partner's submission: the organisation that runs it.
        record["text_author"] = partner_label(prefix, partners)
    existing = catalogue_products()
    if exclude_id:
        existing = existing[existing["id"] != exclude_id]
    products, report = validate_records(
        [record],
        existing=existing,
        lang=lang,
        header=list(record),
        partners=partners[["id", "name", "sector"]] if not partners.empty else None,
        source="partner_form",
        # Typed text is literal: the apostrophe rule is for cells exported by this app.
        unquote=False,
        require_reachable=require_reachable,
    )
    if any(issue.code == "empty_file" for issue in report.issues):
        # An untouched form is not "a file with no rows": name every field still to fill.
        report.issues = [
            ValidationIssue(2, column, code, "error")
            for column, code in EMPTY_FORM_ISSUES
            if require_reachable or code == "required"
        ]
    elif require_reachable and not values.get("consent"):
        # Partners publish their texts and photos only with the author's consent.
        report.issues.append(ValidationIssue(2, "consent", "consent_required", "error"))
    contact_issues = complete_new_partners(values, report)
    report.issues.extend(contact_issues)
    product = products[0]
    if product is not None and not values.get("consent") and require_reachable:
        product = None  # nothing is sent without the consent
    if contact_issues:
        product = None  # nor with an organisation's contact that is wrong
    return product, report, record


def complete_new_partners(values: dict, report: ValidationReport) -> list[ValidationIssue]:
    """Give the new organisation of ``report`` what the form asks beyond the file columns.

    The validator already gave it its NIP, REGON, KRS and legal form code (checked as in a
    file). Here: the free-text legal form as typed, and the public e-mail and phone checked
    by the import's rules (:func:`~catalogue.contacts.normalise_email`,
    :func:`~catalogue.contacts.normalise_phone`). Returns the issues of a wrong e-mail or
    phone (columns ``partner_email``, ``partner_phone``), worded like the import's.
    """
    if (values.get("partner_mode") or "existing") != "new":
        return []
    issues = []
    contact = {}
    for name, normalise, code in (
        ("email", normalise_email, "bad_email"),
        ("phone", normalise_phone, "bad_phone"),
    ):
        raw = str(values.get(f"partner_{name}") or "").strip()
        try:
            contact[name] = normalise(raw)
        except ValueError:
            issues.append(ValidationIssue(2, f"partner_{name}", code, "error", {"value": raw}))
            contact[name] = ""
    legal_form = str(values.get("partner_legal_form") or "").strip()[:200]
    for partner in report.new_partners:
        partner.legal_form = legal_form
        partner.email = contact["email"]
        partner.phone = contact["phone"]
    return issues


# What an untouched form still needs, as (column, issue code).
EMPTY_FORM_ISSUES = (
    ("name", "required"),
    ("category", "required"),
    ("coordinates", "required"),
    ("partner", "partner_required"),
    ("", "contact_required"),
    ("consent", "consent_required"),
)

# The form's own words for issues whose file wording names rows and columns.
FORM_MESSAGES: dict[tuple[str, str], dict[str, str]] = {
    ("required", "name"): {
        "pl": "Podaj nazwę oferty.",
        "en": "Give the offering a name.",
        "uk": "Вкажіть назву пропозиції.",
    },
    ("required", "category"): {
        "pl": "Wybierz kategorię z listy.",
        "en": "Choose a category from the list.",
        "uk": "Оберіть категорію зі списку.",
    },
    ("required", "coordinates"): {
        "pl": "Podaj lokalizację: wklej współrzędne albo kliknij mapę.",
        "en": "Give the location: paste coordinates or click the map.",
        "uk": "Вкажіть розташування: вставте координати або клацніть на мапі.",
    },
    ("partner_required", "partner"): {
        "pl": "Podaj, kto prowadzi ofertę: wybierz partnera z listy albo wpisz nazwę nowej "
        "organizacji.",
        "en": "Say who runs the offering: choose a partner from the list or type the name "
        "of a new organisation.",
        "uk": "Вкажіть, хто проводить пропозицію: оберіть партнера зі списку або введіть "
        "назву нової організації.",
    },
    ("consent_required", "consent"): {
        "pl": "Zaznacz zgodę na publikację opisów i zdjęć (autor lub jego zgoda).",
        "en": "Tick the consent to publish the texts and photos (you are the author or have "
        "the author's consent).",
        "uk": "Позначте згоду на публікацію текстів і фото (ви автор або маєте його згоду).",
    },
    ("contact_required", ""): {
        "pl": "Podaj co najmniej jeden kontakt: telefon, e-mail albo stronę internetową.",
        "en": "Give at least one contact: phone, e-mail or website.",
        "uk": "Вкажіть хоча б один контакт: телефон, e-mail або вебсайт.",
    },
}

# Form group of issues that concern no single column.
FIELD_OF_CODE = {"contact_required": "contact"}


def issue_text(issue: ValidationIssue, lang: str) -> str:
    """What is wrong and how to fix it, in the form's words (no rows, no columns)."""
    own = FORM_MESSAGES.get((issue.code, issue.column))
    if own is not None:
        return localised(own, lang)
    detail = issue.detail(lang)
    return detail[:1].upper() + detail[1:]


def issue_field(issue: ValidationIssue) -> str:
    """The form field (or group) an issue is shown at."""
    return FIELD_OF_CODE.get(issue.code, issue.column or "")


def issue_line(issue: ValidationIssue, lang: str) -> str:
    """``Field: what to do`` for the list under the send button."""
    field_name = issue_field(issue)
    label = tr(field_name, lang) if field_name in F else ""
    if field_name == "contact":
        label = tr("contact_only", lang)
    elif field_name == "consent":
        label = tr("consent_label", lang)
    text = issue_text(issue, lang)
    return f"{label}: {text}" if label else text


# -- widgets ------------------------------------------------------------------------------


def show_issues(issues: list[ValidationIssue], lang: str, required_too: bool) -> None:
    """A field's issues right under it: errors red, warnings yellow."""
    for issue in issues:
        if issue.code in REQUIRED_CODES and not required_too:
            continue
        if issue.severity == "error":
            # Messages quote what was typed (and other offerings' names): escape them.
            st.error(md_escape(issue_text(issue, lang)), icon=":material/error:")
        else:
            st.warning(md_escape(issue_text(issue, lang)), icon=":material/warning:")


# Issues about what is not filled in yet: shown only once the partner tried to send.
REQUIRED_CODES = ("required", "partner_required", "contact_required", "consent_required")


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
    # The import's column of the code is partner_legal_form (see values_to_record).
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


@dataclass
class Point:
    lat: float
    lon: float
    district: str | None  # TERYT, None outside the five districts


def parsed_point(prefix: str) -> Point | None:
    """The point typed or clicked so far, or None if there is none (or it is unreadable)."""
    text = st.session_state.get(k(prefix, "coordinates")) or ""
    if not text.strip():
        return None
    try:
        lat, lon = parse_coordinates(text)
        location = locate(lat, lon)
    except (CoordinateError, ValueError):
        return None
    return Point(lat, lon, location.teryt if location else None)


def _take_map_click(prefix: str) -> None:
    # Runs before the script, so the coordinates widget may still be changed.
    event = st.session_state.get(k(prefix, "map")) or {}
    point = event.get("last_clicked")
    if point and point.get("lat") is not None:
        st.session_state[k(prefix, "coordinates")] = f"{point['lat']:.6f}, {point['lng']:.6f}"


class DraggablePin(MacroElement):
    """The chosen point: a draggable pin whose drop is reported as a map click."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
            var pin = L.divIcon({className: "", iconSize: [30, 42], iconAnchor: [15, 41],
                html: '<svg width="30" height="42" viewBox="0 0 30 42" aria-hidden="true">'
                    + '<path d="M15 1C7.3 1 1 7.2 1 14.9 1 25.3 15 41 15 41s14-15.7 14-26.1C29 7.2 22.7 1 15 1z"'
                    + ' fill="#c62828" stroke="#fff" stroke-width="2"/><circle cx="15" cy="15" r="5" fill="#fff"/></svg>'});
            var marker = L.marker({{ this.location }}, {draggable: true, autoPan: true,
                icon: pin, title: {{ this.title }}, alt: {{ this.title }}, zIndexOffset: 1000});
            marker.on("dragend", function(e){
                var ll = e.target.getLatLng();
                if (window.map) { window.map.fire("click", {latlng: ll}); }
            });
            marker.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lat: float, lon: float, title: str) -> None:
        super().__init__()
        self._name = "DraggablePin"
        self.location = json.dumps([round(lat, 6), round(lon, 6)])
        self.title = json.dumps(title).replace("<", "\\u003c")


DRAG_TITLE = {
    "pl": "Przeciągnij, aby poprawić położenie",
    "en": "Drag to correct the position",
    "uk": "Перетягніть, щоб уточнити розташування",
}


def location_fields(
    prefix: str,
    lang: str,
    issues: dict[str, list[ValidationIssue]],
    show_required: bool,
    height: int = 420,
) -> Point | None:
    """Map, coordinates and gmina; returns the point when it can be read."""
    st.markdown(f"**{tr('location', lang)}** *")
    st.caption(tr("location_help", lang))
    point = parsed_point(prefix)
    base = build_base_map(lang)
    pin = folium.FeatureGroup(name="pin", control=False)
    if point is not None:
        DraggablePin(point.lat, point.lon, DRAG_TITLE[lang]).add_to(pin)
    _map(base, pin, prefix, point, height)
    st.text_input(
        tr("coordinates", lang),
        key=k(prefix, "coordinates"),
        help=tr("coordinates_help", lang),
        max_chars=300,
    )
    show_issues(issues.get("coordinates", []), lang, show_required)
    gmina_key = k(prefix, "gmina")
    if point is None or point.district is None:
        return point
    st.markdown(
        tr(
            "place",
            lang,
            district=district_name(point.district, lang),
            lat=point.lat,
            lon=point.lon,
        )
    )
    gminy = {g["teryt"]: gmina_label(g, lang) for g in gminy_of_district(point.district)}
    choice.selectbox(tr("gmina", lang), list(gminy), key=gmina_key, format_func=gminy.__getitem__)
    show_issues(issues.get("gmina", []), lang, show_required)
    return point


def _map(base, pin, prefix: str, point: Point | None, height: int) -> None:
    st_folium(
        base,
        key=k(prefix, "map"),
        feature_group_to_add=pin,
        returned_objects=["last_clicked"],
        on_change=lambda: _take_map_click(prefix),
        height=height,
        use_container_width=True,
        center=(point.lat, point.lon) if point else None,
        zoom=13 if point else None,
    )


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


def partner_label(prefix: str, partners: pd.DataFrame) -> str:
    """The partner's name as chosen or typed."""
    if st.session_state.get(k(prefix, "partner_mode")) == "new":
        return str(st.session_state.get(k(prefix, "partner_name")) or "")
    pid = st.session_state.get(k(prefix, "partner_id"))
    if pid and len(partners):
        match = partners[partners["id"] == pid]
        if len(match):
            return str(match.iloc[0]["name"])
    return ""
