"""AppTest: real pages say counts with the right plural form in Polish, English and Ukrainian."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from catalogue.model import Partner, Product

REPO_ROOT = Path(__file__).resolve().parents[2]
TRIP = "ui/pages/trip_page.py"
PRINT = "ui/pages/print_page.py"


def open_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():  # the first run takes the language from the URL
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    # md_escape puts a backslash before markdown characters and a word joiner before ":".
    shown = [m.value for m in at.markdown] + [i.value for i in at.info]
    return [t.replace("\\", "").replace("\u2060", "") for t in shown]


@pytest.fixture
def one_offering_db(db):
    partner = Partner(id="p-1", name="Stowarzyszenie", sector="ngo")
    product = Product(
        id="only-1",
        name_pl="Zamek",
        category="heritage",
        lat=49.7836,
        lon=22.7678,
        district_teryt="1862",
        gmina_teryt="1862011",
        partner_id="p-1",
        status="published",
        source="import",
    )
    db.save_products([product], actor="test", partners=[partner])
    return db


@pytest.mark.parametrize(
    ("missing", "lang", "expected"),
    [
        (1, "pl", "Pominięto 1 miejsce, którego"),
        (2, "pl", "Pominięto 2 miejsca, których"),
        (5, "pl", "Pominięto 5 miejsc, których"),
        (1, "en", "Left out 1 place that"),
        (2, "en", "Left out 2 places that"),
        (5, "uk", "Пропущено 5 місць"),
    ],
)
def test_trip_page_counts_the_places_it_left_out(sample_db, missing, lang, expected):
    ids = ["sample-001"] + [f"gone-{i}" for i in range(missing)]
    at = open_page(TRIP, trip=",".join(ids), lang=lang)
    assert any(expected in t for t in texts(at)), texts(at)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", "Wybrano **1** z 1 opublikowanej oferty."),
        ("en", "**1** of 1 published offering selected."),
        ("uk", "Вибрано **1** з 1 опублікованої пропозиції."),
    ],
)
def test_print_page_says_one_offering_in_the_singular(one_offering_db, lang, expected):
    at = open_page(PRINT, lang=lang)
    assert expected in texts(at), texts(at)


def test_print_page_says_many_offerings_in_the_plural(sample_db):
    total = len(sample_db.products_frame())
    assert total > 4 and total % 10 not in (2, 3, 4)  # the genitive plural in every language
    at = open_page(PRINT, lang="en")
    assert f"**{total}** of {total} published offerings selected." in texts(at), texts(at)
    at = open_page(PRINT)
    assert f"Wybrano **{total}** z {total} opublikowanych ofert." in texts(at), texts(at)
