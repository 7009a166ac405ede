"""The offering form's values in session state: loading, clearing and reading them, and
checking them like a one-row import file.

The form builds one record with the canonical import columns and checks it with
:func:`catalogue.validation.rows.validate_records`, so a partner typing in the form sees the
same rules and messages as a partner uploading a spreadsheet.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from catalogue.model import Product
from catalogue.taxonomy import Status
from catalogue.validation.report import ValidationIssue, ValidationReport
from catalogue.validation.rows import validate_records
from geodata import gminy_of_district, guess_gmina
from ui.form_values import (
    GMINA_AUTO,
    NEW_PARTNER_FIELDS,
    complete_new_partners,
    k,
    profile_fields,
    values_to_record,
)
from ui.location_picker import parsed_point
from ui.state import get_store, run_version


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
    return _products(store.url, run_version(store), every_status)


# What an untouched form still needs, as (column, issue code).
EMPTY_FORM_ISSUES = (
    ("name", "required"),
    ("category", "required"),
    ("coordinates", "required"),
    ("partner", "partner_required"),
    ("", "contact_required"),
    ("consent", "consent_required"),
)


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
