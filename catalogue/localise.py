"""Text in the reader's language, else Polish: the one rule for every localised value.

Products, partners, taxonomy labels, interface strings and frames with ``name_pl``/``name_en``/
``name_uk`` columns all fall back the same way: a blank translation (empty, whitespace, None or
NaN) shows the Polish text. No pandas import here; frames are handled by duck typing.
"""

from __future__ import annotations

from collections.abc import Mapping

from catalogue.locale_format import plural
from catalogue.taxonomy import DEFAULT_LANGUAGE, check_language


def clean_text(value: object) -> str:
    """``value`` as stripped text; None, NaN and pandas' NA give ``""``."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN and NaT are not equal to themselves
            return ""
    except TypeError:  # pandas.NA refuses to be a bool
        return ""
    return str(value).strip()


def _blank(value: object) -> bool:
    if isinstance(value, Mapping):  # e.g. plural forms {"one": …, "other": …}
        return not value
    return clean_text(value) == ""


def localised_with_flag(values_by_lang: Mapping[str, object], lang: str) -> tuple[object, bool]:
    """``values_by_lang[lang]``, or the Polish value and True when that is blank or missing.

    Values come back as they are (text, or a mapping such as plural forms); a blank one
    gives ``""``.
    """
    check_language(lang)
    value = values_by_lang.get(lang)
    if not _blank(value) or lang == DEFAULT_LANGUAGE:
        return ("" if _blank(value) else value), False
    fallback = values_by_lang.get(DEFAULT_LANGUAGE)
    return ("" if _blank(fallback) else fallback), True


def localised(values_by_lang: Mapping[str, object], lang: str):
    """The text of ``values_by_lang`` (``{"pl": …, "en": …, "uk": …}``) in ``lang``, else Polish."""
    return localised_with_flag(values_by_lang, lang)[0]


def localised_text(strings: Mapping[str, Mapping], key: str, lang: str, **params) -> str:
    """Interface text ``strings[key]`` in ``lang`` (else Polish), formatted with ``params``.

    ``strings`` maps keys to ``{lang: text}``; a counted entry maps languages to CLDR plural
    forms (``{"one": …, "few": …, "many": …, "other": …}``) and needs ``n``, shown in the
    language's number format (see :func:`catalogue.locale_format.plural`).
    """
    text = localised(strings[key], lang)
    if isinstance(text, Mapping):
        if "n" not in params:
            raise TypeError(f"text {key!r} has plural forms; pass n=<count>")
        count = params.pop("n")
        return plural(count, text, lang, **params)
    return text.format(**params) if params else text


def field_with_flag(record: object, stem: str, lang: str) -> tuple[str, bool]:
    """``record``'s ``{stem}_{lang}`` (stripped), else ``{stem}_pl`` and True.

    ``record`` is a mapping, a pandas row (anything with ``get``) or an object with
    attributes such as :class:`catalogue.model.Product`.
    """
    check_language(lang)
    if hasattr(record, "get"):
        read = record.get
    else:

        def read(key: str) -> object:
            return getattr(record, key, None)

    values = {code: clean_text(read(f"{stem}_{code}")) for code in {lang, DEFAULT_LANGUAGE}}
    text, fell_back = localised_with_flag(values, lang)
    return str(text), fell_back


def localised_field(record: object, stem: str, lang: str) -> str:
    """``record``'s ``{stem}`` in ``lang`` (e.g. ``name`` → ``name_en``), else the Polish one."""
    return field_with_flag(record, stem, lang)[0]


def localised_column(frame, stem: str, lang: str):
    """Column ``{stem}_{lang}`` of a pandas frame as stripped text, Polish where it is blank.

    A frame without the ``{stem}_{lang}`` column gives its Polish column.
    """
    check_language(lang)

    def text(column: str):
        return frame[column].fillna("").astype(str).str.strip()

    polish = text(f"{stem}_{DEFAULT_LANGUAGE}")
    column = f"{stem}_{lang}"
    if lang == DEFAULT_LANGUAGE or column not in frame.columns:
        return polish
    own = text(column)
    return own.where(own != "", polish)


__all__ = [
    "clean_text",
    "field_with_flag",
    "localised",
    "localised_column",
    "localised_field",
    "localised_text",
    "localised_with_flag",
]


def plural_text(
    count: int | float, strings: Mapping[str, Mapping[str, str]], lang: str, **params
) -> str:
    """:func:`~catalogue.locale_format.plural` for a ``{lang: forms}`` entry (``strings[lang]``,
    Polish if missing)."""
    return plural(count, localised(strings, lang), lang, **params)
