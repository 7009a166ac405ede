"""Cells that name an entry of a fixed list: category, partner sector, legal form, badge,
text licence and the languages of an offering, each matched by code or by its name in any
language (case- and diacritics-insensitive), with the allowed values for messages."""

from __future__ import annotations

import functools
import re

from catalogue.cells import CellError, fold, is_blank
from catalogue.taxonomy import (
    BADGES,
    CATEGORIES,
    LANGUAGES,
    LEGAL_FORMS,
    LICENCES,
    SECTOR_LABELS,
    Sector,
)

# Languages an offering is available in: ISO 639-1 codes with names people write.
OFFER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "pl": ("polski", "polish", "польська"),
    "en": ("angielski", "english", "англійська"),
    "uk": ("ukrainski", "ukrainian", "українська", "ua"),
    "de": ("niemiecki", "german", "deutsch", "німецька"),
    "fr": ("francuski", "french", "французька"),
    "es": ("hiszpanski", "spanish", "іспанська"),
    "it": ("wloski", "italian", "італійська"),
    "ru": ("rosyjski", "russian", "російська"),
    "cs": ("czeski", "czech"),
    "sk": ("slowacki", "slovak"),
    "hu": ("wegierski", "hungarian"),
    "lt": ("litewski", "lithuanian"),
    "he": ("hebrajski", "hebrew"),
}

_SECTOR_ALIASES: dict[str, tuple[str, ...]] = {
    "public": ("publiczny", "publiczna", "jst", "samorzad", "instytucja publiczna"),
    "business": ("firma", "przedsiebiorstwo", "przedsiebiorca", "company", "prywatny"),
    "ngo": ("organizacja", "stowarzyszenie", "fundacja", "non profit", "pozarzadowa"),
    "social_economy": (
        "pes",
        "podmiot ekonomii spolecznej",
        "spoldzielnia socjalna",
        "social enterprise",
    ),
}


def parse_languages(value: object) -> list[str]:
    """ISO 639-1 codes from ``pl;en``, ``pl, en`` or ``polski, angielski`` (order kept)."""
    if is_blank(value):
        return []
    codes: list[str] = []
    for part in re.split(r"[;,/]|\s+i\s+|\s+and\s+", str(value)):
        key = fold(part).removeprefix("jezyk ").strip()
        if not key:
            continue
        code = _LANGUAGE_KEYS.get(key)
        if code is None:
            raise CellError(part.strip())
        if code not in codes:
            codes.append(code)
    return codes


def parse_sector(value: object) -> str:
    """A :class:`Sector` value from a slug or a label in any language (or a common synonym)."""
    key = fold(str(value))
    code = _SECTOR_KEYS.get(key)
    if code is None:
        raise ValueError(f"unknown sector {value!r}")
    return code


def parse_legal_form(value: object) -> str:
    """A slug of :data:`~catalogue.taxonomy.LEGAL_FORMS` from a slug, a label in any language
    or a common spelling (``KGW``, ``spółka z o.o.``); ``ValueError`` otherwise."""
    key = fold(str(value))
    code = _legal_form_keys().get(key)
    if code is None:
        raise ValueError(f"unknown legal form {value!r}")
    return code


@functools.cache
def _legal_form_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for form in LEGAL_FORMS:
        names = (form.slug, form.label_pl, form.label_en, form.label_uk, *form.aliases)
        for name in names:
            keys[fold(name)] = form.slug
            # "koło gospodyń wiejskich (KGW)" is also found as "KGW" and without the bracket.
            for part in re.split(r"\s*[()]\s*", name):
                if part.strip():
                    keys.setdefault(fold(part), form.slug)
    return keys


@functools.cache
def _badge_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for badge in BADGES:
        for name in (badge.slug, badge.label_pl, badge.label_en, badge.label_uk):
            keys[fold(name)] = badge.slug
    return keys


def allowed_badges() -> dict[str, str]:
    return {lang: ", ".join(f"{b.slug} ({b.label(lang)})" for b in BADGES) for lang in LANGUAGES}


@functools.cache
def _licence_keys() -> dict[str, str]:
    """Folded spellings of each licence (key, short name, labels) → its key."""
    keys: dict[str, str] = {}
    for lic in LICENCES:
        for spelling in (lic.slug, lic.short, *(lic.label(lang) for lang in LANGUAGES)):
            if spelling:
                keys[fold(spelling)] = lic.slug
                keys[fold(spelling.replace("-", " "))] = lic.slug
    return keys


def allowed_licences() -> dict[str, str]:
    return {lang: ", ".join(lic.short or lic.label(lang) for lic in LICENCES) for lang in LANGUAGES}


def allowed_legal_forms() -> dict[str, str]:
    return {lang: ", ".join(f.label(lang) for f in LEGAL_FORMS) for lang in LANGUAGES}


def parse_category(value: object) -> str:
    """A category slug from a slug or label (pl/en/uk), case- and diacritics-insensitive."""
    code = _CATEGORY_KEYS.get(fold(str(value)))
    if code is None:
        raise ValueError(f"unknown category {value!r}")
    return code


def parse_badge(value: object) -> str:
    """A badge slug from a slug or a label in any language; ``ValueError`` otherwise."""
    slug = _badge_keys().get(fold(str(value)))
    if slug is None:
        raise ValueError(f"unknown badge {value!r}")
    return slug


def parse_licence(value: object) -> str:
    """A licence key from its key, short name or label in any language ("" for an empty
    cell); ``ValueError`` otherwise."""
    if is_blank(value):
        return ""
    slug = _licence_keys().get(fold(str(value)))
    if slug is None:
        raise ValueError(f"unknown licence {value!r}")
    return slug


_LANGUAGE_KEYS: dict[str, str] = {
    fold(name): code for code, names in OFFER_LANGUAGES.items() for name in (code, *names)
}
_SECTOR_KEYS: dict[str, str] = {
    fold(name): sector.value
    for sector in Sector
    for name in (
        sector.value,
        *SECTOR_LABELS[sector.value].values(),
        *_SECTOR_ALIASES.get(sector.value, ()),
    )
}
_CATEGORY_KEYS: dict[str, str] = {
    fold(name): cat.slug
    for cat in CATEGORIES
    for name in (cat.slug, cat.label_pl, cat.label_en, cat.label_uk)
}


def allowed_categories() -> dict[str, str]:
    return {
        lang: ", ".join(f"{c.slug} ({c.label(lang)})" for c in CATEGORIES) for lang in LANGUAGES
    }


def allowed_sectors() -> dict[str, str]:
    return {
        lang: ", ".join(f"{s.value} ({SECTOR_LABELS[s.value][lang]})" for s in Sector)
        for lang in LANGUAGES
    }


def sector_name(sector: str) -> dict[str, str]:
    return {lang: f"{sector} ({SECTOR_LABELS[sector][lang]})" for lang in LANGUAGES}
