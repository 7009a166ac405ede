"""Opening hours (OSM ``opening_hours``): parsing, errors with positions, words, "open now".

The rules in ``OSM_EXAMPLES`` are examples from the OpenStreetMap wiki page
Key:opening_hours (https://wiki.openstreetmap.org/wiki/Key:opening_hours).
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from catalogue.filters import ProductFilter, apply_filter, prepare_frame
from catalogue.opening_hours import (
    OpeningHoursError,
    check_rule,
    describe,
    is_open_at,
    open_months,
)
from catalogue.validation.rows import validate_records

OSM_EXAMPLES = (
    "Mo-Fr 08:00-12:00,13:00-17:30",
    "Mo-Fr 08:00-12:00,13:00-17:30; Sa 08:00-12:00",
    "Mo-Fr 08:00-12:00,13:00-17:30; Sa 08:00-12:00; PH 09:00-12:00",
    "24/7",
    "Mo-Su 08:00-18:00; Apr 10-15 off; Jun 08:00-14:00; Aug off; Dec 25 off",
    "sunrise-sunset",
    "Su 10:00+",
    "week 1-53/2 Fr 09:00-12:00; week 2-52/2 We 09:00-12:00",
    'Mo-Sa 08:00-13:00,14:00-17:00 || "by appointment"',
    "Mo 10:00-12:00,12:30-15:00; Tu-Fr 08:00-12:00,12:30-15:00; Sa 08:00-12:00",
)
MUSEUM = "Tu-Su 09:00-17:00; PH off"
SEASONAL = "May-Sep Tu-Su 10:00-18:00"


@pytest.mark.parametrize("rule", OSM_EXAMPLES)
def test_rules_from_osm_documentation_parse(rule):
    assert check_rule(f"  {rule} ") == rule


@pytest.mark.parametrize(
    ("rule", "position", "fragment"),
    [
        ("Mo-Fr 09:00-1700", 13, "1700"),
        ("Tu-Sx 10:00-12:00", 4, "Sx 10:00-12:00"),
        ("Mo-Fr 9:00-17:00; PH of", 22, "of"),
    ],
)
def test_malformed_rules_name_the_position(rule, position, fragment):
    with pytest.raises(OpeningHoursError) as caught:
        check_rule(rule)
    assert caught.value.position == position
    assert caught.value.fragment == fragment


def test_import_reports_a_bad_rule_in_the_partners_language_with_row_and_position():
    rows = [
        {"nazwa": "Muzeum", "kategoria": "museum", "szerokość": "49.78", "długość": "22.77",
         "godziny otwarcia": "Tu-Su 09:00-1700"},
    ]  # fmt: skip
    products, report = validate_records(rows)
    assert products == [None]
    text = report.to_text("pl")
    assert "Wiersz 2" in text and "godziny otwarcia" in text
    assert "od znaku 13" in text and "„1700”" in text
    assert 'character 13 ("1700")' in report.to_text("en")
    assert "символу 13" in report.to_text("uk")


def test_import_keeps_the_rule_and_derives_the_months():
    rows = [
        {"name": "Skansen", "category": "museum", "lat": "49.78", "lon": "22.77",
         "months": "1-12", "opening_hours": SEASONAL},
    ]  # fmt: skip
    (product,), report = validate_records(rows, lang="en")
    assert report.ok, report.to_text()
    assert product.opening_hours == SEASONAL
    assert product.months == [5, 6, 7, 8, 9]


def test_months_of_a_rule():
    assert open_months("Tu-Su 09:00-17:00; PH off; Jan-Mar off") == tuple(range(4, 13))
    assert open_months("24/7") == tuple(range(1, 13))
    assert open_months("Dec 24-Jan 6 10:00-14:00") == (1, 12)
    assert open_months("") == ()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("pl", "wt.–nd. 9:00–17:00, nieczynne w święta, sty–mar: nieczynne"),
        ("en", "Tue–Sun 9:00–17:00, closed on public holidays, Jan–Mar: closed"),
        ("uk", "вт–нд 9:00–17:00, зачинено у святкові дні, січ–бер: зачинено"),
    ],
)
def test_common_rules_in_words(lang, words):
    assert describe("Tu-Su 09:00-17:00; PH off; Jan-Mar off", lang) == words


@pytest.mark.parametrize(
    ("lang", "words"), [("pl", "nieczynne"), ("en", "closed"), ("uk", "зачинено")]
)
def test_a_bare_off_reads_closed(lang, words):
    assert describe("off", lang) == words


def test_exotic_rules_stay_as_written():
    rule = "week 1-53/2 Fr 09:00-12:00"
    assert describe(rule, "pl") == rule
    assert describe("May-Sep Tu-Su 10:00-18:00", "pl") == "maj–wrz: wt.–nd. 10:00–18:00"


def _catalogue() -> pd.DataFrame:
    base = {"name_pl": "", "category": "heritage", "lat": 49.78, "lon": 22.77,
            "months_mask": 0, "event_start": None, "event_end": None}  # fmt: skip
    rows = [
        {**base, "id": "museum", "opening_hours": MUSEUM},
        {**base, "id": "seasonal", "opening_hours": SEASONAL},
        {**base, "id": "always", "opening_hours": "24/7"},
        {**base, "id": "unknown", "opening_hours": ""},
        {**base, "id": "fair", "opening_hours": "", "event_start": date(2027, 6, 15),
         "event_end": date(2027, 6, 16)},
    ]  # fmt: skip
    return prepare_frame(pd.DataFrame(rows))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # A Monday of a museum week: the museum rests, the seasonal place too.
        (datetime(2027, 6, 14, 11, 0), {"always"}),
        # The Tuesday after: both open, and the fair runs.
        (datetime(2027, 6, 15, 11, 0), {"museum", "seasonal", "always", "fair"}),
        # After closing time.
        (datetime(2027, 6, 15, 17, 30), {"seasonal", "always", "fair"}),
        # 11 November (Independence Day, a Thursday): PH off closes the museum.
        (datetime(2027, 11, 11, 11, 0), {"always"}),
        (datetime(2027, 11, 18, 11, 0), {"museum", "always"}),
        # A Tuesday in January: the seasonal place is closed.
        (datetime(2027, 1, 12, 11, 0), {"museum", "always"}),
    ],
)
def test_open_now_at_fixed_clock_times(moment, expected):
    found = apply_filter(_catalogue(), ProductFilter(open_now=True), now=moment)
    assert set(found["id"]) == expected


def test_open_on_a_date():
    frame = _catalogue()
    monday = apply_filter(frame, ProductFilter(open_on=date(2027, 6, 14)))
    assert set(monday["id"]) == {"always"}
    # Corpus Christi 2027 (Thursday 27 May, a public holiday): the museum is closed.
    corpus_christi = apply_filter(frame, ProductFilter(open_on=date(2027, 5, 27)))
    assert set(corpus_christi["id"]) == {"seasonal", "always"}
    tuesday = apply_filter(frame, ProductFilter(open_on=date(2027, 6, 15)))
    assert set(tuesday["id"]) == {"museum", "seasonal", "always", "fair"}


def test_open_filters_survive_a_shared_link():
    flt = ProductFilter(open_now=True, open_on=date(2027, 6, 15))
    params = flt.to_query_params()
    assert params["open"] == "now" and params["open_on"] == "2027-06-15"
    assert ProductFilter.from_query_params(params) == flt
    assert ProductFilter.from_query_params({"open_on": "bad"}).open_on is None


def test_state_is_unknown_without_a_rule():
    assert is_open_at("", datetime(2027, 6, 15, 11)) is None
