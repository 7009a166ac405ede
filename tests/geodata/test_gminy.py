"""Gminy table, name resolution and text folding."""

from __future__ import annotations

import pytest

from geodata import (
    DISTRICT_TERYTS,
    district_name,
    district_of_gmina,
    find_gmina,
    fold_text,
    gminy_of_district,
    guess_gmina,
    load_gminy,
    locate,
)


def test_table():
    frame = load_gminy()
    assert len(frame) == 39
    assert list(frame.columns) == [
        "teryt",
        "powiat_teryt",
        "name",
        "kind",
        "seat_lat",
        "seat_lon",
        "seat_place",
    ]
    assert frame["teryt"].is_unique
    assert set(frame["powiat_teryt"]) == set(DISTRICT_TERYTS)
    assert set(frame["kind"]) == {"miejska", "wiejska", "miejsko-wiejska"}
    assert all(t[:4] == p for t, p in zip(frame["teryt"], frame["powiat_teryt"], strict=True))


def test_seats_inside_their_district():
    for row in load_gminy().itertuples():
        found = locate(row.seat_lat, row.seat_lon)
        assert found is not None and found.teryt == row.powiat_teryt, row.teryt


def test_gminy_of_district_counts():
    counts = {t: len(gminy_of_district(t)) for t in DISTRICT_TERYTS}
    assert counts == {"1804": 11, "1809": 8, "1813": 10, "1814": 9, "1862": 1}
    assert gminy_of_district("1862")[0]["teryt"] == "1862011"
    rows = gminy_of_district("1804")
    rows[0]["name"] = "changed"
    assert gminy_of_district("1804")[0]["name"] == "Jarosław"
    with pytest.raises(ValueError):
        gminy_of_district("1805")


@pytest.mark.parametrize(
    ("given", "district"),
    [
        ("1804011", "1804"),
        ("1862011", "1862"),
        ("Jarosław", "1804"),
        ("jaroslaw", "1804"),
        ("JAROSŁAW", "1804"),
        ("gmina Jarosław", "1804"),
        ("miasto Przemyśl", "1862"),
        ("Przemyśl", None),
        ("Żurawica", "1813"),
        ("zurawica", "1813"),
        ("Horyniec Zdroj", "1809"),
        ("Horyniec-Zdrój", "1809"),
        ("gmina wiejska Lubaczów", "1809"),
        ("Tryncza", "1814"),
        ("gmina Przemyśl", "1813"),
        ("  Kańczuga ", "1814"),
    ],
)
def test_district_of_gmina(given, district):
    if district is None:
        # The name belongs to the city (1862) and the rural gmina (1813): two districts.
        with pytest.raises(ValueError, match="ambiguous"):
            district_of_gmina(given)
        return
    assert district_of_gmina(given) == district


@pytest.mark.parametrize("given", ["Rzeszów", "", "1804999", "gmina", "1234567"])
def test_district_of_unknown_gmina(given):
    with pytest.raises(ValueError):
        district_of_gmina(given)


def test_find_gmina():
    assert find_gmina("Jarosław")["teryt"] == "1804011"
    assert find_gmina("Jarosław", prefer="rural")["teryt"] == "1804042"
    assert find_gmina("gmina Jarosław")["teryt"] == "1804042"
    assert find_gmina("gmina wiejska Radymno")["teryt"] == "1804082"
    assert find_gmina("miasto Radymno")["teryt"] == "1804021"
    assert find_gmina("m. Lubaczów")["teryt"] == "1809011"
    assert find_gmina("Przeworsk (gmina wiejska)")["teryt"] == "1814062"
    assert find_gmina("Przemyśl")["teryt"] == "1862011"
    assert find_gmina("Przemyśl", district_teryt="1813")["teryt"] == "1813082"
    assert find_gmina("Pruchnik")["kind"] == "miejsko-wiejska"
    assert find_gmina("miasto Pruchnik")["teryt"] == "1804073"
    assert find_gmina("1809053")["name"] == "Narol"
    assert find_gmina("1809053", district_teryt="1804") is None
    assert find_gmina("Narol", district_teryt="1804") is None
    assert find_gmina("Rzeszów") is None
    assert find_gmina("") is None
    with pytest.raises(ValueError):
        find_gmina("Narol", prefer="town")
    with pytest.raises(ValueError):
        find_gmina("Narol", district_teryt="9999")


def test_guess_gmina():
    assert guess_gmina(49.7839, 22.7678, "1862") == "1862011"
    assert guess_gmina(50.0161, 22.6777, "1804") == "1804011"
    assert guess_gmina(49.9456, 22.6733, "1804") == "1804032"
    assert guess_gmina(50.1592, 23.1219, "1809") == "1809011"
    assert guess_gmina(49.6258, 22.7038, "1813") == "1813032"  # Kalwaria Pacławska, Fredropol
    with pytest.raises(ValueError):
        guess_gmina(50.0, 22.0, "1234")


def test_district_name_languages():
    assert district_name("1804") == "powiat jarosławski"
    assert district_name("1809", "en") == "Lubaczów County"
    assert district_name("1862", "uk") == "місто Перемишль"
    with pytest.raises(ValueError):
        district_name("1804", "de")
    with pytest.raises(ValueError):
        district_name("9999")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Żółć", "zolc"),
        ("ŁAŃCUT", "lancut"),
        ("  Horyniec-Zdrój  ", "horyniec-zdroj"),
        ("Kańczuga\t\n Rynek", "kanczuga rynek"),
        ("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż", "acelnoszz acelnoszz"),
        ("Crème Brûlée", "creme brulee"),
        ("", ""),
    ],
)
def test_fold_text(text, folded):
    assert fold_text(text) == folded


def _reference_fold(s: str) -> str:
    # The definition, applied to the whole string at once (the implementation folds per
    # character through a table and must agree with this everywhere).
    import re
    import unicodedata

    extra = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o",
                           "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i"})  # fmt: skip
    text = unicodedata.normalize("NFKD", str(s).translate(extra))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text.casefold()).strip()


def test_fold_text_matches_whole_string_definition():
    import random

    alphabet = (
        "aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄĘŁŃÓŚŹŻ \t\n\u00a0\u2003ﬁßæŒıĐøйЙїЇёЁґҐ①²½ǅΣσς"
        "\u0327\u0300İẞ\x1c\u2028"
    )
    rng = random.Random(20261202)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert fold_text(text) == _reference_fold(text), repr(text)
    for code in range(0x3000):
        text = f"a{chr(code)}b {chr(code)}"
        assert fold_text(text) == _reference_fold(text), hex(code)
