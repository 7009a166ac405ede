"""What staff need to review submissions: field differences, stale entries, partner checks.

Pure functions, no database and no Streamlit, so the moderation page stays thin and the
rules are tested on their own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from catalogue.cells import FORBIDDEN_CHARS, slugify
from catalogue.columns import MAX_LENGTHS
from catalogue.contacts import normalise_email, normalise_phone, normalise_url
from catalogue.exporting import csv_bytes
from catalogue.identity import IDENTITY_NUMBERS, IdentityError
from catalogue.messages import format_message
from catalogue.model import LIFECYCLE_FIELDS, PRODUCT_FIELDS
from catalogue.taxonomy import (
    LANGUAGES,
    LEGAL_FORM_BY_SLUG,
    LEGAL_FORMS,
    SECTOR_LABELS,
    Sector,
    Status,
    check_language,
)

STALE_DAYS = 365

# Lifecycle bookkeeping changes on every decision; staff review what the partner wrote.
_NOT_CONTENT = LIFECYCLE_FIELDS | {"edit_token_hash"}
_COORDINATE_DIGITS = 7  # ~1 cm: float noise from JSON round trips is not a change


def _normalised(value: Any) -> Any:
    """A comparable form: empties are one value, dates ISO text, lists tuples."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return round(value, _COORDINATE_DIGITS)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, list | tuple):
        items = tuple(_normalised(v) for v in value)
        return items or None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def diff_fields(before: Mapping | None, after: Mapping) -> list[tuple[str, Any, Any]]:
    """``(field, before, after)`` for every content field that differs, in form order.

    ``before`` is the published version (``None`` for a new offering: then every filled
    field of ``after`` is listed with ``None`` before). Only fields present in ``after`` are
    compared, lifecycle fields are skipped, empty values (``None``, ``""``, ``[]``) are equal,
    a date equals its ISO text and coordinates are compared to 7 decimals.
    """
    before = before or {}
    order = {name: i for i, name in enumerate(PRODUCT_FIELDS)}
    keys = sorted(
        (k for k in after if k not in _NOT_CONTENT),
        key=lambda k: (order.get(k, len(order)), k),
    )
    changes = []
    for key in keys:
        old, new = before.get(key), after[key]
        if _normalised(old) != _normalised(new):
            changes.append((key, old, new))
    return changes


def stale_products(
    frame: pd.DataFrame, now: datetime | None = None, days: int = STALE_DAYS
) -> pd.DataFrame:
    """Published rows of a products frame not updated for more than ``days``, oldest first.

    Rows without ``updated_at`` count as stale: nobody knows when they were checked.
    """
    if frame.empty:
        return frame
    now = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
    if now.tzinfo is None:
        now = now.tz_localize("UTC")
    # SQLite returns naive UTC datetimes, PostgreSQL aware ones: make both aware.
    updated = pd.to_datetime(frame["updated_at"], utc=True, errors="coerce")
    published = frame["status"] == Status.PUBLISHED.value
    old = updated.isna() | (updated < now - timedelta(days=days))
    out = frame[published & old].assign(_updated=updated[published & old])
    return out.sort_values("_updated", na_position="first").drop(columns="_updated")


# -- partner registry ---------------------------------------------------------------------

_CONTROL = FORBIDDEN_CHARS  # one owner: the file validation's set
PARTNER_TEXT_LIMITS: dict[str, int] = {
    "name": MAX_LENGTHS["partner"],
    "legal_form": 200,
    "description_pl": MAX_LENGTHS["description"],
    "description_en": MAX_LENGTHS["description"],
    "description_uk": MAX_LENGTHS["description"],
}
_PARTNER_NAME = {
    "pl": "nazwę organizacji",
    "en": "the organisation's name",
    "uk": "назву організації",
}


