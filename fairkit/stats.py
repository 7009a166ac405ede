"""Catalogue statistics for the cluster's reports: pure functions over DataFrames.

Inputs are the frames of :meth:`catalogue.storage.CatalogueStore.products_frame` (normally
only published products) and :meth:`~catalogue.storage.CatalogueStore.partners_frame`.
Outputs are plain DataFrames with English column codes; :func:`localise_columns` gives them
Polish, English or Ukrainian headers for display and export. Exports neutralise spreadsheet
formulas, because partner names are untrusted text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd

from catalogue.cells import writable_text
from catalogue.columns import COLUMN_BY_NAME, COLUMN_REGISTRY, completeness_columns, score_fields
from catalogue.exporting import csv_bytes
from catalogue.filters import wheelchair_cell
from catalogue.localise import localised_column
from catalogue.model import ACCESS_FACTS
from catalogue.taxonomy import (
    ACCESS_LABELS,
    CATEGORIES,
    LEGAL_FORMS,
    SECTOR_LABELS,
    WHEELCHAIR_LABELS,
    Sector,
    check_language,
)
from geodata import DISTRICT_TERYTS, district_name

STALE_DAYS = 365
OTHER = "other"  # products/partners with no (or an unknown) district
NO_SECTOR = "none"  # products without a partner
SOCIAL_ECONOMY = Sector.SOCIAL_ECONOMY.value

WORDS: dict[str, dict[str, str]] = {
    "total": {"pl": "Razem", "en": "Total", "uk": "Разом"},
    "other": {"pl": "Poza powiatami / brak", "en": "Outside / unknown", "uk": "Поза повітами"},
    "none": {"pl": "Bez partnera", "en": "No partner", "uk": "Без партнера"},
}

COLUMNS: dict[str, dict[str, str]] = {
    "teryt": {"pl": "TERYT", "en": "TERYT", "uk": "TERYT"},
    "district": {"pl": "Powiat", "en": "District", "uk": "Повіт"},
    "products": {"pl": "Oferty", "en": "Offerings", "uk": "Пропозиції"},
    "social_economy": {
        "pl": "Oferty ekonomii społecznej",
        "en": "Social-economy offerings",
        "uk": "Пропозиції соціальної економіки",
    },
    "share_pct": {"pl": "Udział %", "en": "Share %", "uk": "Частка %"},
    "sector": {"pl": "Sektor (kod)", "en": "Sector (code)", "uk": "Сектор (код)"},
    "sector_label": {"pl": "Sektor", "en": "Sector", "uk": "Сектор"},
    "partners": {"pl": "Partnerzy", "en": "Partners", "uk": "Партнери"},
    "partners_seated": {
        "pl": "Partnerzy z siedzibą w powiecie",
        "en": "Partners seated in the district",
        "uk": "Партнери з осідком у повіті",
    },
    "partners_active": {
        "pl": "Partnerzy z ofertą w powiecie",
        "en": "Partners with offerings in the district",
        "uk": "Партнери з пропозиціями в повіті",
    },
    "social_economy_active": {
        "pl": "Podmioty ES z ofertą w powiecie",
        "en": "Social-economy partners with offerings here",
        "uk": "Суб'єкти СЕ з пропозиціями в повіті",
    },
    "id": {"pl": "ID", "en": "ID", "uk": "ID"},
    "name": {"pl": "Nazwa", "en": "Name", "uk": "Назва"},
    "category": {"pl": "Kategoria", "en": "Category", "uk": "Категорія"},
    "partner": {"pl": "Partner", "en": "Partner", "uk": "Партнер"},
    "completeness": {"pl": "Kompletność", "en": "Completeness", "uk": "Повнота"},
    "missing_en": {"pl": "Brak EN", "en": "No EN", "uk": "Без EN"},
    "missing_uk": {"pl": "Brak UK", "en": "No UK", "uk": "Без UK"},
    "no_description": {"pl": "Brak opisu", "en": "No description", "uk": "Без опису"},
    "no_contact": {"pl": "Brak kontaktu", "en": "No contact", "uk": "Без контактів"},
    "no_photo": {"pl": "Brak zdjęcia", "en": "No photo", "uk": "Без фото"},
    "stale": {
        "pl": "Nieaktualizowane > 1 rok",
        "en": "Not updated > 1 year",
        "uk": "Не оновлювалося > 1 року",
    },
    "updated_at": {"pl": "Ostatnia zmiana", "en": "Last updated", "uk": "Остання зміна"},
    "days_since_update": {
        "pl": "Dni od zmiany",
        "en": "Days since update",
        "uk": "Днів від зміни",
    },
    "issues": {"pl": "Problemy", "en": "Issues", "uk": "Проблеми"},
}
for _cat in CATEGORIES:
    COLUMNS[_cat.slug] = {lang: _cat.label(lang) for lang in ("pl", "en", "uk")}
_SEATED = {"pl": "Siedziba: {s}", "en": "Seated: {s}", "uk": "Осідок: {s}"}
for _sector, _labels in SECTOR_LABELS.items():
    COLUMNS[f"seated_{_sector}"] = {
        lang: _SEATED[lang].format(s=_labels[lang]) for lang in ("pl", "en", "uk")
    }

for _form in LEGAL_FORMS:
    COLUMNS[f"lf_{_form.slug}"] = {lang: _form.label(lang) for lang in ("pl", "en", "uk")}
COLUMNS["lf_unknown"] = {"pl": "Forma nieznana", "en": "Form unknown", "uk": "Форма невідома"}
COLUMNS["field"] = {"pl": "Pole", "en": "Field", "uk": "Поле"}
COLUMNS["filled"] = {"pl": "Wypełnione", "en": "Filled in", "uk": "Заповнено"}
COLUMNS["rows"] = {"pl": "Wszystkich", "en": "Of all", "uk": "Усього"}
COLUMNS["se_partners"] = {
    "pl": "Przedsiębiorstwa społeczne z ofertą",
    "en": "Social enterprises with offerings",
    "uk": "Соціальні підприємства з пропозиціями",
}
COLUMNS["social_enterprises"] = {
    "pl": "Przedsiębiorstwa społeczne (wykaz wojewody)",
    "en": "Social enterprises (voivode's list)",
    "uk": "Соціальні підприємства (реєстр воєводи)",
}

# Accessibility facts counted per district (True only; unknown stays unknown) and the
# opening-season groups, from the 12-bit ``months_mask`` (bit m-1 = month m; 0 = not stated).
ACCESS_COUNTED: tuple[str, ...] = ("wheelchair", "wheelchair_limited", *ACCESS_FACTS, "pets")
SEASONS: dict[str, tuple[int, ...]] = {
    "winter": (12, 1, 2),
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
}
for _fact in ACCESS_COUNTED:
    COLUMNS[_fact] = (
        WHEELCHAIR_LABELS["limited"] if _fact == "wheelchair_limited" else ACCESS_LABELS[_fact]
    )
for _key, _labels in {
    "access_unknown": (
        "Dostępność nieopisana",
        "Accessibility not stated",
        "Доступність не вказана",
    ),
    "all_year": ("Cały rok", "All year", "Цілий рік"),
    "seasonal": ("Sezonowo", "Seasonal", "Сезонно"),
    "winter": ("Otwarte zimą (XII–II)", "Open in winter (Dec–Feb)", "Відкрито взимку (груд.–лют.)"),
    "spring": (
        "Otwarte wiosną (III–V)",
        "Open in spring (Mar–May)",
        "Відкрито навесні (бер.–трав.)",
    ),
    "summer": (
        "Otwarte latem (VI–VIII)",
        "Open in summer (Jun–Aug)",
        "Відкрито влітку (черв.–серп.)",
    ),
    "autumn": (
        "Otwarte jesienią (IX–XI)",
        "Open in autumn (Sep–Nov)",
        "Відкрито восени (вер.–лист.)",
    ),
    "events": ("Wydarzenia z datą", "Dated events", "Події з датою"),
    "season_unknown": ("Sezon nieopisany", "Season not stated", "Сезон не вказано"),
}.items():
    COLUMNS[_key] = dict(zip(("pl", "en", "uk"), _labels, strict=True))

QUALITY_FLAGS: tuple[str, ...] = (
    "missing_en",
    "missing_uk",
    "no_description",
    "no_contact",
    "no_photo",
    "stale",
)


def word(key: str, lang: str) -> str:
    """A fixed word (``total``, ``other``, ``none``) in ``lang``."""
    return WORDS[key][check_language(lang)]


def localise_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy of ``frame`` with its column codes replaced by headers in ``lang``."""
    check_language(lang)
    return frame.rename(columns={c: COLUMNS[c][lang] for c in frame.columns if c in COLUMNS})


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[col].fillna("").astype(str).str.strip()


