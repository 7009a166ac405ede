"""Locale formats and CLDR plural forms (Babel) in Polish, English and Ukrainian."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.locale_format import (
    format_date,
    format_distance_km,
    format_number,
    format_percent,
    plural,
    plural_category,
    price_for_reader,
)
from catalogue.localise import plural_text

OFFERS = {
    "pl": {"one": "{n} oferta", "few": "{n} oferty", "many": "{n} ofert", "other": "{n} oferty"},
    "en": {"one": "{n} offering", "other": "{n} offerings"},
    "uk": {
        "one": "{n} пропозиція",
        "few": "{n} пропозиції",
        "many": "{n} пропозицій",
        "other": "{n} пропозиції",
    },
}


@pytest.mark.parametrize(
    ("count", "pl", "uk"),
    [
        (1, "1 oferta", "1 пропозиція"),
        (2, "2 oferty", "2 пропозиції"),
        (5, "5 ofert", "5 пропозицій"),
        (12, "12 ofert", "12 пропозицій"),
        (22, "22 oferty", "22 пропозиції"),
        (25, "25 ofert", "25 пропозицій"),
        (112, "112 ofert", "112 пропозицій"),
    ],
)
def test_plural_forms_follow_cldr_in_polish_and_ukrainian(count, pl, uk):
    assert plural_text(count, OFFERS, "pl") == pl
    assert plural_text(count, OFFERS, "uk") == uk


def test_polish_and_ukrainian_differ_where_cldr_says_so():
    # 21: Polish "many" (21 ofert), Ukrainian "one" (21 пропозиція).
    assert plural_category(21, "pl") == "many"
    assert plural_category(21, "uk") == "one"
    assert plural_text(21, OFFERS, "pl") == "21 ofert"
    assert plural_text(21, OFFERS, "uk") == "21 пропозиція"
    assert plural_text(1, OFFERS, "en") == "1 offering"
    assert plural_text(12, OFFERS, "en") == "12 offerings"


def test_plural_needs_an_other_form_and_known_categories():
    with pytest.raises(ValueError):
        plural(3, {"one": "{n} x"}, "pl")
    with pytest.raises(ValueError):
        plural(3, {"other": "{n} x", "several": "{n} y"}, "pl")


def test_numbers_percentages_distances_and_dates():
    assert format_distance_km(54.08, "pl") == "54,1 km"
    assert format_distance_km(54.08, "en") == "54.1 km"
    assert format_distance_km(54.08, "uk") == "54,1 км"
    assert format_percent(0.125, "pl") == "12,5%"
    assert format_percent(0.125, "en") == "12.5%"
    assert format_number(1234567.5, "pl", 1) == "1\xa0234\xa0567,5"
    assert format_number(1234567.5, "en", 1) == "1,234,567.5"
    assert format_date(date(2026, 12, 2), "pl") == "2 grudnia 2026"
    assert format_date(date(2026, 12, 2), "en") == "2 December 2026"
    assert format_date(date(2026, 12, 2), "uk").startswith("2 грудня 2026")
    with pytest.raises(ValueError):
        format_date(date(2026, 12, 2), "pl", "tiny")
    with pytest.raises(ValueError):
        format_number(1, "de")


def test_price_free_in_the_readers_language_and_partner_words_marked():
    assert price_for_reader("bezpłatne", True, "pl") == "bezpłatne"
    assert price_for_reader("", True, "pl") == "bezpłatne"
    assert price_for_reader("bezpłatne", True, "en") == "free"
    assert price_for_reader("", True, "uk") == "безкоштовно"
    quoted = price_for_reader("20 zł, ulgowy 10 zł", False, "en")
    assert quoted == "“20 zł, ulgowy 10 zł” (the partner's own words, in Polish)"
    assert "польською" in price_for_reader("20 zł", None, "uk")
    assert price_for_reader("wstęp wolny, datki mile widziane", True, "en").startswith("free; “")
    assert price_for_reader("", None, "en") == ""