def check_partner_fields(values: Mapping[str, Any], lang: str = "pl") -> tuple[dict, dict]:
    """Clean a partner typed by staff: ``(values, problems)`` where problems map field →
    message in ``lang``, worded like the file import's messages.

    Checks: name required; text lengths; control characters; sector from the allow-list;
    website http(s) (a bare ``www.x.pl`` gets ``https://``); the public e-mail and phone by
    the import's rules (:func:`~catalogue.contacts.normalise_email`,
    :func:`~catalogue.contacts.normalise_phone`).
    """
    check_language(lang)
    out = dict(values)
    problems: dict[str, str] = {}
    for key, limit in PARTNER_TEXT_LIMITS.items():
        text = str(values.get(key) or "")
        bad = sorted(set(_CONTROL.findall(text)))
        if bad:
            chars = ", ".join(f"U+{ord(c):04X}" for c in bad)
            problems[key] = format_message("control_chars", lang, {"chars": chars})
            continue
        text = text.strip() if key.startswith("description") else " ".join(text.split())
        if len(text) > limit:
            problems[key] = format_message("too_long", lang, {"length": len(text), "max": limit})
        out[key] = text
    if not out.get("name") and "name" not in problems:
        problems["name"] = format_message("required", lang, {"field": _PARTNER_NAME})
    sector = values.get("sector")
    if sector not in {s.value for s in Sector}:
        allowed = {
            code: ", ".join(f"{s.value} ({SECTOR_LABELS[s.value][code]})" for s in Sector)
            for code in LANGUAGES
        }
        problems["sector"] = format_message(
            "bad_sector", lang, {"value": str(sector or ""), "allowed": allowed}
        )
    website = str(values.get("website") or "").strip()
    out["website"] = ""
    if website:
        try:
            out["website"] = normalise_url(website)[0]
        except ValueError as exc:
            code = "javascript_url" if str(exc) == "javascript" else "bad_url"
            problems["website"] = format_message(code, lang, {"value": website})
    for key, normalise, code in (
        ("email", normalise_email, "bad_email"),
        ("phone", normalise_phone, "bad_phone"),
    ):
        text = str(values.get(key) or "").strip()
        out[key] = ""
        if text:
            try:
                out[key] = normalise(text)
            except ValueError:
                problems[key] = format_message(code, lang, {"value": text})
    _check_identity(values, out, problems, lang)
    return out, problems


_IDENTITY_TEXT_LIMITS = {"se_decision_number": 100, "owes": 200}


def _check_identity(values: Mapping[str, Any], out: dict, problems: dict, lang: str) -> None:
    """NIP/REGON/KRS by checksum, the legal form from the fixed list, the social-enterprise
    status (True/False/None) and its decision; only the keys ``values`` carries."""
    for key, check, digits in IDENTITY_NUMBERS:
        if key not in values:
            continue
        text = str(values.get(key) or "").strip()
        out[key] = ""
        if text:
            try:
                out[key] = check(text)
            except IdentityError as exc:
                problems[key] = format_message(
                    f"bad_identity_{exc.reason}",
                    lang,
                    {"value": text, "kind": key.upper(), "digits": digits},
                )
    if "legal_form_code" in values:
        code = str(values.get("legal_form_code") or "")
        out["legal_form_code"] = code
        if code and code not in LEGAL_FORM_BY_SLUG:
            allowed = {c: ", ".join(f.label(c) for f in LEGAL_FORMS) for c in LANGUAGES}
            problems["legal_form_code"] = format_message(
                "bad_legal_form", lang, {"value": code, "allowed": allowed}
            )
    if "social_enterprise" in values:
        status = values.get("social_enterprise")
        if status not in (True, False, None):
            raise ValueError(f"social_enterprise must be True, False or None, not {status!r}")
        out["social_enterprise"] = status
    for key, limit in _IDENTITY_TEXT_LIMITS.items():
        if key in values:
            text = " ".join(str(values.get(key) or "").split())
            out[key] = text
            if len(text) > limit:
                problems[key] = format_message(
                    "too_long", lang, {"length": len(text), "max": limit}
                )
    if "se_decision_date" in values:
        day = values.get("se_decision_date")
        if day is not None and not isinstance(day, date):
            raise ValueError(f"se_decision_date must be a date or None, not {day!r}")
        out["se_decision_date"] = day


def audit_csv(frame: pd.DataFrame, dialect: str = "standard") -> bytes:
    """The audit log as CSV (see :func:`catalogue.exporting.csv_bytes`; ``dialect``
    ``excel-pl`` or ``standard``) with formula-like cells neutralised.

    Audit entries quote what partners typed; a name like ``=HYPERLINK(…)`` must stay text
    when staff open the file in a spreadsheet.
    """
    rows = (
        ["" if _normalised(v) is None else str(v) for v in record]
        for record in frame.itertuples(index=False)
    )
    return csv_bytes(frame.columns, rows, dialect)


def new_partner_id(name: str, taken: Iterable[str]) -> str:
    """A slug id for a new partner that none of ``taken`` uses."""
    used = set(taken)
    base = slugify(name, 60)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


__all__ = [
    "PARTNER_TEXT_LIMITS",
    "audit_csv",
    "STALE_DAYS",
    "check_partner_fields",
    "diff_fields",
    "new_partner_id",
    "stale_products",
]