def _district_key(teryt: pd.Series) -> pd.Series:
    """TERYT of one of the five districts, else :data:`OTHER`."""
    return teryt.fillna("").astype(str).where(teryt.isin(DISTRICT_TERYTS), OTHER)


def _district_rows(keys: pd.Series, lang: str) -> list[str]:
    """The five districts in TERYT order, plus :data:`OTHER` only when it occurs."""
    return list(DISTRICT_TERYTS) + ([OTHER] if (keys == OTHER).any() else [])


def _district_label(key: str, lang: str) -> str:
    if key == OTHER:
        return word("other", lang)
    if key == "":
        return word("total", lang)
    return district_name(key, lang)


def _with_total(frame: pd.DataFrame, lang: str, count_cols: list[str]) -> pd.DataFrame:
    total = {"teryt": "", "district": word("total", lang)}
    total.update({c: int(frame[c].sum()) for c in count_cols})
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).round(1).fillna(0.0)


# -- products -------------------------------------------------------------------------------


def district_category_counts(products: pd.DataFrame, lang: str = "pl") -> pd.DataFrame:
    """Products per district (rows) × category (columns), with row and column totals.

    Columns: ``teryt``, ``district``, one per category slug (in taxonomy order),
    ``products`` (row total). The last row is the total over districts (``teryt`` empty).
    """
    check_language(lang)
    keys = _district_key(_text(products, "district_teryt"))
    rows = _district_rows(keys, lang)
    slugs = [c.slug for c in CATEGORIES]
    table = (
        pd.crosstab(keys, _text(products, "category")) if len(products) else pd.DataFrame(dtype=int)
    )
    table = table.reindex(index=rows, columns=slugs, fill_value=0).fillna(0).astype(int)
    out = table.reset_index(drop=True)
    out.insert(0, "district", [_district_label(k, lang) for k in rows])
    out.insert(0, "teryt", [k if k != OTHER else "" for k in rows])
    out["products"] = out[slugs].sum(axis=1)
    return _with_total(out, lang, [*slugs, "products"])


