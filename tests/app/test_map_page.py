"""AppTest of the tourist map page: filters reach the map, the URL keeps the state,
the language switch changes the interface, hostile text stays text."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from catalogue.model import Partner, Product
from catalogue.storage import CatalogueStore
from tests.app.conftest import REPO_ROOT
from tests.app.map_args import component_args, marker_ids, marker_rows
from tests.app.widgets import choice

HOSTILE = "<img src=x onerror=alert(1)>${alert(2)}`"


def unescape(markdown: str) -> str:
    """Markdown source as displayed: backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def run_app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def sample_app() -> AppTest:
    return run_app()


def test_map_receives_every_published_product(sample_app):
    store = CatalogueStore()
    published = store.count_products("published")
    assert published >= 80
    assert len(marker_rows(sample_app)) == published
    args = component_args(sample_app)
    # Leaflet and the cluster plugin come from the app itself, never a CDN.
    assert all(
        link.startswith("/app/static/vendor/") for link in args["js_links"] + args["css_links"]
    )
    # Panning and zooming return nothing: only clicks are sent back.
    assert set(args["returned_objects"]) <= {
        "last_object_clicked",
        "last_object_clicked_count",
        "last_object_clicked_tooltip",
        "last_clicked",
    }


@pytest.mark.parametrize(
    ("key", "value", "check"),
    [
        ("f_cat", ["museum"], lambda rows: {r[2] for r in rows} == {1}),
        ("f_district", ["1809"], lambda rows: all(r[0] > 49.9 and r[1] > 22.9 for r in rows)),
        ("f_sector", ["public"], lambda rows: not any(r[3] & 1 for r in rows)),
        ("f_sector", ["social_economy"], lambda rows: all(r[3] & 1 for r in rows)),
    ],
)
def test_each_multiselect_filter_narrows_the_map(key, value, check):
    at = run_app()
    before = len(marker_rows(at))
    choice(at, "multiselect", key).set_value(value).run()
    rows = marker_rows(at)
    assert 0 < len(rows) < before
    assert check(rows)


def test_text_search_finds_krasiczyn_without_diacritics():
    at = run_app()
    at.text_input(key="f_q").set_value("krasiczyn").run()
    names = [row[4] for row in marker_rows(at)]
    assert "Zamek w Krasiczynie" in names
    assert all(
        "rasiczyn" in n.lower() or "krasiczyn" in n.lower() or len(names) < 10 for n in names
    )


@pytest.mark.parametrize("key", ["f_free", "f_family", "f_pets"])
def test_checkbox_filters_narrow_the_map(key):
    at = run_app()
    before = len(marker_rows(at))
    at.checkbox(key=key).check().run()
    after = len(marker_rows(at))
    assert after < before


def test_wheelchair_filter_asks_for_full_or_partial_access(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "wheelchair.sqlite"))
    store = CatalogueStore()
    store.create_schema()
    common = {"category": "museum", "district_teryt": "1804", "gmina_teryt": "1804011",
              "status": "published", "lat": 50.0165, "lon": 22.6779}  # fmt: skip
    store.save_products(
        [
            Product(id=level or "unknown", name_pl=f"Miejsce {level or 'unknown'}",
                    wheelchair=level, **common)
            for level in ("yes", "limited", "no", "")
        ],
        actor="test",
    )  # fmt: skip
    at = run_app()
    assert len(marker_rows(at)) == 4
    for wanted, names in (
        ("yes", ["Miejsce yes"]),
        ("limited", ["Miejsce limited", "Miejsce yes"]),
        ("", ["Miejsce limited", "Miejsce no", "Miejsce unknown", "Miejsce yes"]),
    ):
        choice(at, "selectbox", "f_wheelchair").set_value(wanted).run()
        assert sorted(row[4] for row in marker_rows(at)) == names, wanted
        assert at.query_params.get("wheelchair", "") == wanted
    # A link printed before the levels asked "wheelchair=1": full access.
    at = run_app({"wheelchair": "1"})
    assert [row[4] for row in marker_rows(at)] == ["Miejsce yes"]
    # The details say the level in words; "not stated" says nothing.
    details = " ".join(m.value for m in run_app({"product": "limited"}).markdown)
    assert "Częściowo dostępne dla wózków" in details
    details = " ".join(m.value for m in run_app({"product": "no", "lang": "en"}).markdown)
    assert "Not wheelchair accessible" in details
    details = " ".join(m.value for m in run_app({"product": "unknown"}).markdown)
    assert "wózk" not in details


