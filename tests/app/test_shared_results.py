"""The map's results shared by every session: the same rows and order as computing them per
run, computed once per catalogue version, never a copy of a frame per cache entry."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from catalogue.events import calendar_bytes
from catalogue.filters import ProductFilter, apply_filter, sort_products
from catalogue.sample_loading import load_sample_catalogue
from mapview.builder import FLAG_SELECTED, marker_data
from tests.app.conftest import REPO_ROOT
from tests.app.map_args import component_args, marker_rows
from ui import state

FILTERS = (
    ProductFilter(),
    ProductFilter(text="zamek"),
    ProductFilter(categories=("heritage", "food"), free_only=True),
    ProductFilter(districts=("1813",), month=7),
    ProductFilter(open_on=date(2026, 8, 15)),
)


@pytest.fixture
def sample_db(db):
    load_sample_catalogue(db)
    state._result_positions.clear()
    state._calendar.clear()
    state._markers.clear()
    return db


def per_run(flt: ProductFilter, order: str, lang: str):
    return sort_products(
        apply_filter(state.published_products(), flt), order, None, lang, query=flt.text
    )


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
@pytest.mark.parametrize("order", ["name", "category", "district"])
@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_shared_results_equal_the_per_run_results(sample_db, flt, order, lang):
    shared = state.shared_results(flt, order, lang)
    expected = per_run(flt, order, lang)
    assert list(shared["id"]) == list(expected["id"])
    assert shared.equals(expected)


def test_results_are_sorted_once_and_a_write_gives_new_ones(sample_db, monkeypatch):
    calls = []
    original = state.sort_products
    monkeypatch.setattr(
        state, "sort_products", lambda *a, **k: calls.append(a[1]) or original(*a, **k)
    )
    first = state.shared_results(ProductFilter(), "name", "pl")
    again = state.shared_results(ProductFilter(), "name", "pl")
    assert calls == ["name"] and list(first["id"]) == list(again["id"])
    # The cache keeps positions, not another copy of the catalogue frame.
    cached = state._result_positions(
        sample_db.url, sample_db.catalogue_version(), repr(ProductFilter()), "name", "pl", None
    )
    assert cached.dtype.kind == "i" and len(cached) == len(first)

    product = sample_db.get_product(str(first["id"].iloc[0]))
    sample_db.save_products([dataclasses.replace(product, name_pl="Żółw")], actor="test")
    after = state.shared_results(ProductFilter(), "name", "pl")
    assert calls == ["name", "name"]
    assert list(after["name_pl"]).index("Żółw") > 0  # re-sorted by the new name


def test_shared_calendar_is_the_calendar_of_the_shared_results(sample_db):
    flt = ProductFilter(categories=("events",))
    shown = state.shared_results(flt, "name", "pl")
    events = shown[shown["event_start"].notna()]
    assert len(events) > 0
    base = "http://127.0.0.1:8501/"
    assert state.shared_calendar(flt, "name", "pl", base) == calendar_bytes(
        events.to_dict("records"), base
    )


@pytest.mark.parametrize("flt", FILTERS[:3], ids=repr)
@pytest.mark.parametrize("lang", ["pl", "uk"])
def test_shared_markers_are_the_markers_of_the_shared_results(sample_db, flt, lang):
    shared = state.shared_markers(flt, "name", lang)
    assert shared == marker_data(per_run(flt, "name", lang), lang)
    assert shared.count == len(json.loads(shared.json)) > 0
    # One value for every session of this catalogue version, made once.
    assert state.shared_markers(flt, "name", lang) is shared


def test_the_map_page_draws_the_shared_markers_and_its_own_for_a_selection(sample_db):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    shared = state.shared_markers(ProductFilter(), "name", "pl")
    assert shared.json in component_args(at)["feature_group"] and shared.selected is None
    # A selected product is flagged in the page's own markers, not in the shared ones.
    first = state.shared_results(ProductFilter(), "name", "pl")["id"].iloc[0]
    at.button(key=f"pick_{first}").click().run()
    assert not at.exception
    assert [r[5] for r in marker_rows(at) if r[3] & FLAG_SELECTED] == [first]
    assert shared.json not in component_args(at)["feature_group"]
    assert state.shared_markers(ProductFilter(), "name", "pl").selected is None


def test_map_page_lists_the_shared_results(sample_db):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    shown = state.shared_results(ProductFilter(), "name", "pl")
    listed = [b.key for b in at.button if b.key and b.key.startswith("pick_")]
    assert listed == [f"pick_{pid}" for pid in shown["id"].head(len(listed))]
    assert len(listed) == 12


def test_a_database_that_stays_away_is_reported_once_and_its_return_too(monkeypatch, caplog):
    answers = iter([RuntimeError("down"), RuntimeError("down"), RuntimeError("down"), 7, 7])

    class Store:
        write_listeners: list = []

        def catalogue_version(self):
            answer = next(answers)
            if isinstance(answer, Exception):
                raise answer
            return answer

    warmed: list[int] = []
    rounds = iter(range(4))

    def next_look(wake, quick_until):
        if next(rounds, None) is None:
            raise KeyboardInterrupt  # leaves the endless loop after five rounds
        return quick_until

    monkeypatch.setattr(state, "_store_for", lambda url: Store())
    monkeypatch.setattr(state, "database_url", lambda: "sqlite:///nowhere.db")
    monkeypatch.setattr(state, "_markers", lambda url, version, *a: warmed.append(version))
    monkeypatch.setattr(state, "_next_look", next_look)
    with pytest.raises(KeyboardInterrupt):
        state._warm_forever("sqlite:///nowhere.db")
    messages = [r.getMessage() for r in caplog.records if r.name == "ui.state"]
    assert messages == [
        "warming the catalogue caches failed",
        "warming the catalogue caches works again",
    ]
    assert warmed == [7]  # the same version again is not warmed twice


def test_the_warmer_looks_at_once_after_a_write_of_its_own_process(monkeypatch):
    monkeypatch.setattr(state, "WARM_EVERY_S", 30.0)
    monkeypatch.setattr(state, "WARM_AFTER_WRITE_S", (0.01, 0.2))
    wake = threading.Event()
    started = time.monotonic()
    threading.Timer(0.1, wake.set).start()  # a write 0.1 s from now
    quick_until = state._next_look(wake, 0.0)
    woke = time.monotonic()
    assert woke - started < 5  # not the 30 s period
    assert quick_until > woke and not wake.is_set()
    # Until then it looks every 0.01 s, then waits for the period or the next write again.
    assert state._next_look(wake, quick_until) == quick_until
    threading.Timer(0.05, wake.set).start()
    assert state._next_look(wake, time.monotonic() - 1) > time.monotonic()


def test_every_write_of_the_store_calls_its_listeners(db):
    calls: list[int] = []
    db.write_listeners.append(lambda: calls.append(db.catalogue_version()))
    before = db.catalogue_version()
    load_sample_catalogue(db)
    assert calls and db.catalogue_version() > before


def test_one_full_collection_a_minute_for_the_whole_process(monkeypatch):
    collections: list[int] = []
    clock = [1000.0]
    monkeypatch.setattr(state.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(state.gc, "collect", lambda: collections.append(1))
    monkeypatch.setattr(state, "_last_collect", [1000.0])
    # Four warmers (or one looking often) in the first minute: none collects.
    assert not any(state._collect_if_due() for _ in range(4))
    clock[0] = 1061.0
    threads = [threading.Thread(target=state._collect_if_due) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(collections) == 1  # eight threads due at once: one collection
    clock[0] = 1100.0
    assert not state._collect_if_due()
    clock[0] = 1122.0
    assert state._collect_if_due() and len(collections) == 2


def test_a_warmer_stops_when_the_process_serves_another_database(monkeypatch):
    class Store:
        def __init__(self):
            self.write_listeners: list = []

        def catalogue_version(self):
            return 1

    store, served = Store(), ["sqlite:///first.db"]
    monkeypatch.setattr(state, "_store_for", lambda url: store)
    monkeypatch.setattr(state, "_markers", lambda *a: None)
    monkeypatch.setattr(state, "database_url", lambda: served[0])
    monkeypatch.setattr(state, "WARM_EVERY_S", 0.02)
    first = state._cache_warmer("sqlite:///first.db")
    assert first.is_alive() and state._cache_warmer("sqlite:///first.db") is first
    assert len(store.write_listeners) == 1
    served[0] = "sqlite:///second.db"  # the next test's database
    first.join(timeout=5)
    assert not first.is_alive() and store.write_listeners == []
    assert "sqlite:///first.db" not in state._warmers  # a stopped warmer is not kept
    served[0] = "sqlite:///first.db"  # served again: a new warmer
    again = state._cache_warmer("sqlite:///first.db")
    assert again is not first and again.is_alive()
    served[0] = "sqlite:///elsewhere.db"
    again.join(timeout=5)
    assert not again.is_alive()
