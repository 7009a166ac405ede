"""Which base maps the app may show, from the operator's configuration.

Three kinds of base map, each a stable key:

- ``offline``: the schematic base built into the app (``geodata/basemap.geojson``: places,
  the San, the state border, district outlines). Always available; requests nothing.
- ``local``: a raster PMTiles file the operator put in the tiles folder (default
  ``static/tiles/``), served by the app itself at ``/app/static/…`` (Streamlit answers the
  range requests PMTiles needs with 206) and read in the browser by the vendored
  ``pmtiles`` library.
- ``online``: a tile server the operator configured (URL template, attribution, max zoom).
  There is no default: no tile server's address is written into the code, so nothing
  requests OpenStreetMap's (or anyone's) tiles unless the operator asked for it.

Settings come from environment variables, else from the ``[map]`` table of
``.streamlit/secrets.toml``; every value is checked and a wrong one raises
:class:`TileConfigError` naming the setting, what is wrong and how to fix it.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from catalogue.localise import localised
from mapview.assets import REPO_ROOT, STATIC_DIR

BASEMAPS: tuple[str, ...] = ("local", "online", "offline")
PRESETS: tuple[str, ...] = ("standard", "fair")
SECRETS_FILE = REPO_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_TILES_DIR = STATIC_DIR / "tiles"
STATIC_URL = "/app/static"
RASTER_TILE_TYPES = {2: "png", 3: "jpg", 4: "webp", 5: "avif"}
MAX_ZOOM_RANGE = (1, 22)
DEFAULT_ONLINE_MAX_ZOOM = 19

# Environment variable -> key in the [map] table of secrets.toml.
SETTINGS: dict[str, str] = {
    "MAP_PRESET": "preset",
    "MAP_TILES_URL": "tiles_url",
    "MAP_TILES_ATTRIBUTION": "tiles_attribution",
    "MAP_TILES_MAX_ZOOM": "tiles_max_zoom",
    "MAP_LOCAL_TILES_DIR": "local_tiles_dir",
    "MAP_LOCAL_TILES_ATTRIBUTION": "local_tiles_attribution",
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ALLOWED_PLACEHOLDERS = {"z", "x", "y", "s", "r"}
_UNSAFE_URL_CHARS = set(" \t\r\n\"'<>`\\")


class TileConfigError(ValueError):
    """A map setting is wrong; the message names it, says what is wrong and how to fix it."""


@dataclass(frozen=True)
class OnlineTiles:
    """A configured tile server: URL template with {z}/{x}/{y}, plain-text attribution."""

    url: str
    attribution: str
    max_zoom: int


@dataclass(frozen=True)
class LocalTiles:
    """A raster PMTiles file in the tiles folder, served by the app at ``url``."""

    path: Path
    url: str
    attribution: str
    tile_type: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))


@dataclass(frozen=True)
class TileConfig:
    """What the operator configured; ``basemaps`` lists the usable keys, best first."""

    preset: str = "standard"
    online: OnlineTiles | None = None
    local: LocalTiles | None = None

    @property
    def basemaps(self) -> tuple[str, ...]:
        usable = {"offline": True, "local": self.local is not None}
        usable["online"] = self.online is not None and self.preset != "fair"
        return tuple(key for key in BASEMAPS if usable[key])

    @property
    def default(self) -> str:
        return self.basemaps[0]


def check_basemap(key: str, config: TileConfig) -> str:
    """``key`` if it is one of :data:`BASEMAPS` usable under ``config``; raises otherwise."""
    if key not in BASEMAPS:
        raise ValueError(f"unknown basemap {key!r}; expected one of {BASEMAPS}")
    if key not in config.basemaps:
        raise ValueError(f"basemap {key!r} is not configured; usable: {config.basemaps}")
    return key


def _settings(env: Mapping[str, str], secrets_path: Path | None) -> dict[str, str]:
    values: dict[str, str] = {}
    if secrets_path is not None and secrets_path.is_file():
        try:
            with open(secrets_path, "rb") as fh:
                table = tomllib.load(fh).get("map", {})
        except tomllib.TOMLDecodeError as err:
            raise TileConfigError(f"{secrets_path}: not valid TOML ({err})") from err
        if not isinstance(table, dict):
            raise TileConfigError(f"{secrets_path}: [map] must be a table")
        unknown = sorted(set(table) - set(SETTINGS.values()))
        if unknown:
            raise TileConfigError(
                f"{secrets_path} [map]: unknown setting(s) {unknown}; "
                f"allowed: {sorted(SETTINGS.values())}"
            )
        for var, key in SETTINGS.items():
            if key in table:
                values[var] = str(table[key])
    for var in SETTINGS:
        if env.get(var, "").strip():
            values[var] = env[var].strip()
    return values


def check_tile_url(url: str, name: str = "MAP_TILES_URL") -> str:
    """A tile URL template: absolute https (http only for this machine), {z}, {x} and {y},
    no other placeholders than {s} and {r}, nothing that could leave a JS string."""
    if set(url) & _UNSAFE_URL_CHARS:
        raise TileConfigError(f"{name}: contains spaces, quotes, < > ` or \\; remove them")
    parts = urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise TileConfigError(f"{name}: {url!r} must be an absolute https:// address")
    if parts.scheme == "http" and not local:
        raise TileConfigError(f"{name}: {url!r} uses http; use the server's https:// address")
    found = set(_PLACEHOLDER.findall(url))
    if not {"z", "x", "y"} <= found:
        raise TileConfigError(f"{name}: {url!r} must contain {{z}}, {{x}} and {{y}}")
    if found - _ALLOWED_PLACEHOLDERS:
        bad = ", ".join(sorted("{" + p + "}" for p in found - _ALLOWED_PLACEHOLDERS))
        raise TileConfigError(
            f"{name}: unknown placeholder(s) {bad}; allowed: {{z}} {{x}} {{y}} {{s}} {{r}}"
        )
    return url


def _max_zoom(text: str, name: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise TileConfigError(f"{name}: {text!r} is not a whole number; use e.g. 19") from None
    lo, hi = MAX_ZOOM_RANGE
    if not lo <= value <= hi:
        raise TileConfigError(f"{name}: {value} is outside {lo}–{hi}")
    return value


def read_pmtiles(path: Path) -> dict:
    """Header fields and metadata of a PMTiles file: tile_type (name), min/max zoom,
    bounds ((south, west), (north, east)), attribution ('' if none); raises if not raster."""
    from pmtiles.reader import MmapSource, Reader

    with open(path, "rb") as fh:
        try:
            reader = Reader(MmapSource(fh))
            header = reader.header()
            metadata = reader.metadata()
        except Exception as err:  # the library raises bare exceptions on garbage
            raise TileConfigError(f"{path}: not a readable PMTiles file ({err})") from err
    tile_type = int(getattr(header["tile_type"], "value", header["tile_type"]))
    if tile_type not in RASTER_TILE_TYPES:
        raise TileConfigError(
            f"{path}: holds vector or unknown tiles (type {tile_type}); the app draws raster "
            "PMTiles (png, jpg, webp): cut a raster file (see README, 'Base maps')"
        )
    attribution = metadata.get("attribution", "") if isinstance(metadata, dict) else ""
    return {
        "tile_type": RASTER_TILE_TYPES[tile_type],
        "min_zoom": int(header["min_zoom"]),
        "max_zoom": int(header["max_zoom"]),
        "bounds": (
            (header["min_lat_e7"] / 1e7, header["min_lon_e7"] / 1e7),
            (header["max_lat_e7"] / 1e7, header["max_lon_e7"] / 1e7),
        ),
        "attribution": str(attribution or ""),
    }


def find_local_tiles(folder: Path, attribution: str = "") -> LocalTiles | None:
    """The one ``*.pmtiles`` file in ``folder`` (inside ``static/``), or None if there is none."""
    folder = folder if folder.is_absolute() else REPO_ROOT / folder
    resolved = folder.resolve()
    static = STATIC_DIR.resolve()
    if resolved != static and static not in resolved.parents:
        raise TileConfigError(
            f"MAP_LOCAL_TILES_DIR: {folder} is outside {STATIC_DIR}; the app serves files "
            "from there only. Use a folder below static/, e.g. static/tiles"
        )
    if not resolved.is_dir():
        return None
    files = sorted(resolved.glob("*.pmtiles"))
    if not files:
        return None
    if len(files) > 1:
        raise TileConfigError(
            f"MAP_LOCAL_TILES_DIR: {folder} holds {len(files)} .pmtiles files "
            f"({', '.join(f.name for f in files)}); leave one"
        )
    info = read_pmtiles(files[0])
    text = attribution or info["attribution"]
    if not text:
        raise TileConfigError(
            f"{files[0]}: has no attribution in its metadata; set MAP_LOCAL_TILES_ATTRIBUTION "
            "(e.g. “© OpenStreetMap contributors” for tiles cut from OSM data)"
        )
    relative = files[0].relative_to(static).as_posix()
    return LocalTiles(
        path=files[0],
        url=f"{STATIC_URL}/{relative}",
        attribution=text,
        tile_type=info["tile_type"],
        min_zoom=info["min_zoom"],
        max_zoom=info["max_zoom"],
        bounds=info["bounds"],
    )


def load_tile_config(
    env: Mapping[str, str] | None = None, secrets_path: Path | None = SECRETS_FILE
) -> TileConfig:
    """Read and check the map settings (environment first, then ``secrets_path``)."""
    values = _settings(os.environ if env is None else env, secrets_path)
    preset = values.get("MAP_PRESET", "standard")
    if preset not in PRESETS:
        raise TileConfigError(f"MAP_PRESET: {preset!r} is not one of {', '.join(PRESETS)}")
    online = None
    if "MAP_TILES_URL" in values:
        url = check_tile_url(values["MAP_TILES_URL"])
        attribution = values.get("MAP_TILES_ATTRIBUTION", "")
        if not attribution:
            raise TileConfigError(
                "MAP_TILES_ATTRIBUTION: required with MAP_TILES_URL; the tile provider's "
                "licence asks for it (e.g. “© OpenStreetMap contributors”)"
            )
        max_zoom = _max_zoom(
            values.get("MAP_TILES_MAX_ZOOM", str(DEFAULT_ONLINE_MAX_ZOOM)), "MAP_TILES_MAX_ZOOM"
        )
        online = OnlineTiles(url=url, attribution=attribution, max_zoom=max_zoom)
    elif "MAP_TILES_ATTRIBUTION" in values or "MAP_TILES_MAX_ZOOM" in values:
        raise TileConfigError("MAP_TILES_ATTRIBUTION/MAP_TILES_MAX_ZOOM: set MAP_TILES_URL too")
    folder = Path(values.get("MAP_LOCAL_TILES_DIR", str(DEFAULT_TILES_DIR)))
    local = find_local_tiles(folder, values.get("MAP_LOCAL_TILES_ATTRIBUTION", ""))
    return TileConfig(preset=preset, online=online, local=local)


def config_json(config: TileConfig) -> str:
    """A stable text form of ``config`` (for cache keys)."""
    return json.dumps(
        {
            "preset": config.preset,
            "online": config.online.__dict__ if config.online else None,
            "local": {**config.local.__dict__, "path": str(config.local.path)}
            if config.local
            else None,
        },
        sort_keys=True,
    )


BASEMAP_LABELS: dict[str, dict[str, str]] = {
    "local": {
        "pl": "Mapa z pliku (lokalna)",
        "en": "Tile file (local)",
        "uk": "Мапа з файлу (локальна)",
    },
    "online": {"pl": "Mapa internetowa", "en": "Online map", "uk": "Онлайн-мапа"},
    "offline": {
        "pl": "Schematyczna (offline)",
        "en": "Schematic (offline)",
        "uk": "Схематична (офлайн)",
    },
}


def basemap_label(key: str, lang: str) -> str:
    """The name of base map ``key`` (one of :data:`BASEMAPS`) shown in language ``lang``."""
    if key not in BASEMAP_LABELS:
        raise ValueError(f"unknown basemap {key!r}; expected one of {BASEMAPS}")
    return localised(BASEMAP_LABELS[key], lang)
