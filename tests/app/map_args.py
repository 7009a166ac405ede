"""Reading what the st_folium component received in an AppTest run."""

from __future__ import annotations

import json
import re

_DATA = re.compile(r"var data = (\[.*?\]);\n", re.S)


def component_args(at, index: int = 0) -> dict:
    """The JSON arguments of the ``index``-th st_folium component on the page."""
    return json.loads(at.get("component_instance")[index].proto.json_args)


def marker_rows(at, index: int = 0) -> list[list]:
    """Marker rows ``[lat, lon, category_index, flags, name, id]`` the map received."""
    match = _DATA.search(component_args(at, index)["feature_group"])
    assert match, "no product layer in the map's feature group"
    return json.loads(match.group(1))


def marker_ids(at, index: int = 0) -> set[str]:
    return {row[5] for row in marker_rows(at, index)}