def social_economy_by_district(products: pd.DataFrame, lang: str = "pl") -> pd.DataFrame:
    """How many offerings of social-economy partners each district has.

    Columns: ``teryt``, ``district``, ``products`` (all offerings), ``social_economy``
    (offerings whose partner's sector is social economy) and ``share_pct`` (per cent, one
    decimal). The last row is the total. Every district appears, with 0 where it has none.
    """
    check_language(lang)
    keys = _district_key(_text(products, "district_teryt"))
    rows = _district_rows(keys, lang)
    is_se = _text(products, "partner_sector") == SOCIAL_ECONOMY
    allp = keys.value_counts().reindex(rows, fill_value=0)
    se = keys[is_se].value_counts().reindex(rows, fill_value=0)
    out = pd.DataFrame(
        {
            "teryt": [k if k != OTHER else "" for k in rows],
            "district": [_district_label(k, lang) for k in rows],
            "products": allp.to_numpy(dtype=int),
            "social_economy": se.to_numpy(dtype=int),
        }
    )
    out = _with_total(out, lang, ["products", "social_economy"])
    out["share_pct"] = _pct(out["social_economy"], out["products"])
    return out


def sector_counts(products: pd.DataFrame, lang: str = "pl") -> pd.DataFrame:
    """Offerings by their partner's sector (all four sectors, plus "no partner" if any).

    Columns: ``sector`` (code), ``sector_label``, ``products``, ``share_pct`` of all
    offerings. The last row is the total.
    """
    check_language(lang)
    sectors = _text(products, "partner_sector")
    sectors = sectors.where(sectors.isin([s.value for s in Sector]), NO_SECTOR)
    order = [s.value for s in Sector] + ([NO_SECTOR] if (sectors == NO_SECTOR).any() else [])
    counts = sectors.value_counts().reindex(order, fill_value=0)
    total = int(counts.sum())
    out = pd.DataFrame(
        {
            "sector": order,
            "sector_label": [
                word("none", lang) if s == NO_SECTOR else SECTOR_LABELS[s][lang] for s in order
            ],
            "products": counts.to_numpy(dtype=int),
        }
    )
    out = pd.concat(
        [
            out,
            pd.DataFrame([{"sector": "", "sector_label": word("total", lang), "products": total}]),
        ],
        ignore_index=True,
    )
    out["share_pct"] = _pct(out["products"], pd.Series(total, index=out.index))
    return out


