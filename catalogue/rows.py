"""Converting between database rows and the model's :class:`Product` and :class:`Partner`.

Rows come from SQLAlchemy mappings or from DataFrame rows (where a missing value is NaN),
so every reader here treats None and NaN alike.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, date, datetime

import pandas as pd

from catalogue.model import ACCESS_FACTS, Partner, Product, months_from_mask, months_to_mask
from catalogue.schema import products_table
from catalogue.taxonomy import wheelchair_level

_BOOL_FIELDS = ("free", "family", "pets", *ACCESS_FACTS)
_LIST_FIELDS = ("tags", "languages", "badges")
# Product fields that are products columns, in the dataclass's order.
_ROW_FIELDS = tuple(f.name for f in fields(Product) if f.name in products_table.c)


def product_to_row(product: Product) -> dict:
    """The ``products`` column values of ``product`` (lists ``;``-joined, months as a mask)."""
    # Plain attribute reads: dataclasses.asdict deep-copies every value, which was most of
    # the time of storing a large import.
    values = {name: getattr(product, name) for name in _ROW_FIELDS}
    for key in _LIST_FIELDS:
        values[key] = ";".join(getattr(product, key))
    values["months_mask"] = months_to_mask(product.months)
    values["partner_id"] = product.partner_id or None
    return values


def row_to_product(row) -> Product:
    """Build a :class:`Product` from a ``products`` row mapping (or a DataFrame row)."""
    data = dict(row)
    kwargs = {
        k: data[k]
        for k in data
        if k in Product.__dataclass_fields__ and k not in (*_LIST_FIELDS, "months")
    }
    for key in _LIST_FIELDS:
        kwargs[key] = _split(data.get(key))
    kwargs["months"] = months_from_mask(_int_or_none(data.get("months_mask")))
    kwargs["partner_id"] = data.get("partner_id") or ""
    for key in _BOOL_FIELDS:
        kwargs[key] = _bool_or_none(data.get(key))
    wheelchair = data.get("wheelchair")
    kwargs["wheelchair"] = "" if _is_missing(wheelchair) else wheelchair_level(wheelchair)
    for key in ("event_start", "event_end"):
        kwargs[key] = _date_or_none(data.get(key))
    for key, value in list(kwargs.items()):
        if (
            key not in _BOOL_FIELDS
            and key not in ("event_start", "event_end")
            and _is_missing(value)
        ):
            kwargs[key] = None if key.endswith("_at") else ""
    return Product(**kwargs)


def product_from_content(data: dict) -> Product:
    """Rebuild a :class:`Product` from :meth:`Product.content_dict` decoded from JSON."""
    data = dict(data)
    for key in ("event_start", "event_end"):
        data[key] = _date_or_none(data.get(key))
    # Revisions written before migration 0101 hold a yes/no flag.
    data["wheelchair"] = wheelchair_level(data.get("wheelchair"))
    return Product(**{k: v for k, v in data.items() if k in Product.__dataclass_fields__})


def row_to_partner(row) -> Partner:
    """Build a :class:`Partner` from a ``partners`` row mapping."""
    return Partner(**{k: row[k] for k in Partner.__dataclass_fields__})


def revision_dict(row) -> dict:
    """A ``revisions`` row as a dict with its ``data`` JSON decoded."""
    rev = dict(row)
    rev["data"] = json.loads(rev["data"])
    return rev


def without_token(values: dict) -> dict:
    """Row values fit for the audit log: the edit token's hash left out."""
    return {k: v for k, v in values.items() if k != "edit_token_hash"}


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns; they are UTC."""
    if value is None or _is_missing(value):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _split(value) -> list[str]:
    if _is_missing(value) or not value:
        return []
    return [part for part in str(value).split(";") if part]


def _is_missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _int_or_none(value) -> int | None:
    return None if _is_missing(value) else int(value)


def _bool_or_none(value) -> bool | None:
    return None if _is_missing(value) else bool(value)


def _date_or_none(value) -> date | None:
    if _is_missing(value) or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
