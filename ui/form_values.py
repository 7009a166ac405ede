"""The offering form's widget values: their names and session-state keys, and how they turn
into a catalogue import record and back (plain data, no Streamlit)."""

from __future__ import annotations

from datetime import date

from catalogue.cells import months_to_text
from catalogue.columns import Column, form_columns
from catalogue.contacts import normalise_email, normalise_phone
from catalogue.model import Product
from catalogue.taxonomy import DEFAULT_LICENCE, WHEELCHAIR_LEVELS, check_licence
from catalogue.validation.report import ValidationIssue, ValidationReport
from catalogue.vocabularies import OFFER_LANGUAGES

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
# product columns of the same name (see ui.form_state.validate).
NEW_PARTNER_FIELDS: tuple[str, ...] = (
    "partner_legal_form_code",
    "partner_nip",
    "partner_regon",
    "partner_krs",
    "partner_email",
    "partner_phone",
)
GMINA_AUTO = ""


def k(prefix: str, name: str) -> str:
    """Session-state key of a form widget."""
    return f"{prefix}_{name}"


def profile_fields() -> tuple[str, ...]:
    """Widget names (without the prefix) of the offering's profile, registry columns first."""
    return (*(c.name for c in form_columns()), *OWN_PROFILE_FIELDS)


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
        # free-text legal form (widget partner_legal_form) is kept as typed
        # (ui.form_state.validate).
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