def test_month_filter_and_reset():
    at = run_app()
    before = len(marker_rows(at))
    choice(at, "selectbox", "f_month").set_value(1).run()
    assert len(marker_rows(at)) < before  # summer-only offerings and August events drop out
    at.button(key="f_reset").click().run()
    assert len(marker_rows(at)) == before


def test_filters_and_product_live_in_the_url():
    at = run_app()
    choice(at, "multiselect", "f_cat").set_value(["heritage"]).run()
    choice(at, "multiselect", "f_district").set_value(["1809"]).run()
    params = dict(at.query_params)
    assert params["cat"] == ["heritage"] or params["cat"] == "heritage"
    shown = marker_ids(at)

    product = sorted(shown)[0]
    reopened = run_app({"cat": "heritage", "district": "1809", "product": product})
    assert marker_ids(reopened) == shown
    assert choice(reopened, "multiselect", "f_cat").value == ["heritage"]
    # The shared product is open in the details panel and highlighted on the map.
    selected = [row for row in marker_rows(reopened) if row[3] & 2]
    assert [row[5] for row in selected] == [product]
    assert any(selected[0][4] in unescape(h.value) for h in reopened.subheader)


def test_language_switch_changes_interface_and_taxonomy(sample_app):
    at = run_app()
    assert at.title[0].value == "Mapa produktów turystycznych"
    choice(at, "radio", "lang").set_value("en").run()
    assert at.title[0].value == "Tourist product map"
    assert choice(at, "multiselect", "f_cat").label == "Categories"
    choice(at, "radio", "lang").set_value("uk").run()
    assert at.title[0].value == "Мапа туристичних продуктів"
    assert at.query_params["lang"] in ("uk", ["uk"])


@pytest.fixture
def hostile_db(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "hostile.sqlite"))
    store = CatalogueStore()
    store.create_schema()
    partner = Partner(id="p-evil", name=HOSTILE, sector="ngo")
    product = Product(
        id="evil-1",
        name_pl=HOSTILE,
        category="heritage",
        lat=49.7836,
        lon=22.7678,
        description_pl="[klik](javascript:alert(3)) ![x](http://example.invalid/t.png) " + HOSTILE,
        district_teryt="1862",
        gmina_teryt="1862011",
        partner_id="p-evil",
        website="javascript:alert(4)",
        status="published",
        source="import",
    )
    store.save_products([product], actor="test", partners=[partner])
    return store


def test_hostile_text_reaches_the_map_only_as_escaped_data(hostile_db):
    at = run_app({"product": "evil-1"})
    script = component_args(at)["feature_group"]
    assert "<img" not in script and "\\u003cimg" in script
    assert marker_rows(at)[0][4] == HOSTILE  # decoded data is the exact text
    texts = [m.value for m in at.markdown] + [h.value for h in at.subheader]
    shown = "\n".join(texts)
    # Markdown/HTML metacharacters are escaped, so nothing renders as a link, image or tag.
    assert "\\<img" in shown
    assert "](javascript:" not in shown and "![x](" not in shown
    assert "javascript:alert(4)" not in shown


def test_missing_translation_falls_back_to_polish_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "fallback.sqlite"))
    store = CatalogueStore()
    store.create_schema()
    product = Product(
        id="pl-only",
        name_pl="Rynek w Jarosławiu",
        description_pl="Renesansowy rynek z kamienicą Orsettich.",
        name_en="Jarosław Market Square",
        category="heritage",
        lat=50.0163,
        lon=22.6777,
        district_teryt="1804",
        gmina_teryt="1804011",
        status="published",
    )
    store.save_products([product], actor="test")
    at = run_app({"product": "pl-only", "lang": "uk"})
    assert any("Rynek w Jarosławiu" in unescape(h.value) for h in at.subheader)
    assert any("Показано польською" in c.value for c in at.caption)
    english = run_app({"product": "pl-only", "lang": "en"})
    assert any("Jarosław Market Square" in unescape(h.value) for h in english.subheader)
    assert any("Shown in Polish" in c.value for c in english.caption)  # description only in PL


