"""One localisation owner: CLDR plural forms, the Polish fallback, and no private tr() copies."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from catalogue.locale_format import plural_category
from catalogue.localise import (
    field_with_flag,
    localised,
    localised_column,
    localised_field,
    localised_text,
    localised_with_flag,
)
from catalogue.model import Product
from ui.i18n import load_strings, page_translator, plural, translate

REPO_ROOT = Path(__file__).resolve().parents[2]
COUNTS = (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 112)


# The CLDR rules for integers, written out from the rule definitions (plurals.xml), so the
# test does not ask Babel what Babel answers.
def cldr_polish(n: int) -> str:
    if n == 1:
        return "one"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "few"
    return "many"


def cldr_ukrainian(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "few"
    return "many"


def cldr_english(n: int) -> str:
    return "one" if n == 1 else "other"


RULES = {"pl": cldr_polish, "uk": cldr_ukrainian, "en": cldr_english}

# Every category names itself, so the chosen form shows which category was picked.
TAGGED = {
    "offers": {
        "pl": {c: f"{c}:{{n}}" for c in ("one", "few", "many", "other")},
        "uk": {c: f"{c}:{{n}}" for c in ("one", "few", "many", "other")},
        "en": {c: f"{c}:{{n}}" for c in ("one", "other")},
    }
}

OFFERS = {
    "offers": {
        "pl": {
            "one": "{n} oferta",
            "few": "{n} oferty",
            "many": "{n} ofert",
            "other": "{n} oferty",
        },
        "en": {"one": "{n} offering", "other": "{n} offerings"},
        "uk": {
            "one": "{n} пропозиція",
            "few": "{n} пропозиції",
            "many": "{n} пропозицій",
            "other": "{n} пропозиції",
        },
    }
}


@pytest.mark.parametrize("lang", ["pl", "uk", "en"])
@pytest.mark.parametrize("n", COUNTS)
def test_plural_categories_follow_the_cldr_rules(lang, n):
    expected = RULES[lang](n)
    assert plural_category(n, lang) == expected
    assert plural(TAGGED, "offers", n, lang) == f"{expected}:{n}"
    assert translate(TAGGED, "offers", lang, n=n) == f"{expected}:{n}"


@pytest.mark.parametrize(
    ("n", "pl", "uk", "en"),
    [
        (1, "1 oferta", "1 пропозиція", "1 offering"),
        (2, "2 oferty", "2 пропозиції", "2 offerings"),
        (5, "5 ofert", "5 пропозицій", "5 offerings"),
        (21, "21 ofert", "21 пропозиція", "21 offerings"),
        (22, "22 oferty", "22 пропозиції", "22 offerings"),
        (25, "25 ofert", "25 пропозицій", "25 offerings"),
        (112, "112 ofert", "112 пропозицій", "112 offerings"),
    ],
)
def test_counted_text_in_three_languages(n, pl, uk, en):
    assert [plural(OFFERS, "offers", n, lang) for lang in ("pl", "uk", "en")] == [pl, uk, en]


def test_counted_text_formats_the_number_and_other_fields():
    strings = {"x": {"pl": {"other": "{n} z {of}"}, "en": {"one": "{n}", "other": "{n} of {of}"}}}
    assert translate(strings, "x", "en", n=12000, of="all") == "12,000 of all"
    assert translate(strings, "x", "pl", n=2.5, of="całości") == "2,5 z całości"
    # Ukrainian is missing: Polish forms, Ukrainian number format.
    assert translate(strings, "x", "uk", n=12000, of="…").replace("\xa0", " ") == "12 000 z …"
    with pytest.raises(TypeError):
        translate(strings, "x", "pl")


def test_fallback_to_polish_for_blank_and_missing_values():
    assert localised({"pl": "Zamek", "en": "Castle"}, "en") == "Castle"
    for blank in ("", "  ", None, math.nan, pd.NA):
        assert localised_with_flag({"pl": "Zamek", "en": blank}, "en") == ("Zamek", True)
    assert localised_with_flag({"pl": "Zamek"}, "uk") == ("Zamek", True)
    assert localised_with_flag({"pl": ""}, "pl") == ("", False)
    assert localised_with_flag({"pl": "Zamek", "uk": "Замок"}, "uk") == ("Замок", False)
    with pytest.raises(ValueError):
        localised({"pl": "Zamek"}, "de")


def test_fallback_reads_records_rows_objects_and_frames():
    row = pd.Series({"name_pl": " Zamek ", "name_en": math.nan, "name_uk": "Замок"})
    assert field_with_flag(row, "name", "en") == ("Zamek", True)
    assert field_with_flag(row, "name", "uk") == ("Замок", False)
    assert localised_field({"name_pl": "Zamek"}, "name", "uk") == "Zamek"
    product = Product(
        id="p", name_pl="Zamek", name_en="Castle", category="heritage", lat=50, lon=22
    )
    assert product.name("en") == ("Castle", False)
    assert product.name("uk") == ("Zamek", True)
    frame = pd.DataFrame({"name_pl": ["Zamek", "Rynek"], "name_en": ["Castle", " "]})
    assert list(localised_column(frame, "name", "en")) == ["Castle", "Rynek"]
    assert list(localised_column(frame, "name", "uk")) == ["Zamek", "Rynek"]  # no name_uk column


def test_interface_text_falls_back_and_page_translator_reads_the_language():
    strings = {"hello": {"pl": "Cześć, {who}", "en": "Hello, {who}", "uk": ""}}
    assert localised_text(strings, "hello", "uk", who="Ola") == "Cześć, Ola"
    tr = page_translator(strings, "en")
    assert tr("hello", who="Ola") == "Hello, Ola"
    tr = page_translator(strings, "pl")
    assert tr("hello", who="Ola") == "Cześć, Ola"
    assert tr("nav_map") == "Mapa"  # shared strings
    with pytest.raises(KeyError):
        tr("no_such_text")


def _string_tables():
    """(file, table) for every string table of ui/: the JSON files and the dict literals
    left in code whose entries are ``{lang: text or forms}``."""
    for path in sorted((REPO_ROOT / "ui" / "strings").glob("*.json")):
        yield path, load_strings(path.stem)
    for path in sorted((REPO_ROOT / "ui").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if not isinstance(value, ast.Dict):
                continue
            try:
                table = ast.literal_eval(value)
            except ValueError:
                continue
            if all(isinstance(v, dict) and "pl" in v for v in table.values()):
                yield path, table


def test_every_counted_entry_has_the_categories_its_language_needs():
    needed = {"pl": {"one", "few", "many", "other"}, "uk": {"one", "few", "many", "other"}}
    needed["en"] = {"one", "other"}
    counted = 0
    for path, table in _string_tables():
        for key, entry in table.items():
            if not any(isinstance(v, dict) for v in entry.values()):
                continue
            counted += 1
            for lang, forms in entry.items():
                where = f"{path.relative_to(REPO_ROOT)} {key} {lang}"
                assert isinstance(forms, dict), where
                # Polish "one" is only 1: a sentence that is plural elsewhere may skip it.
                assert set(forms) <= needed[lang] and "other" in forms, where
                if set(forms) != {"one", "other"}:
                    assert set(forms) == needed[lang], where
    assert counted >= 7  # trip, kiosk, submit (2), stats, print, moderation, trip limit


def test_no_page_keeps_its_own_tr_helper():
    copy = re.compile(r"^\s*def _?tr\(", re.M)
    found = [
        str(path.relative_to(REPO_ROOT))
        for folder in ("ui", "fairkit")
        for path in sorted((REPO_ROOT / folder).rglob("*.py"))
        if path != REPO_ROOT / "ui" / "i18n.py" and copy.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_page_string_is_in_all_three_languages():
    files = sorted((REPO_ROOT / "ui" / "strings").glob("*.json"))
    assert len(files) >= 13
    for path in files:
        for key, entry in load_strings(path.stem).items():
            assert set(entry) == {"pl", "en", "uk"}, f"{path.name} {key}"


def test_a_broken_strings_file_is_refused_with_its_key(tmp_path, monkeypatch):
    import ui.i18n

    monkeypatch.setattr(ui.i18n, "STRINGS_DIR", tmp_path)
    cases = {
        "no_polish": '{"hello": {"en": "Hello"}}',
        "bad_language": '{"hello": {"pl": "Cześć", "de": "Hallo"}}',
        "bad_forms": '{"n": {"pl": {"one": "{n} oferta", "lots": "{n} ofert"}}}',
    }
    for name, text in cases.items():
        (tmp_path / f"{name}.json").write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=r"\.json: '(hello|n)'"):
            load_strings(name)
    load_strings.cache_clear()
