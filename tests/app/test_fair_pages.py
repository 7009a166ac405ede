"""AppTest of the fair pages: the trip, the presentation and the statistics (widgets by key)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections import Counter

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from catalogue import staff
from catalogue.rows import row_to_product
from catalogue.sample_loading import load_sample_catalogue
from fairkit.stats import localise_columns, social_economy_by_district, to_csv_bytes
from fairkit.trips import GPX_NS, order_trip, trip_gpx
from geodata import DISTRICT_TERYTS, district_name
from tests.app.conftest import REPO_ROOT
from tests.app.widgets import choice

TRIP = "ui/pages/trip_page.py"
KIOSK = "ui/pages/kiosk_page.py"
STATS = "ui/pages/stats_page.py"
PASSWORD = "correct horse battery"


@pytest.fixture
def db(db):
    """The fresh database with the sample catalogue (AppTest caches the store per URL)."""
    load_sample_catalogue(db)
    return db


def open_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button}


# -- trip ----------------------------------------------------------------------------------------


def test_trip_from_link_reorder_remove_and_url(db):
    at = open_page(TRIP, trip="sample-010,sample-001,no-such-id,sample-003")
    assert at.session_state["trip"] == ["sample-010", "sample-001", "sample-003"]
    assert at.metric[0].value == "3"
    assert any("Pominięto 1" in i.value for i in at.info)
    assert {"trip_up_sample-001", "trip_down_sample-001", "trip_rm_sample-001"} <= keys(at)

    ok(at.button(key="trip_up_sample-001").click().run())
    assert at.session_state["trip"] == ["sample-001", "sample-010", "sample-003"]
    assert at.query_params["trip"] == "sample-001,sample-010,sample-003"

    ok(at.button(key="trip_rm_sample-010").click().run())
    assert at.session_state["trip"] == ["sample-001", "sample-003"]
    assert at.query_params["trip"] == "sample-001,sample-003"
    # The shareable link and its QR code carry the trip.
    assert any(c.value.endswith("?trip=sample-001,sample-003") for c in at.code)


def test_trip_add_optimise_and_gpx(db):
    at = open_page(TRIP)
    assert at.session_state["trip"] == []
    assert "trip_optimise" not in keys(at)
    for pid in ("sample-050", "sample-001", "sample-040", "sample-003"):
        choice(at, "selectbox", "trip_add_pick").set_value(pid)
        ok(at.button(key="trip_add").click().run())
    assert at.session_state["trip"] == ["sample-050", "sample-001", "sample-040", "sample-003"]
    ok(at.button(key="trip_optimise").click().run())
    expected = order_trip(
        db.products_frame(), ["sample-050", "sample-001", "sample-040", "sample-003"]
    )
    assert at.session_state["trip"] == expected
    gpx = at.get("download_button")[0].proto
    assert gpx.id and "trip_dl_gpx" in gpx.id
    # The same bytes the page offers, rebuilt here, hold the stops in order.
    root = ET.fromstring(trip_gpx(db.products_frame(), expected, "Moja wycieczka"))
    names = [p.findtext(f"{{{GPX_NS}}}name") for p in root.iter(f"{{{GPX_NS}}}rtept")]
    assert [n.split(". ", 1)[0] for n in names] == ["1", "2", "3", "4"]
    ok(at.button(key="trip_clear").click().run())
    assert at.session_state["trip"] == []
    assert "trip" not in at.query_params


def test_trip_state_helpers_from_another_page(db):
    # The map page calls these; here they run inside a page run through a tiny script.
    script = """