def products_per_district(products: pd.DataFrame) -> dict[str, int]:
    """Number of offerings per district TERYT (all five keys, 0 where none)."""
    keys = _district_key(_text(products, "district_teryt"))
    counts = keys.value_counts()
    return {t: int(counts.get(t, 0)) for t in DISTRICT_TERYTS}


# -- partners -------------------------------------------------------------------------------


def partners_by_district(
    partners: pd.DataFrame, products: pd.DataFrame, lang: str = "pl"
) -> pd.DataFrame:
    """Partners per district, counted two ways.

    ``partners_seated``: partners whose registered gmina lies in the district, split by sector
    in the columns ``seated_public``, ``seated_business``, ``seated_ngo`` and
    ``seated_social_economy``. ``partners_active``:
    distinct partners with at least one of ``products`` in the district (a partner may be
    active in several districts); ``social_economy_active`` is the same for social-economy
    partners. Columns start with ``teryt``, ``district``; the last row is the total (for the
    ``*_active`` columns the number of distinct partners overall, not the column sum).
    """
    check_language(lang)
    seat = _district_key(_text(partners, "gmina_teryt").str[:4])
    prod_keys = _district_key(_text(products, "district_teryt"))
    rows = sorted(
        set(_district_rows(seat, lang)) | set(_district_rows(prod_keys, lang)),
        key=lambda k: (k == OTHER, k),
    )
    sectors = [s.value for s in Sector]
    seated = (
        pd.crosstab(seat, _text(partners, "sector")) if len(partners) else pd.DataFrame(dtype=int)
    )
    seated = seated.reindex(index=rows, columns=sectors, fill_value=0).fillna(0).astype(int)
    seated_cols = [f"seated_{s}" for s in sectors]
    out = seated.reset_index(drop=True)
    out.columns = seated_cols
    out.insert(0, "district", [_district_label(k, lang) for k in rows])
    out.insert(0, "teryt", [k if k != OTHER else "" for k in rows])
    out["partners_seated"] = out[seated_cols].sum(axis=1)

    pid = _text(products, "partner_id")
    has_partner = pid != ""
    is_se = _text(products, "partner_sector") == SOCIAL_ECONOMY
    active = pd.DataFrame({"key": prod_keys, "pid": pid})[has_partner]
    active_se = pd.DataFrame({"key": prod_keys, "pid": pid})[has_partner & is_se]
    out["partners_active"] = [int(active[active["key"] == k]["pid"].nunique()) for k in rows]
    out["social_economy_active"] = [
        int(active_se[active_se["key"] == k]["pid"].nunique()) for k in rows
    ]
    out = _with_total(out, lang, [*seated_cols, "partners_seated"])
    out.loc[out.index[-1], "partners_active"] = int(active["pid"].nunique())
    out.loc[out.index[-1], "social_economy_active"] = int(active_se["pid"].nunique())
    for col in ("partners_active", "social_economy_active"):
        out[col] = out[col].astype(int)
    return out


def legal_forms_by_district(partners: pd.DataFrame, lang: str = "pl") -> pd.DataFrame:
    """Partners seated in each district by legal form, with social enterprises counted.

    Columns: ``teryt``, ``district``, one ``lf_<slug>`` per form of
    :data:`~catalogue.taxonomy.LEGAL_FORMS` (fixed order, zeros kept so reports compare),
    ``lf_unknown`` (no form stated), ``social_enterprises`` (on the voivode's list) and
    ``partners``; the last row is the total.
    """
    check_language(lang)
    seat = _district_key(_text(partners, "gmina_teryt").str[:4])
    rows = sorted(set(_district_rows(seat, lang)), key=lambda k: (k == OTHER, k))
    slugs = [f.slug for f in LEGAL_FORMS]
    forms = _text(partners, "legal_form_code")
    forms = forms.where(forms.isin(slugs), "unknown")
    counts = pd.crosstab(seat, forms) if len(partners) else pd.DataFrame(dtype=int)
    counts = counts.reindex(index=rows, columns=[*slugs, "unknown"], fill_value=0)
    out = counts.fillna(0).astype(int).reset_index(drop=True)
    out.columns = [f"lf_{c}" for c in [*slugs, "unknown"]]
    out.insert(0, "district", [_district_label(k, lang) for k in rows])
    out.insert(0, "teryt", [k if k != OTHER else "" for k in rows])
    flag = partners["social_enterprise"] if "social_enterprise" in partners else pd.Series()
    is_se = flag.map(lambda v: v is True or v == 1).astype(bool) if len(flag) else flag
    out["social_enterprises"] = [int(is_se[seat == k].sum()) if len(flag) else 0 for k in rows]
    out["partners"] = [int((seat == k).sum()) for k in rows]
    lf_cols = [c for c in out.columns if c.startswith("lf_")]
    return _with_total(out, lang, [*lf_cols, "social_enterprises", "partners"])


