"""The schematic base as the map script receives it: names per language, lat/lon order."""

from __future__ import annotations

import pytest

from mapview.builder import schematic_data


def by_name(lang: str) -> dict[str, list]:
    return {p[2]: p for p in schematic_data(lang)["places"]}


def test_polish_and_english_use_the_local_names():
    assert by_name("pl") == by_name("en")
    przemysl = by_name("pl")["Przemyśl"]
    assert 49.7 < przemysl[0] < 49.9 and 22.7 < przemysl[1] < 22.8  # lat first
    assert przemysl[3] == "seat" and przemysl[4] <= 9


def test_ukrainian_labels_where_geonames_has_them_else_polish():
    uk = by_name("uk")
    assert {"Перемишль", "Ярослав", "Переворськ", "Любачів"} <= set(uk)
    assert "Oleszyce" in uk  # no Ukrainian spelling in GeoNames: the Polish name stays
    assert len(uk) == len(by_name("pl"))


def test_river_and_border_lines_in_lat_lon_order():
    data = schematic_data("pl")
    assert len(data["river"]) == 1 and len(data["border"]) >= 1
    for line in data["river"] + data["border"]:
        assert all(49.3 < lat < 50.7 and 21.9 < lon < 23.8 for lat, lon in line)


def test_unknown_language_raises():
    with pytest.raises(ValueError):
        schematic_data("de")
