"""AppTest of the print page (``druk``): it renders, follows the map filter and offers PDFs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.widgets import choice

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = "ui/pages/print_page.py"


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch):
    # app.py names its pages relative to the repository root.
    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    yield
    os.chdir(REPO_ROOT)


def _print_page(on_map=None, **state) -> AppTest:
    """The print page, after ``on_map(at)`` has set filters on the map page."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if on_map is not None:
        on_map(at)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _downloads(at: AppTest) -> dict[str, str]:
    return {b.proto.id.rsplit("-", 1)[-1]: b.proto.label for b in at.get("download_button")}


def _infos(at: AppTest) -> list[str]:
    # md_escape puts a backslash before markdown characters (":" included) and an invisible
    # word joiner before ":" and "@" (no autolinks)
    return [i.value.replace("\\", "").replace("\u2060", "") for i in at.info]


def _selected(at: AppTest) -> tuple[int, int]:
    for md in at.markdown:
        match = re.search(r"Wybrano \*\*(\d+)\*\* z (\d+)", md.value)
        if match:
            return int(match.group(1)), int(match.group(2))
    raise AssertionError("no selection summary")


def test_page_renders_and_offers_both_downloads():
    at = _print_page()
    assert "Druk i eksport" in [t.value for t in at.title]
    assert _downloads(at) == {
        "print_download_brochure": "Pobierz katalog PDF",
        "print_download_card": "Pobierz kartę PDF",
    }
    chosen, total = _selected(at)
    assert chosen == total > 0
    assert any("wszystkie opublikowane oferty" in i for i in _infos(at))
    assert any(re.search(r"\d+ stron · \d+ KB", c.value) for c in at.caption)
    # links to localhost cannot be opened by phones: the page says so
    assert any("PUBLIC_BASE_URL" in w.value for w in at.warning)


def test_current_map_filter_is_used_and_shown():
    at = _print_page(lambda at: choice(at, "multiselect", "f_district").set_value(["1809"]))
    assert any("powiat: powiat lubaczowski" in i for i in _infos(at))
    chosen, total = _selected(at)
    assert 0 < chosen < total
    assert "print_download_brochure" in _downloads(at)
    # On a rerun of this page Streamlit has dropped the map's widget values; the map's URL
    # state still holds the same filter.
    choice(at, "radio", "print_format").set_value("a5").run()
    assert not at.exception
    assert any("powiat: powiat lubaczowski" in i for i in _infos(at))
    assert _selected(at)[0] == chosen


def test_custom_selection():
    at = _print_page()
    choice(at, "radio", "print_source").set_value("custom").run()
    choice(at, "multiselect", "print_district").set_value(["1862"]).run()
    choice(at, "multiselect", "print_cat").set_value(["heritage"]).run()
    assert not at.exception
    chosen, total = _selected(at)
    assert 0 < chosen < total
    choice(at, "radio", "print_format").set_value("a5").run()
    choice(at, "selectbox", "print_lang").set_value("uk").run()
    assert not at.exception
    assert set(_downloads(at)) == {"print_download_brochure", "print_download_card"}


def test_nothing_selected_offers_no_empty_file():
    at = _print_page(lambda at: at.text_input(key="f_q").set_value("zzz-nie-ma-takiej-oferty"))
    assert _selected(at)[0] == 0
    assert any("Nic nie pasuje" in w.value for w in at.warning)
    assert _downloads(at) == {}


def test_ukrainian_interface():
    at = _print_page(lang="uk")
    assert "Друк і експорт" in [t.value for t in at.title]
    assert {b.proto.label for b in at.get("download_button")} == {
        "Завантажити каталог PDF",
        "Завантажити картку PDF",
    }
