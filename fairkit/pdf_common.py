"""Shared pieces of the printed fair material (brochure, card): fonts, labels, links, vector
QR codes, text helpers and atomic file writes.

All lengths are in millimetres (fpdf2's ``unit="mm"``), with the origin at the top-left corner
of the page. Nothing here imports Streamlit: the CLI and the print page both use it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import segno
from fpdf import FPDF

from catalogue.atomic_file import write_atomic
from catalogue.cells import writable_text
from catalogue.filters import WHEELCHAIR_FILTER_LABELS, ProductFilter, wheelchair_cell

# The public address has one owner; printed links and e-mails share it.
from catalogue.links import (  # noqa: F401 - re-exported for the print modules
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    SITE_URL_ENV,
    app_product_link,
    product_link,
    public_base_url,
    public_site_url,
    site_page_path,
)
from catalogue.locale_format import format_date, price_for_reader
from catalogue.localise import localised_field, localised_text
from catalogue.opening_hours import describe
from catalogue.taxonomy import (
    BADGE_BY_SLUG,
    CATEGORY_SLUGS,
    LANGUAGES,
    MONTH_NAMES,
    category_label,
    check_language,
    credit_line,
    sector_label,
    wheelchair_label,
)
from geodata import DISTRICT_TERYTS, district_name, fold_text

# Drawing constants every printed document shares.
PT_MM = 25.4 / 72  # one typographic point in mm
INK = (33, 33, 33)
GREY = (110, 110, 110)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FAMILY = "DejaVu"
FONT_FILES: dict[str, str] = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


# Paper sizes (width, height) in mm, portrait.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "a5": (148.0, 210.0),
    "a6": (105.0, 148.0),
}
BROCHURE_FORMATS: tuple[str, ...] = ("a4", "a5")

SECTORS: tuple[str, ...] = ("public", "business", "ngo", "social_economy")

LABELS: dict[str, dict[str, str]] = {
    "cluster_name": {
        "pl": "Regionalny Klaster Ekonomii Społecznej i Innowacji",
        "en": "Regional Social Economy and Innovation Cluster",
        "uk": "Регіональний кластер соціальної економіки та інновацій",
    },
    "title": {
        "pl": "Produkty turystyczne",
        "en": "Tourist products",
        "uk": "Туристичні продукти",
    },
    "subtitle": {
        "pl": "powiaty jarosławski, lubaczowski, przemyski, przeworski i miasto Przemyśl",
        "en": "Jarosław, Lubaczów, Przemyśl and Przeworsk counties and the city of Przemyśl",
        "uk": "Ярославський, Любачівський, Перемишльський, Переворський повіти та місто Перемишль",
    },
    "page": {
        "pl": "strona {n} z {total}",
        "en": "page {n} of {total}",
        "uk": "сторінка {n} з {total}",
    },
    "index": {"pl": "Indeks", "en": "Index", "uk": "Покажчик"},
    "continued": {"pl": "(cd.)", "en": "(continued)", "uk": "(продовження)"},
    "address": {"pl": "Adres", "en": "Address", "uk": "Адреса"},
    "hours": {"pl": "Godziny", "en": "Hours", "uk": "Години"},
    "contact": {"pl": "Kontakt", "en": "Contact", "uk": "Контакти"},
    "partner": {"pl": "Partner", "en": "Partner", "uk": "Партнер"},
    "price": {"pl": "Cena", "en": "Price", "uk": "Ціна"},
    "date": {"pl": "Stan na {day}", "en": "As of {day}", "uk": "Станом на {day}"},
    "count": {
        "pl": "Liczba ofert: {n}",
        "en": "Offerings: {n}",
        "uk": "Кількість пропозицій: {n}",
    },
    "filter": {"pl": "Wybór", "en": "Selection", "uk": "Вибір"},
    "all": {
        "pl": "wszystkie opublikowane oferty",
        "en": "all published offerings",
        "uk": "усі опубліковані пропозиції",
    },
    "sample_note": {
        "pl": "Dane przykładowe: prawdziwe miejsca i ich operatorzy z publicznych źródeł; "
        "sprawdź szczegóły u organizatora.",
        "en": "Sample data (dane przykładowe): real places and their operators from public "
        "sources; check details with the operator.",
        "uk": "Демонстраційні дані (dane przykładowe): реальні місця та їхні оператори з "
        "публічних джерел; уточнюйте деталі в організатора.",
    },
    "scan": {
        "pl": "Zeskanuj, aby zobaczyć na mapie",
        "en": "Scan to see it on the map",
        "uk": "Скануйте, щоб побачити на мапі",
    },
    "scan_short": {"pl": "na mapie", "en": "on the map", "uk": "на мапі"},
    "other_district": {
        "pl": "Poza pięcioma powiatami",
        "en": "Outside the five districts",
        "uk": "Поза п'ятьма повітами",
    },
    "legend": {"pl": "Kategorie", "en": "Categories", "uk": "Категорії"},
    "cluster": {
        "pl": "kilka ofert w jednym miejscu",
        "en": "several offerings at one place",
        "uk": "кілька пропозицій в одному місці",
    },
    "social_economy": {
        "pl": "★ ekonomia społeczna",
        "en": "★ social economy",
        "uk": "★ соціальна економіка",
    },
    "f_category": {"pl": "kategoria", "en": "category", "uk": "категорія"},
    "f_district": {"pl": "powiat", "en": "district", "uk": "повіт"},
    "f_gmina": {"pl": "gmina", "en": "gmina", "uk": "гміна"},
    "gmina_short": {"pl": "gm.", "en": "gmina", "uk": "гміна"},
    "f_sector": {"pl": "typ partnera", "en": "partner type", "uk": "тип партнера"},
    "f_month": {"pl": "otwarte w miesiącu", "en": "open in", "uk": "відкрито у місяці"},
    "f_dates": {"pl": "termin", "en": "dates", "uk": "дати"},
    "f_free": {"pl": "tylko bezpłatne", "en": "free only", "uk": "лише безкоштовні"},
    "f_family": {"pl": "dla rodzin z dziećmi", "en": "for families", "uk": "для сімей з дітьми"},
    "f_pets": {"pl": "ze zwierzętami", "en": "pets allowed", "uk": "з тваринами"},
    "f_text": {"pl": "szukaj", "en": "search", "uk": "пошук"},
}

MONTHS = MONTH_NAMES


class FontMissingError(RuntimeError):
    """DejaVu Sans is not installed where the PDF code expects it."""


def label(key: str, lang: str, **params) -> str:
    """Print label ``key`` in ``lang`` (pl|en|uk), formatted with ``params``."""
    return localised_text(LABELS, key, lang, **params)


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """``value`` if it is in ``allowed``; ``ValueError`` naming the valid choices otherwise."""
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    return value


# -- fonts and documents ----------------------------------------------------------------------


def font_paths() -> dict[str, Path]:
    """Paths of the regular and bold DejaVu Sans files; :class:`FontMissingError` if absent."""
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontMissingError(
            "DejaVu Sans is needed for Polish and Ukrainian letters but was not found: "
            f"{', '.join(missing)}. Install the Debian package fonts-dejavu-core "
            "(apt-get install fonts-dejavu-core)."
        )
    return paths


class SafeFPDF(FPDF):
    """FPDF that drops characters no PDF text can carry (controls, noncharacters, surrogates).

    Every string FPDF draws passes :meth:`normalize_text`, so text stored before validation
    refused those characters cannot break a brochure, card or trip sheet.
    """

    def normalize_text(self, text: str) -> str:
        """``text`` through :func:`catalogue.cells.writable_text`, then FPDF's own check."""
        return super().normalize_text(writable_text(text))


