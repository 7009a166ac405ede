"""The map's results shared by every session: the same rows and order as computing them per
run, computed once per catalogue version, never a copy of a frame per cache entry."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from catalogue.events import calendar_bytes
from catalogue.filters import ProductFilter, apply_filter, sort_products
from catalogue.sample_loading import load_sample_catalogue
from tests.app.conftest import REPO_ROOT
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
    monkeypatch.setattr(state, "_result_positions", lambda url, version, *a: warmed.append(version))
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


def test_the_warmer_collects_garbage_now_and_then(monkeypatch):
    class Store:
        write_listeners: list = []

        def catalogue_version(self):
            return 1

    collections: list[int] = []
    clock = iter([0.0, 0.0, 10.0, 61.0, 62.0, 125.0, 126.0, 127.0, 128.0, 129.0, 130.0])
    rounds = iter(range(3))

    def next_look(wake, quick_until):
        if next(rounds, None) is None:
            raise KeyboardInterrupt
        return quick_until

    monkeypatch.setattr(state, "_store_for", lambda url: Store())
    monkeypatch.setattr(state, "_result_positions", lambda *a: None)
    monkeypatch.setattr(state, "_next_look", next_look)
    monkeypatch.setattr(state.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(state.gc, "collect", lambda: collections.append(1))
    with pytest.raises(KeyboardInterrupt):
        state._warm_forever("sqlite:///nowhere.db")
    assert len(collections) == 2  # at 61 s and at 125 s, not in the first minute
