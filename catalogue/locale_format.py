"""Numbers, percentages, distances, dates and plural forms in the reader's language (Babel/CLDR).

The one place that turns a figure into text for people: the Streamlit pages, the PDFs and the
offline map all call these, so "54,1 km" (PL), "54.1 km" (EN) and "54,1 км" (UK) or
"12 ofert" / "22 oferty" come out the same everywhere. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units

from catalogue.taxonomy import check_language

# The interface language → the CLDR locale used for its formats.
BABEL_LOCALES: dict[str, str] = {"pl": "pl_PL", "en": "en_GB", "uk": "uk_UA"}
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@lru_cache(maxsize=8)
def babel_locale(lang: str) -> Locale:
    """The Babel :class:`~babel.Locale` of an interface language (``pl``, ``en``, ``uk``)."""
    return Locale.parse(BABEL_LOCALES[check_language(lang)])


def format_number(value: float | int, lang: str, decimals: int | None = None) -> str:
    """``value`` with the language's decimal and group separators.

    ``decimals`` fixes the number of fraction digits; None keeps the value's own (up to 3).
    """
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=babel_locale(lang))
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=babel_locale(lang))


def format_percent(fraction: float, lang: str, decimals: int = 1) -> str:
    """``fraction`` (0.125) as a percentage in the language's pattern ("12,5%" in PL)."""
    locale = babel_locale(lang)
    pattern = locale.percent_formats[None].pattern
    digits = "." + "0" * decimals if decimals > 0 else ""
    pattern = pattern.replace("#,##0", "#,##0" + digits, 1)
    return babel_numbers.format_percent(fraction, format=pattern, locale=locale)


def format_distance_km(km: float, lang: str, decimals: int = 1) -> str:
    """A distance in kilometres with the language's unit: "54,1 km", "54.1 km", "54,1 км"."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return babel_units.format_unit(
        km, "length-kilometer", length="short", format=pattern, locale=babel_locale(lang)
    )


def format_distance_m(metres: float, lang: str) -> str:
    """A distance in whole metres with the language's unit ("350 m", "350 м")."""
    return babel_units.format_unit(
        round(metres), "length-meter", length="short", format="#,##0", locale=babel_locale(lang)
    )


DATE_FORMATS = ("short", "medium", "long", "full")


def format_date(value: dt.date, lang: str, length: str = "long") -> str:
    """``value`` as a date in the language: "2 grudnia 2026", "2 December 2026".

    ``length`` is a CLDR length: ``short`` (2.12.2026), ``medium``, ``long`` or ``full``.
    """
    if length not in DATE_FORMATS:
        raise ValueError(f"unknown date length {length!r}; use one of {DATE_FORMATS}")
    return babel_dates.format_date(value, format=length, locale=babel_locale(lang))


def format_datetime(value: dt.datetime, lang: str, length: str = "medium") -> str:
    """``value`` as date and time in the language (CLDR ``short``/``medium``/``long``)."""
    if length not in DATE_FORMATS:
        raise ValueError(f"unknown date length {length!r}; use one of {DATE_FORMATS}")
    return babel_dates.format_datetime(value, format=length, locale=babel_locale(lang))


def plural_category(count: int | float, lang: str) -> str:
    """The CLDR plural category of ``count`` in ``lang``: ``one``, ``few``, ``many``, ``other``."""
    return babel_locale(lang).plural_form(count)


def plural(count: int | float, forms: Mapping[str, str], lang: str, **params) -> str:
    """The form of ``forms`` (keyed by CLDR category) for ``count``, formatted.

    ``forms`` is e.g. ``{"one": "{n} oferta", "few": "{n} oferty", "many": "{n} ofert",
    "other": "{n} oferty"}``; ``{n}`` is ``count`` in the language's number format and
    ``params`` fill any other fields. A missing category falls back to ``other``; a form dict
    without ``other`` raises, so an incomplete translation is found at once.
    """
    unknown = set(forms) - set(PLURAL_CATEGORIES)
    if unknown or "other" not in forms:
        raise ValueError(f"plural forms need 'other' and CLDR categories only, got {sorted(forms)}")
    text = forms.get(plural_category(count, lang)) or forms["other"]
    return text.format(n=format_number(count, lang), **params)


FREE: dict[str, str] = {"pl": "bezpłatne", "en": "free", "uk": "безкоштовно"}
# The partner's price text exists only in Polish; outside Polish it is shown as a quotation.
PARTNER_WORDS: dict[str, str] = {
    "pl": "{text}",
    "en": "“{text}” (the partner's own words, in Polish)",
    "uk": "«{text}» (слова партнера, польською)",
}
# Price texts that only say "free": nothing to quote once the reader's own word is shown.
_JUST_FREE = {"bezpłatne", "bezpłatny", "bezpłatna", "bezpłatnie", "za darmo", "wstęp wolny"}


def price_for_reader(price: str | None, free: bool | None, lang: str) -> str:
    """The price line in ``lang``: "free" from the flag, the partner's (Polish) text quoted.

    ``price`` is the partner's own text (Polish only), ``free`` the catalogue's flag. In
    Polish the partner's text is shown as written; in English and Ukrainian a free product
    says so in the reader's language and any other text is marked as the partner's words.
    Empty when nothing is known.
    """
    check_language(lang)
    text = (price or "").strip()
    if lang == "pl":
        return text or (FREE["pl"] if free is True else "")
    if free is True and (not text or text.lower().strip(" .!") in _JUST_FREE):
        return FREE[lang]
    quoted = PARTNER_WORDS[lang].format(text=text) if text else ""
    if free is True:
        return f"{FREE[lang]}; {quoted}"
    return quoted


__all__ = [
    "price_for_reader",
    "BABEL_LOCALES",
    "babel_locale",
    "format_date",
    "format_datetime",
    "format_distance_km",
    "format_distance_m",
    "format_number",
    "format_percent",
    "plural",
    "plural_category",
]
