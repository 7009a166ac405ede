"""``st_folium`` whose first value in the browser equals its Python default.

streamlit-folium 0.27.4 hands the browser its Python default (``last_object_clicked_count:
None``) and the browser compares its own first value (the click count starts at ``0``) with
it before sending anything back. The two differ, so every new map sent its value back right
after the first render and Streamlit ran the whole script a second time for every visitor.
Here the default says ``0`` as the browser does: the first value matches and is not sent,
while every click still raises the count and is sent, a second click on the same marker too.

The component function is wrapped once per process; every page's ``st_folium`` goes through
it (only the map page returns the count, the others return nothing or ``last_clicked``).

Also once per process: the script of a feature group holding only product layers is kept
for the next run that adds the same layers. streamlit-folium rebuilds it on every run
(renders it, rewrites its variable names and ``textwrap.dedent``s it: regular expressions over
the whole marker JSON, a third of a new visitor's server CPU at 100,000 offerings,
bench.visit_profile), although it depends only on the layers' data and options, which the
key holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit_folium

from mapview.builder import ProductLayer

CLICK_COUNT = "last_object_clicked_count"
# The map's iframe in the page, found by the component's address: its title is set to the
# map's name in the reader's language (ui/document.py), so a title selector finds nothing.
MAP_IFRAME_SELECTOR = 'iframe[src*="/component/streamlit_folium.st_folium/"]'
# The browser's first value of each returned field where it is not null (frontend index.tsx).
BROWSER_FIRST_VALUES = {CLICK_COUNT: 0}


def with_browser_defaults(component_func):
    """``component_func`` with ``default`` aligned to what the browser sends first."""

    def component(*args, default=None, **kwargs):
        if isinstance(default, dict):
            default = {
                key: BROWSER_FIRST_VALUES.get(key, value) if value is None else value
                for key, value in default.items()
            }
        return component_func(*args, default=default, **kwargs)

    component.aligned_defaults = True
    return component


# Feature-group scripts kept (one is about 7 MB at 100,000 offerings).
FEATURE_GROUP_CACHE_SIZE = 6


def feature_group_key(feature_group, idx: int) -> tuple | None:
    """What the script of ``feature_group`` (added as the ``idx``-th) depends on, when it
    holds only product layers (their data digest and options, which name the selection,
    the fit and the clustering); None for any other group."""
    children = list(feature_group._children.values())
    if not children or not all(type(child) is ProductLayer for child in children):
        return None
    layers = tuple((child.data_digest, child.options) for child in children)
    return (idx, feature_group.layer_name, repr(sorted(feature_group.options.items())), layers)


def with_kept_scripts(feature_group_string):
    """``feature_group_string(feature_group, map, idx)`` answering a group of the same
    :func:`feature_group_key` with the script made the first time."""
    kept: OrderedDict[tuple, str] = OrderedDict()
    lock = threading.Lock()

    def script(feature_group, map, idx: int = 0) -> str:  # noqa: A002 - streamlit-folium's name
        key = feature_group_key(feature_group, idx)
        if key is not None:
            with lock:
                if key in kept:
                    kept.move_to_end(key)
                    return kept[key]
        text = feature_group_string(feature_group, map=map, idx=idx)
        if key is not None:
            with lock:
                kept[key] = text
                while len(kept) > FEATURE_GROUP_CACHE_SIZE:
                    kept.popitem(last=False)
        return text

    script.keeps_scripts = True
    script.kept = kept
    script.wrapped = feature_group_string
    return script


if not getattr(streamlit_folium._get_feature_group_string, "keeps_scripts", False):
    streamlit_folium._get_feature_group_string = with_kept_scripts(
        streamlit_folium._get_feature_group_string
    )

if not getattr(streamlit_folium._component_func, "aligned_defaults", False):
    streamlit_folium._component_func = with_browser_defaults(streamlit_folium._component_func)

st_folium = streamlit_folium.st_folium
