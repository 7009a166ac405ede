"""Product text that looks like Jinja never reaches Jinja: folium/branca compile and render
scripts as templates, so "{{ … }}" would run on the server and "{#" would break the map."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from mapview.builder import _script_json, map_html, render_product_map

NAMES = ["{{ 7*7 }} Zamek", "{# niedomknięty komentarz", "{% if %} Karczma", "\\{{ 6*6 }}"]


def _frame(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"id": f"p{i}", "name_pl": n, "category": "heritage", "lat": 49.8, "lon": 22.7}
            for i, n in enumerate(names)
        ]
    )


@pytest.mark.parametrize("name", NAMES)
def test_script_json_keeps_the_text_but_no_jinja_opener(name):
    text = _script_json([name, {"k": name}])
    assert json.loads(text) == [name, {"k": name}]
    assert not any(opener in text for opener in ("{{", "{%", "{#"))


def test_standalone_page_renders_names_as_data():
    page = map_html(render_product_map(_frame(NAMES)))
    assert "49 Zamek" not in page  # "{{ 7*7 }}" was not evaluated
    data = json.loads(page.split("var data = ", 1)[1].split(";\n", 1)[0])
    assert [row[4] for row in data] == NAMES


def test_no_layer_of_ours_is_compiled_as_a_template_when_the_map_renders(monkeypatch):
    # branca's MacroElement.render compiles each finished script as a Jinja template: with
    # the districts' GeoJSON and every product's JSON in them, on every rerun of the map.
    import jinja2

    compiled: list[str] = []
    original = jinja2.Environment._parse

    def spy(self, source, name, filename):
        compiled.append(source)
        return original(self, source, name, filename)

    page = map_html(render_product_map(_frame(["Zamek"]), basemap="offline"))
    monkeypatch.setattr(jinja2.Environment, "_parse", spy)
    page = map_html(render_product_map(_frame(["Zamek"]), basemap="offline"))
    for call in ("addProducts", "addDistricts", "addSchematic", "addLegend", "addTouchGestures"):
        assert f"touristMap.{call}(" in page
        assert not [s for s in compiled if f"touristMap.{call}(" in s], call