def test_social_economy_offerings_in_powiat_lubaczowski(sample_app):
    at = run_app()
    choice(at, "multiselect", "f_sector").set_value(["social_economy"]).run()
    choice(at, "multiselect", "f_district").set_value(["1809"]).run()
    rows = marker_rows(at)
    assert rows and all(r[3] & 1 for r in rows)
    frame = CatalogueStore().products_frame()
    expected = frame[
        (frame["partner_sector"] == "social_economy") & (frame["district_teryt"] == "1809")
    ]
    assert {r[5] for r in rows} == set(expected["id"])


def test_adding_a_product_to_the_trip_marks_it_on_the_map(sample_app):
    product = sorted(CatalogueStore().products_frame()["id"])[0]
    at = run_app({"product": product})
    at.button(key="trip_toggle").click().run()
    assert at.session_state["trip"] == [product]
    trip_rows = [row for row in marker_rows(at) if row[3] & 4]
    assert [row[5] for row in trip_rows] == [product]
    at.button(key="trip_toggle").click().run()
    assert at.session_state["trip"] == []


def test_gmina_and_date_range_filters_reach_the_map(sample_app):
    frame = CatalogueStore().products_frame()
    at = run_app()
    choice(at, "multiselect", "f_district").set_value(["1813"]).run()
    choice(at, "multiselect", "f_gmina").set_value(["1813042"]).run()
    expected = set(frame[frame["gmina_teryt"] == "1813042"]["id"])
    assert expected and marker_ids(at) == expected

    at = run_app()
    choice(at, "multiselect", "f_cat").set_value(["events"]).run()
    every_event = marker_ids(at)
    at.date_input(key="f_from").set_value(date(2027, 1, 1)).run()
    at.date_input(key="f_to").set_value(date(2027, 1, 31)).run()
    january = marker_ids(at)
    assert january < every_event  # summer festivals drop out of a January range
    events = frame[frame["category"] == "events"].set_index("id")
    for pid in every_event - january:
        assert pd.Timestamp(events.at[pid, "event_start"]).month != 1


def test_sort_by_distance_from_a_point_picked_on_the_map():
    at = run_app()
    choice(at, "selectbox", "sort").set_value("distance").run()
    assert any("Kliknij mapę" in i.value for i in at.info)
    returned = component_args(at)["returned_objects"]
    assert "last_clicked" in returned  # a map click now picks the point
    at.session_state["origin"] = (49.7836, 22.7678)  # Przemyśl, Rynek
    at.run()
    labels = [b.label for b in at.button if b.key and b.key.startswith("pick_")]
    distances = [
        float(label.rsplit("·", 1)[1].replace("km", "").replace("\\", "").replace(",", "."))
        for label in labels
    ]
    assert distances == sorted(distances) and distances[0] < 1.0
    assert at.query_params["near"] in ("49.78360,22.76780", ["49.78360,22.76780"])


def test_details_show_reviewed_photos_only(tmp_path, monkeypatch):
    from io import BytesIO

    from PIL import Image

    from catalogue.photos import store_photo

    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "photos.sqlite"))
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos"))
    store = CatalogueStore()
    store.create_schema()
    product = Product(
        id="with-photo", name_pl="Rynek w Jarosławiu", category="heritage", lat=50.0163,
        lon=22.6777, district_teryt="1804", gmina_teryt="1804011", status="published",
    )  # fmt: skip
    bare = Product(
        id="no-photo", name_pl="Kamienica Orsettich", category="museum", lat=50.0165,
        lon=22.6779, district_teryt="1804", gmina_teryt="1804011", status="published",
    )  # fmt: skip
    store.save_products([product, bare], actor="test")
    buf = BytesIO()
    Image.new("RGB", (64, 48), "green").save(buf, format="PNG")
    store.add_photos(
        "with-photo",
        [store_photo(buf.getvalue(), "rynek.png")],
        author="Muzeum w Jarosławiu",
        licence="CC-BY-SA-4.0",
    )
    # A photo added to a live offering waits for review: only the share QR code shows.
    assert len(run_app({"product": "with-photo"}).get("image")) == 1
    revision = store.pending_revision("with-photo")
    assert revision is not None and revision["kind"] == "edit"
    store.approve(revision["id"], actor="staff")
    at = run_app({"product": "with-photo"})
    images = at.get("image")
    assert len(images) == 2  # the photo and the QR code of the share link
    captions = [unescape(c.value).replace("\u2060", "") for c in at.caption]
    assert "Fot.: Muzeum w Jarosławiu, CC BY-SA 4.0" in captions, captions
    assert len(run_app({"product": "no-photo"}).get("image")) == 1  # the QR code only


