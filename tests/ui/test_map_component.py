"""ui.map_component: the product layer's script is made once for the same layers, and a
layer that differs in anything it shows (rows, selection, fit) gets its own."""

from __future__ import annotations

import re

import folium

from mapview.builder import FLAG_SELECTED, build_base_map, build_product_layer
from ui.map_component import feature_group_key, with_kept_scripts

ROWS = [[49.78, 22.77, 0, 0, "Zamek Kazimierzowski", "zamek"], [49.9, 22.6, 1, 0, "Rynek", "rynek"]]


def _map():
    base = build_base_map("pl", "offline")
    base.get_root().render()
    return base


def _spy():
    calls = []

    def made(feature_group, map, idx=0):  # noqa: A002 - streamlit-folium's name
        import streamlit_folium

        calls.append(idx)
        # streamlit-folium's own, under the process-wide wrapper of ui.map_component.
        original = streamlit_folium._get_feature_group_string.wrapped
        return original(feature_group, map=map, idx=idx)

    return calls, made


def test_the_same_layers_are_made_once_and_give_the_same_script():
    calls, made = _spy()
    script = with_kept_scripts(made)
    first = script(build_product_layer(ROWS, fit_to_results=True), map=_map(), idx=0)
    again = script(build_product_layer(ROWS, fit_to_results=True), map=_map(), idx=0)
    assert calls == [0]
    assert again == first
    assert made(build_product_layer(ROWS, fit_to_results=True), map=_map(), idx=0) == first
    # Nothing of the run's own map: its random id is written as streamlit-folium's map_div.
    assert '"Zamek Kazimierzowski"' in first and "map_div.addLayer" in first
    assert not re.search(r"map_[0-9a-f]{32}", first)


def test_a_layer_that_shows_anything_else_gets_its_own_script():
    calls, made = _spy()
    script = with_kept_scripts(made)
    plain = script(build_product_layer(ROWS), map=_map(), idx=0)
    selected_rows = [ROWS[0][:3] + [FLAG_SELECTED] + ROWS[0][4:], ROWS[1]]
    selected = script(build_product_layer(selected_rows), map=_map(), idx=0)
    fitted = script(build_product_layer(ROWS, fit_to_results=True), map=_map(), idx=0)
    other_bounds = script(
        build_product_layer(ROWS, fit_to_results=True, fit_bounds=[[49.5, 22.0], [50.3, 23.6]]),
        map=_map(),
        idx=0,
    )
    second_group = script(build_product_layer(ROWS), map=_map(), idx=1)
    assert len(calls) == 5
    assert len({plain, selected, fitted, other_bounds, second_group}) == 5
    assert '"focusKey":"zamek"' in selected and '"focusKey":null' in plain


def test_groups_with_anything_but_product_layers_are_never_kept():
    calls, made = _spy()
    script = with_kept_scripts(made)
    group = folium.FeatureGroup(name="other")
    folium.Marker([49.8, 22.7], tooltip="a").add_to(group)
    assert feature_group_key(group, 0) is None
    script(group, map=_map(), idx=0)
    group = folium.FeatureGroup(name="other")
    folium.Marker([49.8, 22.7], tooltip="a").add_to(group)
    script(group, map=_map(), idx=0)
    assert calls == [0, 0]
    assert not script.kept
