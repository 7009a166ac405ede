"""Leaflet and plugins served by the app itself, never from a CDN.

The files come from the pinned xstatic packages (Leaflet, markercluster) and the pinned npm
package ``pmtiles`` (``mapview/js/``, installed by ``scripts/setup.sh`` with ``npm ci``) and
are copied under ``static/vendor/``,
which Streamlit serves at ``/app/static/vendor/…`` when ``server.enableStaticServing`` is on.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

REPO_ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = REPO_ROOT / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
URL_PREFIX = "/app/static/vendor"


@dataclass(frozen=True)
class Asset:
    """One vendored file: where it comes from and its path below ``static/vendor``."""

    source: Path
    relative: str

    @property
    def url(self) -> str:
        return f"{URL_PREFIX}/{self.relative}"

    @property
    def path(self) -> Path:
        return VENDOR_DIR / self.relative


_LEAFLET = Path(xs_leaflet.BASE_DIR)
_CLUSTER = Path(xs_cluster.BASE_DIR)

LEAFLET_JS = Asset(_LEAFLET / "leaflet.js", "leaflet/leaflet.js")
LEAFLET_CSS = Asset(_LEAFLET / "leaflet.css", "leaflet/leaflet.css")
CLUSTER_JS = Asset(_CLUSTER / "leaflet.markercluster.js", "markercluster/leaflet.markercluster.js")
CLUSTER_CSS = Asset(_CLUSTER / "MarkerCluster.css", "markercluster/MarkerCluster.css")
CLUSTER_DEFAULT_CSS = Asset(
    _CLUSTER / "MarkerCluster.Default.css", "markercluster/MarkerCluster.Default.css"
)
LEAFLET_IMAGES = [
    Asset(p, f"leaflet/images/{p.name}") for p in sorted((_LEAFLET / "images").glob("*.png"))
]

# Reads raster PMTiles in the browser (range requests to the app's static files); only
# needed when the operator put a tile file in the tiles folder.
NPM_DIR = Path(__file__).resolve().parent / "js"
PMTILES_JS = Asset(
    NPM_DIR / "node_modules" / "pmtiles" / "dist" / "pmtiles.js", "pmtiles/pmtiles.js"
)

JS_ASSETS: tuple[Asset, ...] = (LEAFLET_JS, CLUSTER_JS)
CSS_ASSETS: tuple[Asset, ...] = (LEAFLET_CSS, CLUSTER_CSS, CLUSTER_DEFAULT_CSS)
ALL_ASSETS: tuple[Asset, ...] = (*JS_ASSETS, *CSS_ASSETS, *LEAFLET_IMAGES)


class MissingAssetError(FileNotFoundError):
    """A vendored file's source is not installed."""


def ensure_local_assets(force: bool = False, require_npm: bool = False) -> list[Path]:
    """Copy missing (or, with ``force``, all) vendored files; returns the files written.

    The npm-installed pmtiles library is copied when installed; with ``require_npm`` its
    absence raises :class:`MissingAssetError` (the set-up installs it).
    """
    written = []
    optional = [PMTILES_JS] if PMTILES_JS.source.is_file() else []
    if require_npm and not optional:
        raise MissingAssetError(
            f"{PMTILES_JS.source} is missing: run `npm ci --prefix {NPM_DIR}` "
            "(scripts/setup.sh does)"
        )
    for asset in (*ALL_ASSETS, *optional):
        if (
            force
            or not asset.path.exists()
            or asset.path.stat().st_size != asset.source.stat().st_size
        ):
            asset.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = asset.path.with_suffix(asset.path.suffix + ".tmp")
            shutil.copyfile(asset.source, tmp)
            tmp.replace(asset.path)
            written.append(asset.path)
    return written


def read_asset_text(asset: Asset) -> str:
    """The text of a vendored JS/CSS file, for inlining into a self-contained HTML page."""
    return asset.source.read_text(encoding="utf-8")
