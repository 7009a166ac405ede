"""``st_folium`` whose first value in the browser equals its Python default.

streamlit-folium 0.27.4 hands the browser its Python default (``last_object_clicked_count:
None``) and the browser compares its own first value (the click count starts at ``0``) with
it before sending anything back. The two differ, so every new map sent its value back right
after the first render and Streamlit ran the whole script a second time for every visitor.
Here the default says ``0`` as the browser does: the first value matches and is not sent,
while every click still raises the count and is sent, a second click on the same marker too.

The component function is wrapped once per process; every page's ``st_folium`` goes through
it (only the map page returns the count, the others return nothing or ``last_clicked``).
"""

from __future__ import annotations

import streamlit_folium

CLICK_COUNT = "last_object_clicked_count"
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


if not getattr(streamlit_folium._component_func, "aligned_defaults", False):
    streamlit_folium._component_func = with_browser_defaults(streamlit_folium._component_func)

st_folium = streamlit_folium.st_folium
