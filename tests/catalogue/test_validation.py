"""Validation of partner rows: every problem found in one pass, in Polish and English."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from catalogue.cells import months_to_text, neutralise, parse_months, unneutralise
from catalogue.columns import canonical_column
from catalogue.contacts import normalise_phone
from catalogue.messages import MESSAGES, format_message
from catalogue.validation.report import ValidationIssue
from catalogue.validation.rows import validate_records

# Real places (coordinates in degrees, lat first).
CASTLE = {"lat": "49.7761", "lon": "22.6492"}  # Zamek w Krasiczynie, gmina Krasiczyn
JAROSLAW_SQUARE = {"lat": "50.0163", "lon": "22.6777"}  # Rynek, town gmina Jarosław
WOLKA_PELKINSKA = {"lat": "50.0922", "lon": "22.6064"}  # rural gmina Jarosław
PRZEMYSL_NORTH = {"lat": "49.81", "lon": "22.77"}  # city of Przemyśl, 1 km from powiat przemyski
MEDYKA_BORDER = {"lat": "49.805", "lon": "22.975"}  # just across the border, < 2 km out
RZESZOW = {"lat": "50.0413", "lon": "21.999"}  # ~21 km west of powiat przeworski


def record(**cells) -> dict:
    base = {"name": "Zamek w Krasiczynie", "category": "heritage", **CASTLE}
    base.update(cells)
    return {k: v for k, v in base.items() if v is not None}


def check(*records, existing=None, partners=None, lang="pl", **kwargs):
    return validate_records(list(records), existing, lang, partners=partners, **kwargs)


def codes(report) -> set[str]:
    return {issue.code for issue in report.issues}


def only(report, code) -> ValidationIssue:
    found = [i for i in report.issues if i.code == code]
    assert len(found) == 1, report.to_text("en")
    return found[0]


# -- header --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Nazwa", "name"),
        ("KATEGORIA", "category"),
        ("Szerokość", "lat"),
        ("szerokosc geograficzna", "lat"),
        ("Długość", "lon"),
        ("współrzędne", "coordinates"),
        ("data_od", "event_start"),
        ("Data-do", "event_end"),
        ("Początek wydarzenia", "event_start"),
        ("typ_partnera", "partner_sector"),
        ("E-mail", "email"),
        ("www", "website"),
        ("Dostępność dla wózków", "wheelchair"),
        ("rodziny z dziećmi", "family"),
        ("Języki", "languages"),
        ("źródło", "source"),
        ("nazwa_en", "name_en"),
        ("Opis EN", "description_en"),
        ("partner_sector", "partner_sector"),
        ("kolor", None),
    ],
)
def test_headers_are_matched_in_polish_and_english_loosely(header, canonical):
    assert canonical_column(header) == canonical


def test_polish_headers_build_the_product():
    products, report = check(
        {
            "Nazwa": "Zamek w Krasiczynie",
            "Kategoria": "Zabytki i atrakcje",
            "Szerokość": "49,7761",
            "Długość": "22,6492",
            "Telefon": "(16) 6711321",
            "Bezpłatne": "nie",
            "Miesiące": "cały rok",
        }
    )
    assert report.ok, report.to_text()
    product = products[0]
    assert (product.name_pl, product.category) == ("Zamek w Krasiczynie", "heritage")
    assert (product.lat, product.lon) == (49.7761, 22.6492)
    assert (product.district_teryt, product.gmina_teryt) == ("1813", "1813042")
    assert product.phone == "+48 166 711 321"
    assert product.free is False and product.months == list(range(1, 13))


def test_unknown_column_is_a_warning_naming_it():
    products, report = check(record(kolor="czerwony"))
    issue = only(report, "unknown_column")
    assert issue.severity == "warning" and issue.column == "kolor" and issue.row == 1
    assert products[0] is not None
    assert "Wiersz 1, kolumna „kolor”" in issue.message("pl")


def test_missing_required_column_stops_every_row():
    products, report = check({"name": "Zamek", **CASTLE})
    issue = only(report, "missing_column")
    assert issue.column == "kategoria"
    assert products == [None]


def test_two_headers_for_one_column_are_an_error():
    products, report = check(record(nazwa="Inna nazwa"))
    issue = only(report, "duplicate_column")
    assert issue.column == "nazwa" and issue.params["other"] == "name"
    assert products == [None]


def test_empty_file_and_blank_rows():
    _, report = check()
    assert codes(report) == {"empty_file"}
    products, report = check(record(), {"name": "", "category": " ", "lat": None, "lon": ""})
    assert report.ok and products[1] is None and report.checked_rows == [2]


# -- required fields, category, coordinates -------------------------------------------------


def test_missing_required_values_are_reported_with_row_and_column():
    products, report = check(
        record(),
        record(name=""),
        record(category=None),
        record(lat="", lon=""),
    )
    assert products[0] is not None and products[1:] == [None, None, None]
    errors = {(i.row, i.column, i.code) for i in report.errors}
    assert errors == {(3, "name", "required"), (4, "category", "required"), (5, "lat", "required")}
    text_pl, text_en = report.to_text("pl"), report.to_text("en")
    assert "Wiersz 3, kolumna „name”: brak wartości" in text_pl
    assert 'Row 3, column "name": the value is missing' in text_en


@pytest.mark.parametrize(
    "value",
    ["heritage", "HERITAGE", "Zabytki i atrakcje", "zabytki i atrakcje", "Heritage and sights"],
)
def test_category_accepts_slug_and_labels(value):
    products, report = check(record(category=value))
    assert report.ok and products[0].category == "heritage"


def test_category_with_diacritics_and_separators():
    products, report = check(record(category="Produkty lokalne i rekodzielo"))
    assert products[0].category == "local_products"
    products, report = check(record(category="local-products"))
    assert products[0].category == "local_products"


def test_unknown_category_lists_the_valid_ones():
    rows = [record(category=None, kategoria=value) for value in ("heritage",) * 3 + ("zamki",)]
    _, report = check(*rows)
    issue = only(report, "unknown_category")
    assert (issue.row, issue.column) == (5, "kategoria")
    pl = issue.message("pl")
    assert pl.startswith("Wiersz 5, kolumna „kategoria”: nieznana kategoria „zamki”. Dozwolone:")
    assert "heritage (Zabytki i atrakcje)" in pl and "services (Usługi turystyczne)" in pl
    en = issue.message("en")
    assert en.startswith('Row 5, column "kategoria": unknown category "zamki"')
    assert "heritage (Heritage and sights)" in en


def test_coordinates_column_uses_geodata_parser():
    products, report = check(
        {"name": "Zamek", "category": "heritage", "coordinates": "49°46'34\"N 22°38'57\"E"}
    )
    assert report.ok, report.to_text()
    assert products[0].lat == pytest.approx(49.7761, abs=1e-3)
    assert products[0].district_teryt == "1813"


def test_unparseable_coordinates_are_an_error_with_geodata_reason():
    _, report = check({"name": "Zamek", "category": "heritage", "Współrzędne": "koło zamku"})
    issue = only(report, "bad_coordinates")
    assert issue.column == "Współrzędne" and issue.severity == "error"
    assert "koło zamku" in issue.message("pl") and "koło zamku" in issue.message("en")
    assert issue.message("pl") != issue.message("en")


def test_decimal_commas_and_bad_numbers_in_lat_lon_columns():
    products, report = check(record(lat="49,7761", lon=" 22,6492 "))
    assert report.ok and (products[0].lat, products[0].lon) == (49.7761, 22.6492)
    _, report = check(record(lat="49,77x"))
    issue = only(report, "bad_number")
    assert issue.column == "lat" and "49,77x" in issue.message("en")


def test_only_one_coordinate_is_an_error():
    _, report = check(record(lon=""))
    assert only(report, "coordinate_incomplete").column == "lon"


def test_swapped_lat_lon_is_corrected_with_a_warning():
    products, report = check(record(lat="22.6492", lon="49.7761"))
    issue = only(report, "coordinates_swapped")
    assert issue.severity == "warning" and report.ok
    assert (products[0].lat, products[0].lon) == (49.7761, 22.6492)
    assert "49.77610, 22.64920" in issue.message("pl")


def test_point_outside_the_districts_names_nearest_and_distance():
    _, report = check(record(**RZESZOW))
    issue = only(report, "outside_area")
    assert issue.severity == "error"
    assert "powiat przeworski" in issue.message("pl") and "20,8 km" in issue.message("pl")
    assert "Przeworsk County" in issue.message("en") and "20.8 km" in issue.message("en")


def test_point_just_outside_is_accepted_with_a_warning():
    products, report = check(record(name="Przejście graniczne", **MEDYKA_BORDER))
    issue = only(report, "near_boundary")
    assert issue.severity == "warning" and report.ok
    assert products[0].district_teryt == "1813"


# -- gmina -----------------------------------------------------------------------------------


def test_gmina_is_guessed_when_not_declared():
    products, _ = check(record(), record(name="Rynek w Jarosławiu", **JAROSLAW_SQUARE))
    assert products[0].gmina_teryt == "1813042"
    assert (products[1].district_teryt, products[1].gmina_teryt) == ("1804", "1804011")


@pytest.mark.parametrize(
    ("gmina", "point", "expected"),
    [
        ("Krasiczyn", CASTLE, "1813042"),
        ("1813042", CASTLE, "1813042"),
        ("gmina krasiczyn", CASTLE, "1813042"),
        ("Jarosław", JAROSLAW_SQUARE, "1804011"),  # the town, where the point lies
        ("Jarosław", WOLKA_PELKINSKA, "1804042"),  # the rural gmina around it
        ("Przemyśl", PRZEMYSL_NORTH, "1862011"),  # city of Przemyśl
        ("Przemyśl", {"lat": "49.7461", "lon": "22.7750"}, "1813082"),  # rural, Pikulice
    ],
)
def test_declared_gmina_is_resolved(gmina, point, expected):
    products, report = check(record(name="Miejsce", gmina=gmina, **point))
    assert report.ok, report.to_text()
    assert products[0].gmina_teryt == expected
    assert products[0].district_teryt == expected[:4]


def test_unknown_gmina_is_an_error():
    _, report = check(record(gmina="Atlantyda"))
    issue = only(report, "unknown_gmina")
    assert "Atlantyda" in issue.message("pl") and issue.column == "gmina"


def test_gmina_in_another_district_than_the_point_is_an_error():
    _, report = check(record(gmina="Przeworsk"))
    issue = only(report, "gmina_mismatch")
    assert "powiat przeworski" in issue.message("pl") and "powiat przemyski" in issue.message("pl")


def test_declared_gmina_decides_near_an_internal_boundary():
    products, report = check(record(name="Miejsce", gmina="Żurawica", **PRZEMYSL_NORTH))
    issue = only(report, "gmina_decides_district")
    assert issue.severity == "warning"
    assert (products[0].district_teryt, products[0].gmina_teryt) == ("1813", "1813102")


# -- contact fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored", "warned"),
    [
        ("https://www.przemysl.pl", "https://www.przemysl.pl", False),
        ("http://krasiczyn.pl/zamek?x=1", "http://krasiczyn.pl/zamek?x=1", False),
        ("www.przemysl.pl", "https://www.przemysl.pl", True),
        ("przemysl.pl/muzeum", "https://przemysl.pl/muzeum", True),
    ],
)
def test_websites(value, stored, warned):
    products, report = check(record(website=value))
    assert products[0].website == stored
    assert ("url_normalised" in codes(report)) is warned


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("javascript:alert(1)", "javascript_url"),
        ("JavaScript:alert(document.cookie)", "javascript_url"),
        ("ftp://pliki.przemysl.pl", "bad_url"),
        ("data:text/html,hi", "bad_url"),
        ("strona gminy", "bad_url"),
        ("https://", "bad_url"),
    ],
)
def test_bad_websites(value, code):
    products, report = check(record(website=value))
    assert products == [None] and only(report, code).column == "website"


@pytest.mark.parametrize("value", ["biuro@zamek.pl", "mailto:info@przemysl.pl", "a.b+c@x.com.pl"])
def test_good_email(value):
    products, report = check(record(email=value))
    assert report.ok and products[0].email == value.removeprefix("mailto:")


@pytest.mark.parametrize("value", ["biuro@", "biuro zamek.pl", "a@b", "a@@b.pl", "a@b.pl, c@d.pl"])
def test_bad_email(value):
    _, report = check(record(email=value))
    assert only(report, "bad_email").params["value"] == value


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("16 621 12 34", "+48 166 211 234"),
        ("(16) 6211234", "+48 166 211 234"),
        ("0048 16 621 12 34", "+48 166 211 234"),
        ("+48 600-100-200", "+48 600 100 200"),
        ("+48600100200", "+48 600 100 200"),
        ("600100200", "+48 600 100 200"),
        (600100200, "+48 600 100 200"),
        (600100200.0, "+48 600 100 200"),
        ("016 621 12 34", "+48 166 211 234"),
        ("16 621 12 34; 600 100 200", "+48 166 211 234, +48 600 100 200"),
    ],
)
def test_polish_phones_are_normalised(value, stored):
    products, report = check(record(phone=value))
    assert report.ok, report.to_text()
    assert products[0].phone == stored


@pytest.mark.parametrize("value", ["+380 44 123 45 67", "123", "16 621 12 34 wew. 5", "0 12"])
def test_other_phones_are_errors(value):
    _, report = check(record(phone=value))
    assert only(report, "bad_phone").column == "phone"


def test_normalised_phone_is_stable():
    assert normalise_phone(normalise_phone("16 621 12 34")) == "+48 166 211 234"


# -- yes/no, months, dates, languages, tags ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("tak", True),
        ("TAK", True),
        ("x", True),
        ("yes", True),
        ("true", True),
        ("1", True),
        (1, True),
        (True, True),
        ("nie", False),
        ("no", False),
        ("false", False),
        ("0", False),
        (False, False),
        ("", None),
        (None, None),
    ],
)
@pytest.mark.parametrize("column", ["free", "family", "pets"])
def test_yes_no_columns(column, value, expected):
    products, report = check(record(**{column: value}))
    assert report.ok
    assert getattr(products[0], column) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("tak", "yes"),
        ("Yes", "yes"),
        ("x", "yes"),
        (True, "yes"),
        ("nie", "no"),
        ("no", "no"),
        ("częściowo", "limited"),
        ("Czesciowo", "limited"),
        ("limited", "limited"),
        ("partly", "limited"),
        ("частково", "limited"),
        ("", ""),
        (None, ""),
    ],
)
def test_wheelchair_is_yes_limited_or_no(value, expected):
    products, report = check(record(wheelchair=value))
    assert report.ok, report.issues
    assert products[0].wheelchair == expected


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_wheelchair_other_answers_are_refused_with_row_and_field(lang):
    _, report = check(record(wheelchair="chyba"), lang=lang)
    (issue,) = report.errors
    assert (issue.row, issue.column, issue.code) == (2, "wheelchair", "bad_wheelchair")
    text = issue.message(lang)
    assert "chyba" in text and "2" in text
    assert {"pl": "częściowo", "en": "limited", "uk": "częściowo"}[lang] in text


def test_text_credit_columns():
    products, report = check(
        record(text_author="Muzeum Narodowe Ziemi Przemyskiej", text_licence="CC BY-SA 4.0")
    )
    assert report.ok
    assert (products[0].text_author, products[0].text_licence) == (
        "Muzeum Narodowe Ziemi Przemyskiej",
        "CC-BY-SA-4.0",
    )
    _, report = check(record(text_licence="GPL"))
    (issue,) = report.errors
    assert (issue.column, issue.code) == ("text_licence", "bad_licence")
    assert "CC BY 4.0" in issue.message("pl") and "GPL" in issue.message("pl")


def test_yes_no_rejects_other_answers():
    _, report = check(record(free="czasem", pets="może"))
    assert {(i.column, i.code) for i in report.errors} == {
        ("free", "bad_bool"),
        ("pets", "bad_bool"),
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5-9", [5, 6, 7, 8, 9]),
        ("cały rok", list(range(1, 13))),
        ("caly rok", list(range(1, 13))),
        ("All year", list(range(1, 13))),
        ("1-12", list(range(1, 13))),
        ("maj-wrzesień", [5, 6, 7, 8, 9]),
        ("maja – września", [5, 6, 7, 8, 9]),
        ("5,6,7", [5, 6, 7]),
        ("11-2", [1, 2, 11, 12]),
        ("V-IX", [5, 6, 7, 8, 9]),
        ("XII", [12]),
        ("June-August", [6, 7, 8]),
        ("", []),
    ],
)
def test_months(value, expected):
    assert parse_months(value) == expected
    products, report = check(record(months=value))
    assert report.ok and products[0].months == expected


@pytest.mark.parametrize("value", ["13", "0-5", "lato", "5-9-11", "2027-05-09"])
def test_bad_months(value):
    _, report = check(record(months=value))
    assert only(report, "bad_months").column == "months"


def test_months_text_round_trips():
    for months in ([5, 6, 7, 8, 9], [1, 2, 11, 12], [3], [1, 3, 5, 6], list(range(1, 13))):
        assert parse_months(months_to_text(months)) == months


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2027-08-15", "2027-08-17"),
        ("15.08.2027", "17.08.2027"),
        (datetime(2027, 8, 15), datetime(2027, 8, 17)),
        (date(2027, 8, 15), "17.08.2027"),
        (46614, 46616),  # Excel serial days
    ],
)
def test_event_dates(start, end):
    products, report = check(record(category="events", event_start=start, event_end=end))
    assert report.ok, report.to_text()
    assert (products[0].event_start, products[0].event_end) == (
        date(2027, 8, 15),
        date(2027, 8, 17),
    )


def test_event_end_before_start_is_an_error():
    _, report = check(record(event_start="17.08.2027", event_end="2027-08-15"))
    issue = only(report, "event_end_before_start")
    assert issue.column == "event_end" and "2027-08-15" in issue.message("en")


def test_bad_dates():
    _, report = check(record(event_start="sierpień", event_end="31.02.2027"))
    assert {(i.column, i.code) for i in report.errors} == {
        ("event_start", "bad_date"),
        ("event_end", "bad_date"),
    }


@pytest.mark.parametrize("value", ["pl;en", "pl, en", "polski, angielski", "PL; English"])
def test_languages(value):
    products, report = check(record(languages=value))
    assert report.ok and products[0].languages == ["pl", "en"]


def test_unknown_language():
    _, report = check(record(languages="polski, klingoński"))
    assert only(report, "bad_language").params["value"] == "klingoński"


def test_tags_are_split_and_deduplicated():
    products, _ = check(record(tags="zamek; renesans, park;;Zamek"))
    assert products[0].tags == ["zamek", "renesans", "park"]


# -- text ---------------------------------------------------------------------------------------


def test_text_limits_and_control_characters():
    _, report = check(
        record(name="Z" * 201),
        record(description="a" * 5001),
        record(name="Zamek\x07"),
        record(description="Renesans\u202eevil"),
    )
    found = {(i.row, i.column, i.code) for i in report.errors}
    assert found == {
        (2, "name", "too_long"),
        (3, "description", "too_long"),
        (4, "name", "control_chars"),
        (5, "description", "control_chars"),
    }
    name_issue = next(i for i in report.errors if i.code == "too_long" and i.row == 2)
    assert "201" in name_issue.message("pl") and "200" in name_issue.message("en")
    control = next(i for i in report.errors if i.code == "control_chars" and i.row == 4)
    assert "U+0007" in control.message("en")


def test_text_is_stripped_and_descriptions_keep_line_breaks():
    products, _ = check(
        record(name="  Zamek \n w Krasiczynie ", description=" Akapit 1\r\n\r\nAkapit 2 ")
    )
    assert products[0].name_pl == "Zamek w Krasiczynie"
    assert products[0].description_pl == "Akapit 1\n\nAkapit 2"


def test_formula_like_text_is_stored_as_given_and_neutralisation_undone():
    products, report = check(
        record(name='=HYPERLINK("x")', description="-10% dla grup", address="@zamek"),
        record(name="'=1+1", description="'+ taras", phone="'+48 600 100 200", **JAROSLAW_SQUARE),
    )
    assert report.ok, report.to_text()
    first, second = products
    assert (first.name_pl, first.description_pl, first.address) == (
        '=HYPERLINK("x")',
        "-10% dla grup",
        "@zamek",
    )
    assert (second.name_pl, second.description_pl, second.phone) == (
        "=1+1",
        "+ taras",
        "+48 600 100 200",
    )


@pytest.mark.parametrize("text", ["=1+1", "+48 1", "-x", "@a", "'=x", "''+y", "plain", "'quoted"])
def test_neutralise_round_trip(text):
    assert unneutralise(neutralise(text)) == text


# -- duplicates and ids --------------------------------------------------------------------------


EXISTING = pd.DataFrame(
    [
        {"id": "castle", "name_pl": "Zamek w Krasiczynie", "lat": 49.7761, "lon": 22.6492},
        {"id": "square", "name_pl": "Rynek w Jarosławiu", "lat": 50.0163, "lon": 22.6777},
    ]
)


def test_likely_duplicate_of_existing_product_is_a_warning():
    products, report = check(record(name="ZAMEK w krasiczynie", lat="49.7770"), existing=EXISTING)
    issue = only(report, "likely_duplicate_existing")
    assert issue.severity == "warning" and issue.params["other_id"] == "castle"
    assert issue.params["distance_m"] == 100
    assert products[0] is not None and products[0].id != "castle"


def test_similar_name_and_contained_name_count_as_duplicates():
    _, report = check(record(name="Zamek w Krasiczynie (muzeum)"), existing=EXISTING)
    assert "likely_duplicate_existing" in codes(report)
    _, report = check(record(name="Zamek Krasiczynie"), existing=EXISTING)
    assert "likely_duplicate_existing" in codes(report)


def test_no_duplicate_when_far_away_or_differently_named_or_same_id():
    _, report = check(record(lat="49.7800"), existing=EXISTING)  # ~430 m north
    assert report.issues == []
    _, report = check(record(name="Hotel w zamku"), existing=EXISTING)
    assert report.issues == []
    products, report = check(record(id="castle", name="Zamek w Krasiczynie"), existing=EXISTING)
    assert report.issues == [] and products[0].id == "castle"


def test_duplicate_of_an_earlier_row_is_a_warning():
    _, report = check(record(), record(name="Zamek w Krasiczynie.", lat="49.7765"))
    issue = only(report, "likely_duplicate_row")
    assert (issue.row, issue.params["other_row"]) == (3, 2)


def test_ids_are_generated_unique_and_checked():
    products, report = check(
        record(),
        record(name="Zamek w Krasiczynie", **JAROSLAW_SQUARE),
        record(id="zamek-w-krasiczynie-2", name="Inny", **WOLKA_PELKINSKA),
        existing=EXISTING,
    )
    assert report.ok
    assert [p.id for p in products] == [
        "zamek-w-krasiczynie",
        "zamek-w-krasiczynie-3",
        "zamek-w-krasiczynie-2",
    ]
    _, report = check(record(id="a b"), record(id="x1", **JAROSLAW_SQUARE), record(id="x1"))
    assert {(i.row, i.code) for i in report.errors} == {(2, "bad_id"), (4, "duplicate_id")}


# -- partners ------------------------------------------------------------------------------------


PARTNERS = pd.DataFrame(
    [{"id": "p-zamek", "name": "Zamek Krasiczyn Sp. z o.o.", "sector": "business"}]
)


def test_existing_partner_is_found_by_name_or_id():
    products, report = check(
        record(partner="ZAMEK KRASICZYN sp. z o.o."),
        record(partner="p-zamek", **JAROSLAW_SQUARE),
        partners=PARTNERS,
    )
    assert report.ok and [p.partner_id for p in products] == ["p-zamek", "p-zamek"]
    assert report.new_partners == []


def test_changed_sector_of_existing_partner_is_ignored_with_warning():
    products, report = check(
        record(partner="Zamek Krasiczyn Sp. z o.o.", partner_sector="ngo"), partners=PARTNERS
    )
    assert only(report, "partner_sector_ignored").severity == "warning"
    assert products[0].partner_id == "p-zamek"


def test_new_partner_is_created_with_a_slug_and_sector_from_any_of_its_rows():
    products, report = check(
        record(partner="Stowarzyszenie Przyjaciół Krasiczyna"),
        record(
            partner="stowarzyszenie przyjaciół krasiczyna",
            partner_sector="Organizacja pozarządowa",
            **JAROSLAW_SQUARE,
        ),
    )
    assert report.ok, report.to_text()
    [partner] = report.new_partners
    assert (partner.id, partner.sector) == ("stowarzyszenie-przyjaciol-krasiczyna", "ngo")
    assert [p.partner_id for p in products] == [partner.id, partner.id]


def test_new_partner_without_sector_is_an_error():
    _, report = check(record(partner="Nowa Firma"))
    issue = only(report, "partner_sector_missing")
    assert "Nowa Firma" in issue.message("pl") and "social_economy" in issue.message("en")


def test_unknown_and_conflicting_sectors():
    _, report = check(
        record(partner="Nowa Firma", partner_sector="biznes"),
        record(partner="Nowa Firma", partner_sector="ngo", **JAROSLAW_SQUARE),
        record(partner="Inna", partner_sector="kosmiczny", **WOLKA_PELKINSKA),
    )
    assert {(i.row, i.code) for i in report.errors} == {
        (3, "partner_sector_conflict"),
        (4, "bad_sector"),
    }


# -- the report --------------------------------------------------------------------------------


def test_every_problem_of_a_row_is_reported_in_one_pass():
    products, report = check(
        record(),
        record(
            name="",
            category="zamki",
            website="javascript:alert(1)",
            email="nie-mail",
            phone="123",
            free="może",
            months="lato",
            event_start="32.01.2027",
            languages="klingoński",
        ),
    )
    assert products[1] is None and report.valid_rows == [2] and report.error_rows == [3]
    assert {i.column for i in report.errors} == {
        "name",
        "category",
        "website",
        "email",
        "phone",
        "free",
        "months",
        "event_start",
        "languages",
    }
    lines = report.to_text("en").splitlines()
    assert len(lines) == 9 and all(line.startswith("Row 3, column ") for line in lines)


def test_report_language_defaults_to_validation_language():
    _, report = check(record(category="zamki"), lang="en")
    assert report.to_text().startswith('Row 2, column "category": unknown category')
    assert report.to_text("pl").startswith("Wiersz 2, kolumna „category”: nieznana kategoria")
    assert report.to_text("uk").startswith("Рядок 2, стовпець «category»")


def test_geojson_features_are_numbered_as_features():
    _, report = check(record(category="zamki"), first_row=1, row_kind="feature")
    assert report.to_text("pl").startswith("Obiekt 1, pole „category”")
    assert report.to_text("en").startswith('Feature 1, property "category"')


def test_options_are_checked_by_allow_lists():
    with pytest.raises(ValueError, match="severity"):
        ValidationIssue(2, "name", "required", "fatal")
    with pytest.raises(ValueError, match="language"):
        check(record(), lang="de")
    with pytest.raises(ValueError, match="row kind"):
        check(record(), row_kind="line")


def test_every_message_exists_in_polish_and_english():
    for code, templates in MESSAGES.items():
        assert {"pl", "en"} <= set(templates), code
    assert format_message("too_long", "en", {"length": 201, "max": 200}).startswith(
        "the text has 201 characters"
    )
    localised = {"pl": "powiat przemyski", "en": "Przemyśl County"}
    assert "Przemyśl County" in format_message(
        "near_boundary", "en", {"lat": "1", "lon": "2", "district": localised}
    )


def test_partner_submissions_need_a_partner_and_a_contact():
    base = {"name": "Pasieka", "category": "food", "coordinates": "50.0163, 22.6777"}
    rows = [
        dict(base),
        dict(base, name="Pasieka 2", partner="Gmina Miejska Przemyśl"),
        dict(base, name="Pasieka 3", partner="Gmina Miejska Przemyśl", email="ul@przemysl.pl"),
    ]
    partners = pd.DataFrame(
        [{"id": "partner-001", "name": "Gmina Miejska Przemyśl", "sector": "public"}]
    )
    products, report = validate_records(rows, partners=partners, require_reachable=True)
    codes = {(i.row, i.column, i.code) for i in report.errors}
    assert (2, "partner", "partner_required") in codes
    assert (2, "", "contact_required") in codes and (3, "", "contact_required") in codes
    assert report.valid_rows == [4] and products[2] is not None
    assert "Wiersz 3: turysta nie ma jak się skontaktować" in report.to_text("pl")
    # Staff imports and the sample keep their own rule: the check is asked for.
    assert validate_records(rows, partners=partners)[1].valid_rows == [2, 3, 4]
