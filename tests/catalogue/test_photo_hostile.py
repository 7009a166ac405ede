"""Hostile photos: polyglots and metadata do not survive, orphans are cleaned, one message."""

from __future__ import annotations

import io
import os
import time

import pytest
from PIL import Image, ImageCms

from catalogue import photos
from catalogue.model import Product
from catalogue.photos import (
    clean_orphans,
    read_limited,
    referenced_files,
    store_photo,
    store_photos,
)

SCRIPT = b"<html><script>alert(document.cookie)</script></html>"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b"dc:creator='Secret Author'/></rdf:RDF></x:xmpmeta>"
)


@pytest.fixture
def photo_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos"))
    return tmp_path / "photos"


def polyglot_jpeg() -> bytes:
    """A JPEG whose comment, EXIF and XMP carry a script and names (an HTML polyglot)."""
    image = Image.new("RGB", (640, 480), (200, 40, 40))
    exif = Image.Exif()
    exif[0x013B] = "Secret Artist"  # Artist
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", comment=SCRIPT, exif=exif, xmp=XMP, quality=90)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the input really carries all three
        assert check.info["comment"] == SCRIPT and check.getexif() and XMP in data
    return data


def test_polyglot_comment_exif_and_xmp_do_not_survive(photo_dir):
    stored = store_photo(polyglot_jpeg(), "polyglot.jpg")
    for relative in (stored.path, stored.thumb_path):
        data = photos.resolve(relative).read_bytes()
        assert b"<script" not in data and b"Secret" not in data and b"xmpmeta" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert set(image.info) <= {
                "jfif",
                "jfif_version",
                "jfif_unit",
                "jfif_density",
                "dpi",
                "progressive",
                "progression",
            }, image.info
            assert not image.getexif()


def test_icc_profile_is_applied_then_dropped(photo_dir):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.new("RGB", (200, 100), (10, 200, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", icc_profile=srgb)
    stored = store_photo(buffer.getvalue(), "srgb.png")
    with Image.open(photos.resolve(stored.path)) as out:
        assert "icc_profile" not in out.info
        red, green, blue = out.getpixel((50, 50))
        assert green > 180 and red < 40 and blue < 60  # sRGB → sRGB keeps the colour

    # A profile that cannot be applied (garbage bytes) is dropped; the photo is still stored.
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", icc_profile=b"not a profile" * 10)
    stored = store_photo(buffer.getvalue(), "bad-icc.png")
    with Image.open(photos.resolve(stored.path)) as out:
        assert "icc_profile" not in out.info


def test_a_truncated_jpeg_gets_one_message_even_when_read_twice(photo_dir):
    data = polyglot_jpeg()
    upload = io.BytesIO(data[: len(data) // 2])
    upload.name = "cut.jpg"
    stored, errors = store_photos([("cut.jpg", upload)])
    assert stored == [] and [e.code for e in errors] == ["broken"]
    # The page checks the same upload again after the failed save: same file, not "empty".
    assert read_limited(upload, "cut.jpg") == data[: len(data) // 2]
    _, again = store_photos([("cut.jpg", upload)])
    assert [e.code for e in again] == ["broken"]


def test_orphans_are_cleaned_and_referenced_files_kept(photo_dir, sqlite_store):
    kept = store_photo(polyglot_jpeg(), "kept.jpg")
    product = Product(
        id="zamek", name_pl="Zamek", category="heritage", lat=49.77, lon=22.64,
        district_teryt="1813", gmina_teryt="1813042", status="published",
    )  # fmt: skip
    sqlite_store.save_products([product], "test")
    sqlite_store.add_photos("zamek", [kept])
    # A stopped five-photo submission: files written, rows never saved.
    orphans = [store_photo(polyglot_jpeg(), f"o{i}.jpg") for i in range(5)]
    leftover_tmp = photo_dir / "products" / ".x.jpg.abc.tmp"
    leftover_tmp.write_bytes(b"half")
    old = time.time() - 3600
    for path in (photo_dir / "products").iterdir():
        os.utime(path, (old, old))
    fresh = store_photo(polyglot_jpeg(), "in-flight.jpg")  # a submission still running

    deleted = clean_orphans(referenced_files(sqlite_store))
    assert len(deleted) == 2 * len(orphans) + 1
    remaining = {p.name for p in (photo_dir / "products").iterdir()}
    assert remaining == {
        f"{kept.id}.jpg",
        f"{kept.id}_thumb.jpg",
        f"{fresh.id}.jpg",
        f"{fresh.id}_thumb.jpg",
    }
