"""Photo uploads: hostile files are refused with a clear message, good ones are re-encoded
without metadata, written atomically and recorded in the photos table."""

from __future__ import annotations

import io
import os
import struct
import threading
import zlib

import pytest
from PIL import Image

from catalogue import photos
from catalogue.model import Product
from catalogue.photos import MAX_BYTES, PhotoError, store_photo, store_photos


def jpeg_with_gps(width: int = 2400, height: int = 1800) -> bytes:
    """A JPEG carrying EXIF with a GPS position and a camera model."""
    image = Image.new("RGB", (width, height), (30, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera"  # Model
    gps = {1: "N", 2: (50.0, 1.0, 2.0), 3: "E", 4: (22.0, 40.0, 39.0)}
    exif[0x8825] = gps  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def png_bytes(width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), 0).save(buffer, format="PNG")
    return buffer.getvalue()


def huge_png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width``×``height`` (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width
    # One compressed row repeated is enough to make a valid-looking but tiny stream.
    data = compressor.compress(row * 50) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (40, 30), 1).save(buffer, format="GIF")
    return buffer.getvalue()


@pytest.fixture
def photo_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos"))
    return tmp_path / "photos"


def refused(data: bytes, name: str, photo_dir) -> PhotoError:
    with pytest.raises(PhotoError) as info:
        store_photo(data, name)
    assert not list(photo_dir.rglob("*.jpg")), "nothing may be written for a refused file"
    return info.value


def test_good_photo_is_reencoded_scaled_and_stripped(photo_dir):
    stored = store_photo(jpeg_with_gps(), "holiday.jpg")
    assert max(stored.width, stored.height) == photos.MAX_EDGE
    full = photos.resolve(stored.path)
    thumb = photos.resolve(stored.thumb_path)
    assert full.parent == photo_dir.resolve() / "products"
    with Image.open(full) as image:
        assert image.format == "JPEG"
        assert image.size == (stored.width, stored.height)
        assert not image.getexif(), "EXIF (GPS, camera) must be gone"
        assert "icc_profile" not in image.info and "exif" not in image.info
    with Image.open(thumb) as image:
        assert max(image.size) == photos.THUMB_EDGE
    assert b"Secret Camera" not in full.read_bytes()
    # No temporary file left behind.
    assert not [p for p in photo_dir.rglob("*") if p.name.startswith(".upload-")]


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(photo_dir, fmt):
    buffer = io.BytesIO()
    Image.new("RGBA", (500, 300), (255, 0, 0, 0)).save(buffer, format=fmt)
    stored = store_photo(buffer.getvalue(), f"x.{fmt.lower()}")
    with Image.open(photos.resolve(stored.path)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        # Transparent pixels become white, not black.
        assert image.getpixel((10, 10)) == (255, 255, 255)


def test_truncated_jpeg_is_refused(photo_dir):
    data = jpeg_with_gps(800, 600)
    error = refused(data[: len(data) // 2], "cut.jpg", photo_dir)
    assert error.code == "broken"
    assert "uszkodzony" in error.message("pl")
    assert "damaged or incomplete" in error.message("en")


def test_gif_renamed_jpg_is_refused(photo_dir):
    error = refused(gif_bytes(), "photo.jpg", photo_dir)
    assert error.code == "bad_format"
    assert "JPEG, PNG ani WebP" in error.message("pl")
    assert "not a JPEG, PNG or WebP" in error.message("en")
    assert "photo.jpg" in error.message("en")


def test_text_file_is_refused(photo_dir):
    error = refused(b"name,category\nZamek,heritage\n", "offer.png", photo_dir)
    assert error.code == "bad_format"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_small_12000_square_png_is_refused_before_decoding(photo_dir):
    data = png_bytes(12000, 12000, mode="1")
    assert len(data) < MAX_BYTES, "the point: a small file with a huge canvas"
    error = refused(data, "bomb.png", photo_dir)
    assert error.code == "too_many_pixels"
    assert "12000×12000" in error.message("pl")
    assert "at most 40 MP" in error.message("en")


def test_forged_header_bomb_is_refused_without_decoding(photo_dir, monkeypatch):
    loaded = []
    original = Image.Image.load

    def spy(self):
        loaded.append(self.size)
        return original(self)

    monkeypatch.setattr(Image.Image, "load", spy)
    error = refused(huge_png_header_only(60000, 60000), "forged.png", photo_dir)
    assert error.code == "pixel_bomb"
    assert "40 MP" in error.message("en")
    assert not loaded, "the pixels of a bomb must never be decoded"


def test_file_over_5_mb_is_refused_before_reading(photo_dir):
    class Upload(io.BytesIO):
        size = MAX_BYTES + 1

        def read(self, *args):  # pragma: no cover - must not be called
            raise AssertionError("read before the size check")

    with pytest.raises(PhotoError) as info:
        photos.read_limited(Upload(b""), "big.jpg")
    assert info.value.code == "too_large"
    with pytest.raises(PhotoError) as info:
        store_photo(b"\xff" * (MAX_BYTES + 1), "big.jpg")
    assert "5 MB" in info.value.message("en")


def test_empty_file_is_refused(photo_dir):
    assert refused(b"", "empty.jpg", photo_dir).code == "empty"


def test_store_photos_keeps_good_ones_and_reports_bad_ones(photo_dir):
    good = png_bytes(200, 100)
    stored, errors = store_photos([("a.png", good), ("b.jpg", gif_bytes()), ("c.png", good)])
    assert len(stored) == 2
    assert [e.code for e in errors] == ["bad_format"]


def test_at_most_five_photos(photo_dir):
    good = png_bytes(20, 20)
    stored, errors = store_photos([(f"{i}.png", good) for i in range(3)], existing=3)
    assert stored == [] and errors[0].code == "too_many_photos"
    assert "najwyżej 5" in errors[0].message("pl")


def test_uploaded_file_objects_are_read(photo_dir):
    stored, errors = store_photos([("x.png", io.BytesIO(png_bytes(30, 30)))])
    assert len(stored) == 1 and not errors


def test_logo_is_scaled_and_absolute(photo_dir):
    path = photos.store_logo(png_bytes(1200, 800), "logo.png")
    assert path.is_absolute() and path.is_file()
    with Image.open(path) as image:
        assert max(image.size) == photos.LOGO_EDGE


def test_resolve_refuses_paths_outside_the_directory(photo_dir):
    with pytest.raises(ValueError):
        photos.resolve("../../etc/passwd")


def test_store_records_photos_in_order_and_limits_them(store, photo_dir):
    store.save_products(
        [Product(id="p1", name_pl="Zamek", category="heritage", lat=49.77, lon=22.65)], "t"
    )
    first, _ = store_photos([("a.png", png_bytes(40, 30)), ("b.png", png_bytes(30, 40))])
    assert store.add_photos("p1", first) == 2
    more, _ = store_photos([(f"{i}.png", png_bytes(10, 10)) for i in range(3)])
    store.add_photos("p1", more)
    rows = store.photos_for("p1")
    assert [r["id"] for r in rows] == [p.id for p in first + more]
    assert [r["position"] for r in rows] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        store.add_photos("p1", store_photos([("z.png", png_bytes(10, 10))])[0])
    with pytest.raises(KeyError):
        store.add_photos("nope", [])
    removed = store.remove_photo("p1", first[0].id, "staff")
    assert removed["id"] == first[0].id
    assert store.remove_photo("other", first[1].id, "staff") is None
    photos.delete_files([removed])
    assert not photos.resolve(removed["path"]).exists()
    assert len(store.photos_for("p1")) == 4
    actions = set(store.audit_frame()["action"])
    assert {"add_photos", "remove_photo"} <= actions


def test_concurrent_uploads_never_expose_partial_files(photo_dir):
    data = jpeg_with_gps(1600, 1200)
    results: list = []

    def worker():
        results.append(store_photo(data, "x.jpg"))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.id for r in results}) == 6
    for result in results:
        with Image.open(photos.resolve(result.path)) as image:
            image.load()
    assert not [p for p in photo_dir.rglob("*") if p.name.startswith(".upload-")]
    assert os.listdir(photo_dir / "products")


def test_photos_added_to_a_live_offering_wait_for_review(sqlite_store, tmp_path, monkeypatch):
    from catalogue.model import Product
    from catalogue.photos import store_photo

    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos"))
    store = sqlite_store
    product = Product(
        id="live", name_pl="Rynek", category="heritage", lat=50.0163, lon=22.6777,
        district_teryt="1804", gmina_teryt="1804011",
    )  # fmt: skip
    token = store.submit_new(product, submitted_by="partner")
    store.approve(store.pending_revision("live")["id"], actor="anna")
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "PNG")
    store.add_photos("live", [store_photo(buf.getvalue(), "a.png")])
    assert len(store.photos_for("live")) == 1
    assert store.photos_for("live", reviewed_only=True) == []
    revision = store.pending_revision("live")
    assert revision["kind"] == "edit" and revision["data"]["name_pl"] == "Rynek"
    # A second photo joins the same waiting revision instead of queueing another.
    store.add_photos("live", [store_photo(buf.getvalue(), "b.png")])
    assert len(store.moderation_queue()) == 1
    store.approve(revision["id"], actor="anna")
    assert len(store.photos_for("live", reviewed_only=True)) == 2
    assert store.product_for_token(token).status == "published"
