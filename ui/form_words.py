"""What the offering form says: its field labels, and its wording of validation issues, shown
under each field and listed under the send button."""

from __future__ import annotations

from functools import partial

import streamlit as st

from catalogue.columns import Column, form_columns
from catalogue.localise import localised
from catalogue.model import ACCESS_FACTS
from catalogue.taxonomy import ACCESS_LABELS
from catalogue.validation.report import ValidationIssue, ValidationReport
from ui.i18n import load_strings, translate
from ui.text import md_escape

# The registry's labels of the form's plain columns (address, contact, links, price…); an
# entry of the page's strings words a question the form's own way instead.
F = {
    **{c.name: c.label for c in form_columns() if c.label},
    **load_strings("product_form"),
    **{fact: ACCESS_LABELS[fact] for fact in ACCESS_FACTS},
}

tr = partial(translate, F)


def field_label(column: Column, lang: str) -> str:
    """The form's label of a registry column: its own wording in F, else the registry's."""
    if column.name in F or column.label is None:
        return tr(column.name, lang)
    return column.label[lang]


def issues_by_column(report: ValidationReport) -> dict[str, list[ValidationIssue]]:
    """Issues grouped by canonical column (the form passes canonical headers)."""
    grouped: dict[str, list[ValidationIssue]] = {}
    for issue in report.issues:
        grouped.setdefault(issue_field(issue), []).append(issue)
    return grouped


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