def social_enterprise_offerings(
    products: pd.DataFrame, partners: pd.DataFrame, lang: str = "pl"
) -> pd.DataFrame:
    """What social enterprises offer, per district: their offerings by category.

    A social enterprise is a partner on the voivode's list (``social_enterprise`` true);
    offerings count where they are (``district_teryt``). Columns as
    :func:`district_category_counts` (``teryt``, ``district``, one per category, ``products``)
    plus ``se_partners`` (social enterprises with an offering there); the last row is the
    total (its ``se_partners`` counts each enterprise once).
    """
    flags = partners.set_index("id")["social_enterprise"] if len(partners) else pd.Series()
    listed = {pid for pid, v in flags.items() if v is True or v == 1}
    owner = _text(products, "partner_id")
    mine = products[owner.isin(listed).to_numpy(dtype=bool)]
    out = district_category_counts(mine, lang)
    keys = _district_key(_text(mine, "district_teryt"))
    owners = _text(mine, "partner_id")
    counts = [int(owners[keys == k].nunique()) for k in _district_rows(keys, lang)]
    out["se_partners"] = [*counts, int(owners.nunique())]
    return out


# -- completeness per field ------------------------------------------------------------------

# Fields reported on, with their labels: offerings' (the registry's columns marked
# ``completeness``, see :func:`offering_field_labels`) and partners'. A field counts as filled
# when it states something (text not empty, a yes/no answered, a wheelchair level given).
# Two offering counts combine columns and say so: a price or "free" stated; months or dates.
_COMBINED: dict[str, tuple[str, dict[str, str]]] = {
    "price": ("price", {"pl": "Cena lub bezpłatne", "en": "Price or free", "uk": "Ціна або безкоштовно"}),
    "months": ("when", {"pl": "Miesiące lub daty", "en": "Months or dates", "uk": "Місяці або дати"}),
}  # fmt: skip


def offering_field_labels() -> dict[str, dict[str, str]]:
    """The offering fields the completeness table reports, in registry order, with labels.

    Keys are :func:`_filled`'s fields: the column's Product field, or a combined count."""
    labels: dict[str, dict[str, str]] = {}
    for column in completeness_columns():
        key, label = _COMBINED.get(column.name, (column.product_fields[0], column.label))
        labels[key] = label
    return labels


OFFERING_FIELD_LABELS: dict[str, dict[str, str]] = offering_field_labels()
PARTNER_FIELD_LABELS: dict[str, dict[str, str]] = {
    "legal_form_code": {"pl": "Forma prawna", "en": "Legal form", "uk": "Правова форма"},
    "nip": {"pl": "NIP", "en": "NIP", "uk": "NIP"},
    "regon": {"pl": "REGON", "en": "REGON", "uk": "REGON"},
    "krs": {"pl": "KRS", "en": "KRS", "uk": "KRS"},
    "social_enterprise": {
        "pl": "Status przedsiębiorstwa społecznego",
        "en": "Social-enterprise status",
        "uk": "Статус соціального підприємства",
    },
    "gmina_teryt": {"pl": "Siedziba (gmina)", "en": "Seat (gmina)", "uk": "Осідок (ґміна)"},
    **{name: COLUMN_BY_NAME[name].label for name in ("website", "email", "phone")},
    "description_pl": COLUMN_BY_NAME["description"].label,
}


def _yes_no_fields() -> frozenset[str]:
    yes_no = (c.product_fields[0] for c in COLUMN_REGISTRY if c.kind == "yes_no")
    return frozenset({"social_enterprise", *yes_no})


