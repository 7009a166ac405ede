"""Interface text in Polish (default), English and Ukrainian.

Shared strings live here; a page keeps its own strings in ``ui/strings/<page>.json``
(:func:`load_strings`: text for translators, outside the code) and binds them once with
:func:`page_translator` (``tr = page_translator(STRINGS)``). An entry is text
per language, or for a counted phrase CLDR plural forms per language
(``{"pl": {"one": "{n} oferta", "few": "{n} oferty", "many": "{n} ofert", "other": …}}``),
looked up with ``tr(key, n=count)``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from catalogue.localise import localised_text
from catalogue.taxonomy import LANGUAGES, MONTH_NAMES, check_language

STRINGS_DIR = Path(__file__).with_name("strings")
# CLDR plural categories an entry may give per language (Polish and Ukrainian one/few/many,
# English one; "other" always).
PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})


@functools.cache
def load_strings(name: str) -> dict[str, dict]:
    """The interface strings of one page or module, ``ui/strings/<name>.json``:
    ``{key: {lang: text}}`` or, for a counted phrase, ``{key: {lang: {form: text}}}``.

    Read once per process. Every entry needs Polish; languages and plural forms are
    checked against allow-lists, and a broken entry raises naming the file and the key.
    """
    path = STRINGS_DIR / f"{name}.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    for key, entry in table.items():
        where = f"{path.name}: {key!r}"
        if not isinstance(entry, dict) or "pl" not in entry:
            raise ValueError(f"{where} needs a Polish text")
        for lang, text in entry.items():
            if lang not in LANGUAGES:
                raise ValueError(f"{where} has an unknown language {lang!r}")
            forms = text if isinstance(text, dict) else {"other": text}
            if not set(forms) <= PLURAL_FORMS or "other" not in forms:
                raise ValueError(f"{where} {lang}: plural forms must include 'other'")
            if not all(isinstance(v, str) for v in forms.values()):
                raise ValueError(f"{where} {lang}: texts must be strings")
    return table


LANGUAGE_NAMES: dict[str, str] = {"pl": "Polski", "en": "English", "uk": "Українська"}

MONTHS = MONTH_NAMES

COMMON: dict[str, dict[str, str]] = {
    "app_title": {
        "pl": "Mapa produktów turystycznych",
        "en": "Tourist product map",
        "uk": "Мапа туристичних продуктів",
    },
    "cluster_name": {
        "pl": "Regionalny Klaster Ekonomii Społecznej i Innowacji",
        "en": "Regional Social Economy and Innovation Cluster",
        "uk": "Регіональний кластер соціальної економіки та інновацій",
    },
    "choose": {"pl": "Wybierz…", "en": "Choose…", "uk": "Оберіть…"},
    "language": {"pl": "Język", "en": "Language", "uk": "Мова"},
    "nav_map": {"pl": "Mapa", "en": "Map", "uk": "Мапа"},
    "nav_partners": {"pl": "Partnerzy", "en": "Partners", "uk": "Партнери"},
    "nav_submit": {"pl": "Dodaj ofertę", "en": "Add an offering", "uk": "Додати пропозицію"},
    "nav_edit": {"pl": "Moja oferta", "en": "My offering", "uk": "Моя пропозиція"},
    "nav_moderation": {"pl": "Moderacja", "en": "Moderation", "uk": "Модерація"},
    "nav_stats": {"pl": "Statystyki", "en": "Statistics", "uk": "Статистика"},
    "nav_kiosk": {"pl": "Prezentacja", "en": "Presentation", "uk": "Презентація"},
    "nav_print": {"pl": "Druk i eksport", "en": "Print and export", "uk": "Друк і експорт"},
    "nav_trip": {"pl": "Moja wycieczka", "en": "My trip", "uk": "Моя подорож"},
    # Text alternatives of images (WCAG 1.1.1).
    "qr_alt": {
        "pl": "Kod QR z linkiem: {url}",
        "en": "QR code with the link: {url}",
        "uk": "QR-код із посиланням: {url}",
    },
    "photo_alt": {"pl": "Zdjęcie: {name}", "en": "Photo: {name}", "uk": "Фото: {name}"},
    "photo_alt_plain": {
        "pl": "Zdjęcie oferty",
        "en": "Photo of the offering",
        "uk": "Фото пропозиції",
    },
    "logo_alt": {"pl": "Logo: {name}", "en": "Logo: {name}", "uk": "Логотип: {name}"},
    "sample_note": {
        "pl": "Dane przykładowe: prawdziwe miejsca i ich operatorzy z publicznych źródeł; "
        "sprawdź szczegóły u organizatora.",
        "en": "Sample data: real places and their operators from public sources; "
        "check details with the operator.",
        "uk": "Демонстраційні дані: реальні місця та їхні оператори з публічних джерел; "
        "уточнюйте деталі в організатора.",
    },
}


def translate(strings: Mapping[str, Mapping], key: str, lang: str, **params) -> str:
    """``strings[key]`` (else the shared ``COMMON[key]``) in ``lang``, falling back to Polish,
    formatted with ``params``; a counted entry needs ``n`` (see
    :func:`catalogue.localise.localised_text`)."""
    check_language(lang)
    if key in strings:
        return localised_text(strings, key, lang, **params)
    if key in COMMON:
        return localised_text(COMMON, key, lang, **params)
    raise KeyError(f"no interface text {key!r}")


def plural(strings: Mapping[str, Mapping], key: str, n: int | float, lang: str, **params) -> str:
    """The counted entry ``strings[key]`` for ``n`` in ``lang`` ("1 oferta", "5 ofert")."""
    return translate(strings, key, lang, n=n, **params)


def _session_language() -> str:
    # Imported here: ui.state pulls in the store and Streamlit, this module stays light.
    from ui.state import current_language

    return current_language()


def page_translator(strings: Mapping[str, Mapping], lang: str | None = None) -> Callable[..., str]:
    """``tr(key, **params)`` over a page's ``strings`` in one language.

    ``lang`` defaults to the session's language, read once here: a page binds its strings at
    the top of every run, so a widget's ``format_func`` called later still answers in the
    language of that run.
    """
    bound = check_language(lang or _session_language())

    def tr(key: str, **params) -> str:
        return translate(strings, key, bound, **params)

    return tr


def t(key: str, lang: str, **params) -> str:
    """A shared interface text in ``lang``."""
    return translate(COMMON, key, lang, **params)


GMINA_KINDS: dict[str, dict[str, str]] = {
    "miejska": {"pl": "gmina miejska", "en": "urban gmina", "uk": "міська гміна"},
    "wiejska": {"pl": "gmina wiejska", "en": "rural gmina", "uk": "сільська гміна"},
    "miejsko-wiejska": {
        "pl": "gmina miejsko-wiejska",
        "en": "urban-rural gmina",
        "uk": "місько-сільська гміна",
    },
}


def gmina_label(gmina, lang: str) -> str:
    """``Jarosław — gmina miejska``: a gmina's name with its kind, unambiguous in ``lang``.

    ``gmina`` is a record of :func:`geodata.load_gminy` (a dict or a row with ``name`` and
    ``kind``); Jarosław, Radymno, Lubaczów, Przeworsk and Przemyśl each have two gminy.
    """
    get = gmina.get if isinstance(gmina, Mapping) else lambda f: getattr(gmina, f)
    kind = GMINA_KINDS.get(str(get("kind")))
    if kind is None:
        raise ValueError(f"unknown gmina kind {get('kind')!r}; expected one of {list(GMINA_KINDS)}")
    return f"{get('name')} — {kind[check_language(lang)]}"


def month_name(month: int, lang: str) -> str:
    """Name of ``month`` (1–12) in ``lang``."""
    return MONTHS[check_language(lang)][month - 1]


__all__ = [
    "GMINA_KINDS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "MONTHS",
    "gmina_label",
    "month_name",
    "page_translator",
    "plural",
    "t",
    "translate",
]
