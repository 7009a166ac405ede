"""Base-map configuration: allow-lists that raise, operator PMTiles, no tile server by default."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest
from pmtiles.tile import TileType

from mapview import builder
from mapview.assets import STATIC_DIR
from mapview.builder import build_base_map, map_html, render_product_map
from mapview.tiles import (
    BASEMAPS,
    OnlineTiles,
    TileConfig,
    TileConfigError,
    basemap_label,
    check_basemap,
    load_tile_config,
)
from tests.mapview.pmtiles_helpers import write_test_pmtiles

MAPVIEW = Path(builder.__file__).parent


@pytest.fixture
def static_folder():
    """A fresh folder below static/ (the only place the app serves files from)."""
    folder = STATIC_DIR / f"pytest-tiles-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder)


def config(env: dict[str, str], secrets: Path | None = None) -> TileConfig:
    # An empty tiles folder by default, so a developer's own static/tiles never leaks in.
    env = {"MAP_LOCAL_TILES_DIR": "static/pytest-no-such-folder", **env}
    return load_tile_config(env, secrets)


def test_nothing_configured_means_the_schematic_base_only():
    tiles = config({})
    assert tiles.basemaps == ("offline",) and tiles.default == "offline"
    page = build_base_map(tiles=tiles).get_root().render()
    assert "L.tileLayer" not in page and "pmtiles.js" not in page
    assert "touristMap.addLocalTiles(" not in page
    assert '"places":[[' in page


def test_no_tile_server_address_is_written_into_the_code():
    for path in [*MAPVIEW.rglob("*.py"), *(MAPVIEW / "js" / "src").rglob("*.js")]:
        assert "tile.openstreetmap.org" not in path.read_text(encoding="utf-8"), path


def test_online_tiles_from_environment():
    tiles = config(
        {
            "MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
            "MAP_TILES_ATTRIBUTION": "© Example <contributors>",
            "MAP_TILES_MAX_ZOOM": "17",
        }
    )
    assert tiles.online == OnlineTiles(
        "https://tiles.example.org/{z}/{x}/{y}.png", "© Example <contributors>", 17
    )
    assert tiles.basemaps == ("online", "offline")
    page = build_base_map(basemap="online", tiles=tiles).get_root().render()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in page
    assert '"maxNativeZoom": 17' in page
    # Attribution is text: HTML-escaped, then JSON-escaped by folium.
    assert "Example \\u0026lt;contributors\\u0026gt;" in page and "<contributors>" not in page
    # The schematic layer is not drawn over tiles that have their own names.
    assert '"places":[[' not in page


def test_fair_preset_never_requests_tiles():
    tiles = config(
        {
            "MAP_PRESET": "fair",
            "MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
            "MAP_TILES_ATTRIBUTION": "© Example",
        }
    )
    assert tiles.basemaps == ("offline",)
    with pytest.raises(ValueError, match="not configured"):
        build_base_map(basemap="online", tiles=tiles)


def test_secrets_file_and_environment_precedence(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[map]\ntiles_url = "https://a.example.org/{z}/{x}/{y}.png"\n'
        'tiles_attribution = "© A"\ntiles_max_zoom = 16\n',
        encoding="utf-8",
    )
    tiles = config({}, secrets)
    assert tiles.online == OnlineTiles("https://a.example.org/{z}/{x}/{y}.png", "© A", 16)
    tiles = config({"MAP_TILES_URL": "https://b.example.org/{z}/{x}/{y}.png"}, secrets)
    assert tiles.online.url.startswith("https://b.example.org/")
    secrets.write_text('[map]\ntile_url = "https://a.example.org/{z}/{x}/{y}.png"\n')
    with pytest.raises(TileConfigError, match=r"unknown setting\(s\) \['tile_url'\]"):
        config({}, secrets)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAP_PRESET": "festival"}, "MAP_PRESET: 'festival' is not one of standard, fair"),
        ({"MAP_TILES_URL": "ftp://t.example.org/{z}/{x}/{y}.png"}, "absolute https://"),
        ({"MAP_TILES_URL": "http://t.example.org/{z}/{x}/{y}.png"}, "uses http"),
        ({"MAP_TILES_URL": "https://t.example.org/{z}/{x}.png"}, "must contain {z}, {x} and {y}"),
        ({"MAP_TILES_URL": "https://t.example.org/{z}/{x}/{y}{q}.png"}, r"unknown placeholder"),
        ({"MAP_TILES_URL": 'https://t.example.org/{z}/{x}/{y}.png"+alert(1)+"'}, "quotes"),
        ({"MAP_TILES_URL": "https://t.example.org/{z}/{x}/{y}.png"}, "MAP_TILES_ATTRIBUTION"),
        (
            {
                "MAP_TILES_URL": "https://t.example.org/{z}/{x}/{y}.png",
                "MAP_TILES_ATTRIBUTION": "© T",
                "MAP_TILES_MAX_ZOOM": "30",
            },
            "MAP_TILES_MAX_ZOOM: 30 is outside 1–22",
        ),
        ({"MAP_TILES_MAX_ZOOM": "17"}, "set MAP_TILES_URL too"),
        ({"MAP_LOCAL_TILES_DIR": "/tmp"}, "outside"),
    ],
)
def test_wrong_settings_raise_naming_the_setting(env, message):
    with pytest.raises(
        TileConfigError, match=re.escape(message) if "(" not in message else message
    ):
        config(env)


def test_http_is_allowed_for_this_machine_only():
    tiles = config(
        {"MAP_TILES_URL": "http://127.0.0.1:8080/{z}/{x}/{y}.png", "MAP_TILES_ATTRIBUTION": "© L"}
    )
    assert tiles.online.url.startswith("http://127.0.0.1")


def test_unknown_or_unconfigured_basemap_raises():
    tiles = config({})
    with pytest.raises(ValueError, match="unknown basemap 'osm'"):
        check_basemap("osm", tiles)
    with pytest.raises(ValueError, match="not configured"):
        render_product_map(pd_frame(), basemap="local", tiles=tiles)
    assert [basemap_label(k, "en") for k in BASEMAPS] == [
        "Tile file (local)",
        "Online map",
        "Schematic (offline)",
    ]


def pd_frame():
    import pandas as pd

    return pd.DataFrame(columns=["id", "name_pl", "category", "lat", "lon"])


def test_local_pmtiles_is_found_read_and_served_from_static(static_folder):
    count = write_test_pmtiles(static_folder / "region.pmtiles")
    assert count > 10
    tiles = config({"MAP_LOCAL_TILES_DIR": str(static_folder)})
    local = tiles.local
    assert tiles.basemaps == ("local", "offline") and tiles.default == "local"
    assert local.url == f"/app/static/{static_folder.name}/region.pmtiles"
    assert (local.tile_type, local.min_zoom, local.max_zoom) == ("png", 7, 10)
    assert local.attribution == "Test tiles © the test suite"
    assert local.bounds == ((49.57, 22.23), (50.41, 23.55))
    page = map_html(render_product_map(pd_frame(), tiles=tiles))
    assert '<script src="/app/static/vendor/pmtiles/pmtiles.js"></script>' in page
    assert f'"url":"/app/static/{static_folder.name}/region.pmtiles"' in page
    assert '"minZoom":7,"maxZoom":10' in page
    assert "Test tiles © the test suite" in page


def test_local_tiles_attribution_override_and_missing(static_folder):
    write_test_pmtiles(static_folder / "region.pmtiles", attribution=None)
    with pytest.raises(TileConfigError, match="MAP_LOCAL_TILES_ATTRIBUTION"):
        config({"MAP_LOCAL_TILES_DIR": str(static_folder)})
    tiles = config(
        {
            "MAP_LOCAL_TILES_DIR": str(static_folder),
            "MAP_LOCAL_TILES_ATTRIBUTION": "© OpenStreetMap contributors",
        }
    )
    assert tiles.local.attribution == "© OpenStreetMap contributors"


def test_vector_garbage_and_two_files_are_refused(static_folder):
    env = {"MAP_LOCAL_TILES_DIR": str(static_folder)}
    write_test_pmtiles(static_folder / "vector.pmtiles", tile_type=TileType.MVT)
    with pytest.raises(TileConfigError, match="vector or unknown tiles"):
        config(env)
    (static_folder / "vector.pmtiles").write_bytes(b"not a tile archive at all" * 10)
    with pytest.raises(TileConfigError, match="not a readable PMTiles file"):
        config(env)
    write_test_pmtiles(static_folder / "vector.pmtiles")
    write_test_pmtiles(static_folder / "second.pmtiles")
    with pytest.raises(TileConfigError, match="holds 2 .pmtiles files"):
        config(env)