def _filled(frame: pd.DataFrame, field: str) -> pd.Series:
    """True where ``field`` states something (see :data:`OFFERING_FIELD_LABELS`)."""
    if field == "wheelchair":
        return _wheelchair(frame) != ""
    if field == "when":
        months = pd.to_numeric(frame.get("months_mask", 0), errors="coerce")
        dated = pd.Series(months, index=frame.index).fillna(0) != 0
        for col in ("event_start", "event_end"):
            if col in frame.columns:
                dated |= frame[col].notna()
        return dated
    if field == "price":
        return (_text(frame, "price") != "") | _stated(frame, "free")
    if field in _yes_no_fields():
        return _stated(frame, field)
    return _text(frame, field) != ""


def completeness_by_field(
    frame: pd.DataFrame, fields: Mapping[str, Mapping[str, str]], lang: str = "pl"
) -> pd.DataFrame:
    """How many rows of ``frame`` (offerings or partners) fill each field of ``fields``.

    Columns: ``field`` (label in ``lang``), ``filled``, ``rows`` and ``share_pct`` (per cent,
    one decimal), one row per field in the given order.
    """
    check_language(lang)
    rows = len(frame)
    filled = [int(_filled(frame, f).sum()) if rows else 0 for f in fields]
    out = pd.DataFrame(
        {
            "field": [fields[f][lang] for f in fields],
            "filled": filled,
            "rows": [rows] * len(filled),
        }
    )
    out["share_pct"] = _pct(out["filled"], out["rows"])
    return out


# -- data quality and featured products -----------------------------------------------------

# Fields whose presence makes an offering useful to a visitor; one point each (the
# registry's columns marked ``score``).
COMPLETENESS_FIELDS: tuple[str, ...] = score_fields()


def _wheelchair(products: pd.DataFrame) -> pd.Series:
    """Wheelchair level per product: yes / limited / no / "" (not stated)."""
    if "wheelchair" not in products.columns:
        return pd.Series("", index=products.index)
    return products["wheelchair"].map(wheelchair_cell)


def _stated_true(products: pd.DataFrame, col: str) -> pd.Series:
    """True where the fact ``col`` is stated as yes (False and unknown are not counted).

    ``wheelchair_limited`` is wheelchair access stated as limited (partly accessible)."""
    if col in ("wheelchair", "wheelchair_limited"):
        return _wheelchair(products) == ("yes" if col == "wheelchair" else "limited")
    if col not in products.columns:
        return pd.Series(False, index=products.index)
    return products[col].map(lambda v: v is True or (not isinstance(v, bool) and v == 1))


def _stated(products: pd.DataFrame, col: str) -> pd.Series:
    """True where the fact ``col`` is stated at all (yes or no; for wheelchair any level)."""
    if col in ("wheelchair", "wheelchair_limited"):
        return _wheelchair(products) != ""
    if col not in products.columns:
        return pd.Series(False, index=products.index)
    return products[col].map(lambda v: isinstance(v, bool) or v in (0, 1))


def access_season_by_district(products: pd.DataFrame, lang: str = "pl") -> pd.DataFrame:
    """Offerings per district by accessibility fact and by opening season, for reports.

    Columns: ``teryt``, ``district``, ``products``; one per fact of :data:`ACCESS_COUNTED`
    (offerings where it is stated as yes) and ``access_unknown`` (none of them stated);
    ``all_year`` (open every month), ``seasonal`` (some months only), one per season of
    :data:`SEASONS` (open in at least one of its months; all-year offerings count in every
    season), ``events`` (dated events, counted apart from months) and ``season_unknown``
    (neither months nor dates). The last row is the total.
    """
    check_language(lang)
    keys = _district_key(_text(products, "district_teryt"))
    rows = _district_rows(keys, lang)
    months = pd.to_numeric(products.get("months_mask", 0), errors="coerce")
    months = pd.Series(months, index=products.index).fillna(0).astype(int)
    dated = pd.Series(False, index=products.index)
    for col in ("event_start", "event_end"):
        if col in products.columns:
            dated |= products[col].notna()
    undated = ~dated
    flags: dict[str, pd.Series] = {f: _stated_true(products, f) for f in ACCESS_COUNTED}
    any_stated = pd.Series(False, index=products.index)
    for fact in ACCESS_COUNTED:
        any_stated |= _stated(products, fact)
    flags["access_unknown"] = ~any_stated
    flags["all_year"] = undated & (months == 0xFFF)
    flags["seasonal"] = undated & (months != 0) & (months != 0xFFF)
    for season, season_months in SEASONS.items():
        bits = sum(1 << (m - 1) for m in season_months)
        flags[season] = undated & ((months & bits) != 0)
    flags["events"] = dated
    flags["season_unknown"] = undated & (months == 0)
    counts = {
        name: keys[flag.to_numpy(dtype=bool)].value_counts().reindex(rows, fill_value=0)
        for name, flag in flags.items()
    }
    out = pd.DataFrame(
        {
            "teryt": [k if k != OTHER else "" for k in rows],
            "district": [_district_label(k, lang) for k in rows],
            "products": keys.value_counts().reindex(rows, fill_value=0).to_numpy(dtype=int),
            **{name: c.to_numpy(dtype=int) for name, c in counts.items()},
        }
    )
    return _with_total(out, lang, ["products", *flags])