def add_fonts(pdf: FPDF) -> None:
    """Embed DejaVu Sans (regular and bold, subset) into ``pdf`` as family ``DejaVu``."""
    for style, path in font_paths().items():
        pdf.add_font(FONT_FAMILY, style, str(path))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` → (r, g, b) in 0–255."""
    value = colour.lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", value):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def lighten(colour: str, amount: float) -> tuple[int, int, int]:
    """``colour`` mixed with white; ``amount`` 0 keeps it, 1 gives white."""
    return tuple(round(c + (255 - c) * amount) for c in hex_rgb(colour))  # type: ignore[return-value]


# -- links and QR codes -----------------------------------------------------------------------


def draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of ``text`` as vector rectangles, ``size`` mm square at (x, y) mm.

    The square holds the symbol only; the caller keeps ≥ 2 modules of white around it. Each
    dark run of a row is one rectangle, grown by a hair (0.02 mm) so that anti-aliased
    viewers show no seams between rows; the code stays sharp at any print resolution.
    """
    if not text:
        raise ValueError("a QR code needs non-empty text")
    rows = [list(row) for row in segno.make(text, error="m", micro=False).matrix_iter(border=0)]
    module = size / len(rows)
    hair = 0.02
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            grow = hair if r + 1 < len(rows) else 0.0
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module + grow, "F")


# -- product text -----------------------------------------------------------------------------


def text_of(row: Mapping, key: str) -> str:
    """``row[key]`` as stripped text; missing and NaN give ``""``."""
    value = row.get(key)
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


@dataclass(frozen=True)
class PrintResult:
    """A generated PDF: its bytes, its page count and the page of every product id."""

    data: bytes
    pages: int
    product_pages: dict[str, int] = field(default_factory=dict)


def display_name(row: Mapping, lang: str) -> str:
    """The product's name in ``lang``, falling back to Polish."""
    return localised_field(row, "name", lang)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters: at a sentence end when one is near the
    limit, else at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    sentence_end = max(head.rfind(". "), head.rfind("! "), head.rfind("? "))
    if sentence_end >= limit * 0.6:
        return head[: sentence_end + 1]
    cut = head[:limit].rsplit(" ", 1)[0] if " " in head[:limit] else head[: limit - 1]
    return cut.rstrip(" ,;:–-(") + "…"


def contact_parts(row: Mapping) -> list[str]:
    """Website (without the scheme), e-mail and phone of a product, as present."""
    parts = []
    website = text_of(row, "website")
    if website:
        parts.append(re.sub(r"^https?://(www\.)?", "", website).rstrip("/"))
    for key in ("email", "phone"):
        value = text_of(row, key)
        if value:
            parts.append(value)
    return parts


def facts_text(row: Mapping, lang: str) -> str:
    """Opening hours in words, wheelchair access as stated and badges, joined by " · "."""
    parts = []
    rule = text_of(row, "opening_hours")
    if rule:
        parts.append(f"{label('hours', lang)}: {describe(rule, lang)}")
    level = wheelchair_cell(row.get("wheelchair"))
    if level:
        parts.append(wheelchair_label(level, lang))
    held = [b for b in text_of(row, "badges").split(";") if b in BADGE_BY_SLUG]
    parts.extend(BADGE_BY_SLUG[b].label(lang) for b in held)
    return " · ".join(parts)


def text_credit(row: Mapping, lang: str) -> str:
    """ "Tekst: author, licence" of the descriptions, or ``""`` when neither is known."""
    return credit_line("text", text_of(row, "text_author"), text_of(row, "text_licence"), lang)


def price_text(row: Mapping, lang: str) -> str:
    """The price line in ``lang`` (see :func:`catalogue.locale_format.price_for_reader`)."""
    return price_for_reader(text_of(row, "price"), row.get("free") is True, lang)


# The /Lang of every PDF: the language of its text.
PDF_LANGS: dict[str, str] = {"pl": "pl-PL", "en": "en-GB", "uk": "uk-UA"}


def set_document_info(pdf: FPDF, title: str, lang: str) -> None:
    """Title and /Lang of a PDF (shown by viewers, read by screen readers)."""
    pdf.set_title(title)
    pdf.set_lang(PDF_LANGS[check_language(lang)])
    pdf.set_creator("fairkit (RKESI tourist product map)")


def partner_text(row: Mapping, lang: str) -> str:
    """Partner name with a ★ social-economy mark, or ``""``."""
    name = text_of(row, "partner_name")
    if not name:
        return ""
    if text_of(row, "partner_sector") == "social_economy":
        return f"{name} · {label('social_economy', lang)}"
    return name


def is_sample(frame: pd.DataFrame) -> bool:
    """True when any product of ``frame`` comes from the bundled sample catalogue."""
    return "source" in frame.columns and bool((frame["source"].astype(str) == "sample").any())


def describe_filter(flt: ProductFilter | None, lang: str) -> str:
    """A short human-readable account of ``flt`` in ``lang`` (all offerings when empty)."""
    if flt is None or flt.is_empty():
        return label("all", lang)
    parts = []
    if flt.districts:
        names = ", ".join(district_name(d, lang) for d in flt.districts)
        parts.append(f"{label('f_district', lang)}: {names}")
    if flt.gminy:
        parts.append(f"{label('f_gmina', lang)}: {', '.join(_gmina_names(flt.gminy))}")
    if flt.categories:
        names = ", ".join(category_label(c, lang) for c in flt.categories)
        parts.append(f"{label('f_category', lang)}: {names}")
    if flt.sectors:
        names = ", ".join(sector_label(s, lang) for s in flt.sectors)
        parts.append(f"{label('f_sector', lang)}: {names}")
    if flt.month:
        parts.append(f"{label('f_month', lang)}: {MONTHS[lang][flt.month - 1]}")
    if flt.date_from or flt.date_to:
        span = " – ".join(_day(d, lang) for d in (flt.date_from, flt.date_to) if d)
        parts.append(f"{label('f_dates', lang)}: {span}")
    if flt.wheelchair:
        wanted = WHEELCHAIR_FILTER_LABELS[flt.wheelchair][lang]
        parts.append(wanted[:1].lower() + wanted[1:])
    for key, flag in (
        ("f_free", flt.free_only),
        ("f_family", flt.family),
        ("f_pets", flt.pets),
    ):
        if flag:
            parts.append(label(key, lang))
    if flt.text.strip():
        parts.append(f"{label('f_text', lang)}: „{flt.text.strip()}”")
    return "; ".join(parts)


@functools.cache
def _gmina_table() -> dict[str, str]:
    from geodata import load_gminy

    gminy = load_gminy()
    return dict(zip(gminy["teryt"].astype(str), gminy["name"].astype(str), strict=False))


def _gmina_names(teryts: tuple[str, ...]) -> list[str]:
    return [_gmina_table().get(t, t) for t in teryts]


def address_text(row: Mapping, lang: str) -> str:
    """The address, followed by its gmina when the address does not name it already.

    Village addresses ("Bolestraszyce 130") are hard to place for a visitor; the gmina
    ("gm. Żurawica") says where to look on a road map.
    """
    address = text_of(row, "address")
    gmina = _gmina_table().get(text_of(row, "gmina_teryt"), "")
    if not gmina or fold_text(gmina) in fold_text(address):
        return address
    suffix = f"{label('gmina_short', lang)} {gmina}"
    return f"{address}, {suffix}" if address else suffix


def _day(value: date, lang: str) -> str:
    return format_date(value, lang)


def today_text(lang: str, day: date | None = None) -> str:
    """The "as of <date>" line in ``lang`` ("Stan na 2 grudnia 2026")."""
    return label("date", lang, day=_day(day or date.today(), lang))


# -- files ------------------------------------------------------------------------------------


__all__ = [
    "BROCHURE_FORMATS",
    "CATEGORY_SLUGS",
    "DISTRICT_TERYTS",
    "LANGUAGES",
    "FontMissingError",
    "add_fonts",
    "check_choice",
    "contact_parts",
    "describe_filter",
    "draw_qr",
    "is_sample",
    "label",
    "app_product_link",
    "product_link",
    "public_site_url",
    "site_page_path",
    "public_base_url",
    "shorten",
    "write_atomic",
]