import streamlit as st
from ui.trip_state import add_to_trip, remove_from_trip, trip_ids, in_trip, move_in_trip
st.session_state["r"] = [
    add_to_trip("sample-001"), add_to_trip("sample-002"), add_to_trip("sample-001"),
    in_trip("sample-002"), remove_from_trip("sample-009"),
]
move_in_trip("sample-002", -5)
st.session_state["ids"] = trip_ids()
"""
    at = AppTest.from_string(script, default_timeout=30)
    at.query_params["trip"] = "sample-007"
    ok(at.run())
    assert at.session_state["r"] == [True, True, False, True, False]
    assert at.session_state["ids"] == ["sample-002", "sample-007", "sample-001"]


# -- presentation --------------------------------------------------------------------------------


def test_presentation_steps_languages_and_district_tour(db):
    at = open_page(KIOSK, interval="7", idle="30")
    assert at.session_state["kiosk_interval"] == 7
    assert at.session_state["kiosk_idle"] == 30
    assert at.title[0].value == "Odkryj pięć powiatów"
    first = at.header[0].value
    ok(at.button(key="kiosk_next").click().run())
    assert at.header[0].value != first
    assert "kiosk_touch" in at.session_state
    ok(at.button(key="kiosk_prev").click().run())
    assert at.header[0].value == first
    ok(at.button(key="kiosk_lang_uk").click().run())
    assert at.title[0].value == "Відкрийте п'ять повітів"
    ok(choice(at, "segmented_control", "kiosk_mode").set_value("districts").run())
    assert at.header[0].value == district_name("1804", "uk")
    for _ in DISTRICT_TERYTS:
        ok(at.button(key="kiosk_next").click().run())
    assert at.header[0].value == district_name("1804", "uk")  # wrapped around
    ok(at.button(key="kiosk_play").click().run())
    assert at.session_state["kiosk_paused"] is True


def test_presentation_shows_partner_text_escaped(db):
    frame = db.products_frame()
    first = frame[frame["id"] == "sample-039"].iloc[0]
    hostile = "<img src=x onerror=alert(1)>[x](javascript:alert(2))"
    product = row_to_product(first.to_dict() | {"edit_token_hash": None})
    product.description_pl = hostile
    db.save_products([product], actor="test")
    at = open_page(KIOSK)
    shown = [m.value for m in at.markdown]
    assert any("\\<img src=x onerror=alert\\(1\\)\\>" in m for m in shown), shown[:6]


# -- statistics ----------------------------------------------------------------------------------


def test_statistics_need_a_staff_login(db):
    at = open_page(STATS)
    assert at.title[0].value == "Statystyki"
    assert "staff_login" in keys(at)
    assert len(at.dataframe) == 0 and not at.get("download_button")


def test_statistics_answer_social_economy_per_district(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = open_page(STATS)
    at.text_input(key="staff_username").input("anna")
    at.text_input(key="staff_password").input(PASSWORD)
    ok(at.button(key="staff_login").click().run())
    frame = db.products_frame()
    se = Counter(
        r["district_teryt"]
        for r in frame.to_dict("records")
        if r["partner_sector"] == "social_economy"
    )
    answer = next(m.value for m in at.markdown if "Razem" in m.value and "ofert" in m.value)
    for teryt in DISTRICT_TERYTS:
        assert f"{district_name(teryt, 'pl')}: {se[teryt]}" in answer
    table = at.dataframe[0].value
    assert isinstance(table, pd.DataFrame)
    assert list(table["Oferty ekonomii społecznej"])[:5] == [se[t] for t in DISTRICT_TERYTS]
    downloads = [b.proto.id for b in at.get("download_button")]
    for key in ("stats_csv_social_economy_by_district", "stats_xlsx"):
        assert any(key in d for d in downloads), downloads
    assert at.metric[0].value == str(len(frame))
    # Offerings by accessibility and season: the table researchers export, Polish headers.
    access = next(d.value for d in at.dataframe if "Ze zwierzętami" in d.value.columns)
    assert access.iloc[-1]["Oferty"] == len(frame)
    assert access.iloc[-1]["Ze zwierzętami"] == int(frame["pets"].map(lambda v: v is True).sum())
    assert any("stats_csv_access_season" in d for d in downloads), downloads
    # Partners by legal form (and social-enterprise status), and what social enterprises
    # offer, each with its CSV.
    forms = next(d.value for d in at.dataframe if "spółdzielnia socjalna" in d.value.columns)
    assert forms.iloc[-1]["Partnerzy"] == len(db.partners_frame())
    offer = next(
        d.value for d in at.dataframe if "Przedsiębiorstwa społeczne z ofertą" in d.value.columns
    )
    assert list(offer["Powiat"])[:5] == [district_name(t, "pl") for t in DISTRICT_TERYTS]
    for key in ("partners_by_legal_form", "social_enterprise_offerings"):
        assert any(f"stats_csv_{key}" in d for d in downloads), downloads
    ok(choice(at, "multiselect", "stats_issue_filter").set_value(["stale"]).run())
    assert any("Żadna oferta" in i.value for i in at.info)


def test_statistics_csv_bytes_are_neutralised(db):
    data = to_csv_bytes(localise_columns(social_economy_by_district(db.products_frame()), "pl"))
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("TERYT,Powiat,Oferty")


def test_statistics_show_when_the_last_backup_was_made(db, tmp_path):
    from catalogue.backup import backup

    staff.add_staff(db, "anna", PASSWORD)

    def logged_in() -> AppTest:
        at = open_page(STATS)
        at.text_input(key="staff_username").input("anna")
        at.text_input(key="staff_password").input(PASSWORD)
        return ok(at.button(key="staff_login").click().run())

    at = logged_in()
    assert any("Nie zrobiono jeszcze kopii zapasowej" in w.value for w in at.warning)
    backup(db, tmp_path / "b.zip")
    at = logged_in()
    assert not any("kopii zapasowej" in w.value for w in at.warning)
    assert any(c.value.startswith("Ostatnia kopia zapasowa: ") for c in at.caption)