def completeness(products: pd.DataFrame) -> pd.Series:
    """Points per product (index as ``products``): one per filled field of
    :data:`COMPLETENESS_FIELDS`, one if its months or event dates are known, one for a free
    flag or price, one per accessibility flag stated (True or False).
    """
    score = pd.Series(0, index=products.index, dtype=int)
    for col in COMPLETENESS_FIELDS:
        score += (_text(products, col) != "").astype(int)
    months = pd.to_numeric(products.get("months_mask", 0), errors="coerce")
    months = pd.Series(months, index=products.index).fillna(0)
    dated = pd.Series(False, index=products.index)
    for col in ("event_start", "event_end"):
        if col in products.columns:
            dated |= products[col].notna()
    score += ((months != 0) | dated).astype(int)
    for col in ("free", "wheelchair", "family", "pets"):
        score += _stated(products, col).astype(int)
    return score


def _updated(products: pd.DataFrame) -> pd.Series:
    if "updated_at" not in products.columns:
        return pd.Series(pd.NaT, index=products.index, dtype="datetime64[ns, UTC]")
    # SQLite returns naive UTC timestamps, PostgreSQL aware ones: make both aware UTC.
    return pd.to_datetime(products["updated_at"], errors="coerce", utc=True)


def quality_issues(
    products: pd.DataFrame,
    lang: str = "pl",
    photo_counts: Mapping[str, int] | None = None,
    today: datetime | None = None,
) -> pd.DataFrame:
    """One row per product with its data-quality flags (True = a problem).

    ``missing_en``/``missing_uk``: no name in that language, or a Polish description with no
    translation. ``no_description``: no description in any language. ``no_contact``: no
    website, e-mail or phone. ``no_photo``: only when ``photo_counts`` (photos per product id)
    is given. ``stale``: last update more than :data:`STALE_DAYS` days before ``today``
    (default now, UTC), or never recorded. Columns: ``id``, ``name``, ``teryt``, ``district``,
    ``category``, ``partner``, ``completeness``, the flags, ``issues`` (how many flags),
    ``updated_at`` (date) and ``days_since_update``.
    """
    check_language(lang)
    now = pd.Timestamp(today or datetime.now(UTC))
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    desc_pl = _text(products, "description_pl")
    out = pd.DataFrame(index=products.index)
    out["id"] = _text(products, "id")
    out["name"] = localised_column(products, "name", lang)
    keys = _district_key(_text(products, "district_teryt"))
    out["teryt"] = keys.where(keys != OTHER, "")
    out["district"] = [_district_label(k, lang) for k in keys]
    out["category"] = [COLUMNS[c][lang] if c in COLUMNS else c for c in _text(products, "category")]
    out["partner"] = _text(products, "partner_name")
    out["completeness"] = completeness(products)
    for code in ("en", "uk"):
        out[f"missing_{code}"] = (_text(products, f"name_{code}") == "") | (
            (desc_pl != "") & (_text(products, f"description_{code}") == "")
        )
    out["no_description"] = (
        (desc_pl == "")
        & (_text(products, "description_en") == "")
        & (_text(products, "description_uk") == "")
    )
    out["no_contact"] = (
        (_text(products, "website") == "")
        & (_text(products, "email") == "")
        & (_text(products, "phone") == "")
    )
    flags = list(QUALITY_FLAGS)
    if photo_counts is None:
        flags.remove("no_photo")
    else:
        out["no_photo"] = [int(photo_counts.get(i, 0)) == 0 for i in out["id"]]
    updated = _updated(products)
    days = (now - updated).dt.days
    out["stale"] = days.isna() | (days > STALE_DAYS)
    out = out[[*out.columns[:7], *flags]]
    out["issues"] = out[flags].sum(axis=1).astype(int)
    out["updated_at"] = updated.dt.strftime("%Y-%m-%d").fillna("")
    out["days_since_update"] = days.astype("Int64")
    return out.reset_index(drop=True)