def test_open_on_a_date_filters_the_map_and_details_show_hours_in_words(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "hours.sqlite"))
    store = CatalogueStore()
    store.create_schema()
    common = {"category": "museum", "district_teryt": "1804", "gmina_teryt": "1804011",
              "status": "published"}  # fmt: skip
    store.save_products(
        [
            Product(
                id="museum",
                name_pl="Kamienica Orsettich",
                lat=50.0165,
                lon=22.6779,
                opening_hours="Tu-Su 09:00-17:00; PH off",
                **common,
            ),
            Product(
                id="no-hours",
                name_pl="Rynek w Jarosławiu",
                lat=50.0163,
                lon=22.6777,
                step_free=True,
                **common,
            ),
        ],  # fmt: skip
        actor="test",
    )
    at = run_app({"product": "museum", "lang": "en"})
    assert set(marker_ids(at)) == {"museum", "no-hours"}
    # md_escape puts invisible word joiners in "9:00" (no autolinks); the reader sees none.
    assert any(
        "Opening hours:** Tue–Sun 9:00–17:00, closed on public holidays"
        in unescape(m.value).replace("\u2060", "")
        for m in at.markdown
    )
    at.date_input(key="f_open_on").set_value(date(2027, 6, 15)).run()  # a Tuesday
    assert set(marker_ids(at)) == {"museum"}
    assert at.query_params["open_on"] == "2027-06-15"
    at.date_input(key="f_open_on").set_value(date(2027, 6, 14)).run()  # a Monday
    assert marker_ids(at) == set()
    at = run_app()
    at.checkbox(key="f_step_free").check().run()  # the museum's entrance is not known
    assert marker_ids(at) == {"no-hours"}
    assert at.query_params["access"] == "step_free"


def test_this_weekend_and_events_ics_on_the_map_page(tmp_path, monkeypatch):

    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "events.sqlite"))
    store = CatalogueStore()
    store.create_schema()
    common = {"category": "events", "district_teryt": "1804", "gmina_teryt": "1804011",
              "status": "published", "lat": 50.0163, "lon": 22.6777}  # fmt: skip
    store.save_products(
        [
            # Every Saturday and Sunday since 2020: in every "this weekend".
            Product(
                id="market",
                name_pl="Targ",
                event_start=date(2020, 1, 4),
                event_rrule="FREQ=WEEKLY;BYDAY=SA,SU",
                event_time="08:00-13:00",
                **common,
            ),
            Product(id="past", name_pl="Koncert", event_start=date(2021, 6, 12), **common),
        ],  # fmt: skip
        actor="test",
    )
    at = run_app()
    assert marker_ids(at) == {"market", "past"}
    at.checkbox(key="f_weekend").check().run()
    assert marker_ids(at) == {"market"}
    assert at.query_params["upcoming"] == "weekend"
    (button,) = [b for b in at.get("download_button") if b.proto.label.startswith("Wydarzenia")]
    assert button.proto.label == "Wydarzenia do kalendarza (events.ics)"


def test_an_open_session_does_not_keep_the_map_objects_of_its_last_run(sample_app):
    # The page's callbacks keep its globals alive while the session is open; the folium map
    # and the marker layer (the whole result's script, megabytes at 10,000 offerings) must
    # not stay with them (bench.bench_sessions measured 10 MiB per open session before).
    import gc

    from mapview.builder import ProductLayer

    at = run_app()
    assert not at.exception
    gc.collect()
    layers = [o for o in gc.get_objects() if isinstance(o, ProductLayer)]
    assert layers == []
