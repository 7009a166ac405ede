"""Tiny PMTiles files built by the tests themselves (no tile data is downloaded or shipped).

Each tile is a 256×256 PNG of one flat colour with a darker frame, so a test can tell a
drawn tile from an empty map.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageDraw
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

REGION = ((49.57, 22.23), (50.41, 23.55))  # (south, west), (north, east) of the five districts
FILL = (243, 217, 164)
FRAME = (150, 110, 40)


def tile_range(bounds, zoom: int) -> tuple[range, range]:
    """x and y tile numbers covering ``bounds`` ((south, west), (north, east)) at ``zoom``."""
    (south, west), (north, east) = bounds

    def xy(lat, lon):
        n = 2**zoom
        x = int((lon + 180) / 360 * n)
        phi = math.radians(lat)
        y = int((1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * n)
        return x, y

    x0, y0 = xy(north, west)
    x1, y1 = xy(south, east)
    return range(x0, x1 + 1), range(y0, y1 + 1)


def png_tile() -> bytes:
    image = Image.new("RGB", (256, 256), FILL)
    ImageDraw.Draw(image).rectangle([0, 0, 255, 255], outline=FRAME, width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def write_test_pmtiles(
    path: Path,
    attribution: str | None = "Test tiles © the test suite",
    zooms: range = range(7, 11),
    tile_type: TileType = TileType.PNG,
    bounds=REGION,
) -> int:
    """Write a raster PMTiles file covering ``bounds`` at ``zooms``; returns the tile count."""
    data = png_tile()
    ids = sorted(
        zxy_to_tileid(z, x, y)
        for z in zooms
        for xs, ys in [tile_range(bounds, z)]
        for x in xs
        for y in ys
    )
    (south, west), (north, east) = bounds
    with write(str(path)) as writer:
        for tile_id in ids:
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": tile_type,
                "tile_compression": Compression.NONE,
                "min_lon_e7": round(west * 1e7),
                "min_lat_e7": round(south * 1e7),
                "max_lon_e7": round(east * 1e7),
                "max_lat_e7": round(north * 1e7),
                "center_zoom": zooms[0],
                "center_lon_e7": int((west + east) / 2 * 1e7),
                "center_lat_e7": int((south + north) / 2 * 1e7),
            },
            {"attribution": attribution} if attribution is not None else {},
        )
    return len(ids)