def quality_summary(issues: pd.DataFrame, lang: str = "pl") -> pd.DataFrame:
    """Counts of each flag of :func:`quality_issues` per district, with a total row."""
    check_language(lang)
    flags = [f for f in QUALITY_FLAGS if f in issues.columns]
    keys = issues["teryt"].where(issues["teryt"] != "", OTHER) if len(issues) else issues["teryt"]
    rows = _district_rows(keys, lang)
    grouped = (
        issues.assign(key=keys).groupby("key")[flags].sum()
        if len(issues)
        else pd.DataFrame(columns=flags)
    )
    counts = issues.assign(key=keys).groupby("key").size() if len(issues) else pd.Series()
    grouped = grouped.reindex(rows, fill_value=0).fillna(0).astype(int)
    out = grouped.reset_index(drop=True)
    out.insert(0, "products", counts.reindex(rows, fill_value=0).to_numpy(dtype=int))
    out.insert(0, "district", [_district_label(k, lang) for k in rows])
    out.insert(0, "teryt", [k if k != OTHER else "" for k in rows])
    return _with_total(out, lang, ["products", *flags])


def featured_products(products: pd.DataFrame, per_district: int = 1) -> pd.DataFrame:
    """The best-described offerings of each district, for a presentation slideshow.

    Only products with a Polish description qualify. Ranked by: has both English and
    Ukrainian names and descriptions, then :func:`completeness`, then id (stable). Returns up
    to ``per_district`` rows per district, districts in TERYT order, with a ``completeness``
    column. Staff choice can override this later.
    """
    if products.empty:
        return products.assign(completeness=pd.Series(dtype=int))
    out = products.assign(
        completeness=completeness(products),
        _translated=(
            (_text(products, "name_en") != "")
            & (_text(products, "description_en") != "")
            & (_text(products, "name_uk") != "")
            & (_text(products, "description_uk") != "")
        ),
        _key=_district_key(_text(products, "district_teryt")),
    )
    out = out[(_text(products, "description_pl") != "") & (out["_key"] != OTHER)]
    out = out.sort_values(
        ["_key", "_translated", "completeness", "id"],
        ascending=[True, False, False, True],
        kind="stable",
    )
    out = out.groupby("_key", sort=True).head(per_district)
    return out.drop(columns=["_translated", "_key"]).reset_index(drop=True)


# -- export ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'``.

    Cells starting with ``= + - @`` (or a tab / carriage return) could run as formulas when a
    CSV is opened in Excel or LibreOffice; numbers are left as they are. Characters no file
    can carry (controls, noncharacters) are dropped.
    """
    if isinstance(value, str):
        value = writable_text(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame, dialect: str = "standard") -> bytes:
    """``frame`` as CSV (:func:`catalogue.exporting.csv_bytes`: UTF-8 with a BOM so Excel
    shows Polish letters, formulas neutralised, no index); ``dialect`` ``excel-pl`` gives
    ``;``, decimal commas and month ranges kept as text."""
    rows = (
        [v.item() if hasattr(v, "item") else v for v in record]
        for record in frame.itertuples(index=False)
    )
    return csv_bytes(frame.columns, rows, dialect)


def _sheet_title(name: str, used: set[str]) -> str:
    clean = (
        "".join("_" if c in "[]:*?/\\" else c for c in writable_text(name)).strip("'")[:31]
        or "Sheet"
    )
    title, n = clean, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Workbook (openpyxl) with one sheet per ``sheets`` item, headers in bold.

    Text is always stored as text: openpyxl would otherwise turn a value starting with ``=``
    into a formula, so a partner could plant one in the cluster's report.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for name, frame in sheets.items():
        sheet = book.create_sheet(_sheet_title(str(name), used))
        sheet.append([writable_text(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        for values in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_value(v) for v in values])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
        for idx, col in enumerate(frame.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in frame.iloc[:, idx - 1]][:500])
            sheet.column_dimensions[sheet.cell(1, idx).column_letter].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _xlsx_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # numpy scalar → Python number for openpyxl
    if isinstance(value, str):
        return writable_text(value)
    if isinstance(value, bool | int | float):
        return value
    return writable_text(str(value))
