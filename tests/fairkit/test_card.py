"""The A6 product card: one page, the product's text, a photo when it has one, a large QR."""

from __future__ import annotations

import io

import pypdf
import pytest
from PIL import Image

from catalogue import photos
from fairkit.card import build_card, photo_credit, photo_path
from tests.fairkit.print_helpers import decode_qr, page_texts, sample_store

BASE = "https://mapa.example.org"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = sample_store(tmp_path_factory.mktemp("card") / "catalogue.sqlite")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def castle(store) -> dict:
    frame = store.products_frame()
    return frame[frame["id"] == "sample-019"].iloc[0].to_dict()


def _jpeg(path, size=(1200, 800)):
    Image.new("RGB", size, (90, 140, 200)).save(path, "JPEG")
    return path


def _size_mm(data: bytes) -> tuple[int, int]:
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    return (
        round(float(page.mediabox.width) / 72 * 25.4),
        round(float(page.mediabox.height) / 72 * 25.4),
    )


def test_card_without_photo(castle, tmp_path):
    result = build_card(castle, base_url=BASE)
    assert result.pages == 1
    assert _size_mm(result.data) == (105, 148)
    text = page_texts(result.data)[0]
    for expected in (
        "Zamek w Krasiczynie",
        "Zabytki i atrakcje",
        "powiat przemyski",
        "Adres: Krasiczyn 179",
        "Zeskanuj, aby zobaczyć na mapie",
        "Dane przykładowe",
    ):
        assert expected in text
    assert list(pypdf.PdfReader(io.BytesIO(result.data)).pages[0].images) == []
    path = tmp_path / "card.pdf"
    path.write_bytes(result.data)
    assert decode_qr(path, 1) == [f"{BASE}/?product=sample-019"]


def test_card_with_photo(castle, tmp_path):
    result = build_card(castle, base_url=BASE, photo=_jpeg(tmp_path / "p.jpg"))
    page = pypdf.PdfReader(io.BytesIO(result.data)).pages[0]
    assert len(list(page.images)) == 1
    assert "Zamek w Krasiczynie" in page_texts(result.data)[0]
    path = tmp_path / "card.pdf"
    path.write_bytes(result.data)
    assert decode_qr(path, 1) == [f"{BASE}/?product=sample-019"]


def test_unreadable_photo_is_left_out(castle, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    for photo in (broken, tmp_path / "missing.jpg"):
        result = build_card(castle, base_url=BASE, photo=photo)
        assert list(pypdf.PdfReader(io.BytesIO(result.data)).pages[0].images) == []


def test_card_in_ukrainian(castle, tmp_path):
    result = build_card(castle, lang="uk", base_url=BASE)
    text = page_texts(result.data)[0]
    assert "Замок" in text
    assert "Пам'ятки та визначні місця" in text
    path = tmp_path / "card.pdf"
    path.write_bytes(result.data)
    assert decode_qr(path, 1) == [f"{BASE}/?product=sample-019&lang=uk"]


def test_long_text_still_fits_on_one_page(castle, tmp_path):
    row = dict(castle)
    row["name_pl"] = "Bardzo długa nazwa oferty turystycznej " * 4
    row["description_pl"] = "Zdanie opisu zamku i parku. " * 80
    result = build_card(row, base_url=BASE, photo=_jpeg(tmp_path / "p.jpg"))
    assert result.pages == 1
    path = tmp_path / "card.pdf"
    path.write_bytes(result.data)
    assert decode_qr(path, 1) == [f"{BASE}/?product=sample-019"]


def test_photo_path_uses_the_catalogue_photos(store, tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos"))
    assert photo_path(store, "sample-019") is None
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 120, 40)).save(buf, "JPEG")
    stored = photos.store_photo(buf.getvalue(), "zamek.jpg")
    store.add_photos(
        "sample-019", [stored], actor="test", author="Zamek Krasiczyn", licence="CC-BY-4.0"
    )
    # A card is public: the new photo of a live offering waits for staff review.
    assert photo_path(store, "sample-019") is None
    assert photo_credit(store, "sample-019") == ""
    store.approve(store.pending_revision("sample-019")["id"], actor="staff")
    found = photo_path(store, "sample-019")
    assert found is not None and found.is_file()
    assert found == photos.resolve(stored.path)
    # The card prints the photo's credit under it, in the card's language.
    credit = photo_credit(store, "sample-019", "en")
    assert credit == "Photo: Zamek Krasiczyn, CC BY 4.0"
    row = store.products_frame().set_index("id").loc["sample-019"].to_dict() | {"id": "sample-019"}
    card = build_card(row, lang="en", base_url=BASE, photo=found, photo_credit=credit)
    assert "Photo: Zamek Krasiczyn, CC BY 4.0" in page_texts(card.data)[0]
    assert card.pages == 1


def test_photo_path_without_photo_support_or_with_bad_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path))

    class NoPhotos:
        pass

    class BadRows:
        def photos_for(self, product_id, reviewed_only=False):
            return [{"path": "../../etc/passwd"}, {"path": ""}, {"path": "gone.jpg"}]

    assert photo_path(NoPhotos(), "x") is None
    assert photo_path(BadRows(), "x") is None


def test_a_card_needs_an_id(castle):
    with pytest.raises(ValueError, match="id"):
        build_card({**castle, "id": ""})
