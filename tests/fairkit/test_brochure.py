"""The PDF brochure: pages, Polish and Ukrainian text, page numbers, index and QR links."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf
import pytest

from catalogue.filters import ProductFilter, apply_filter, prepare_frame
from fairkit import pdf_common
from fairkit.brochure import build_brochure, cluster_points, symbol_radius
from fairkit.pdf_common import (
    FontMissingError,
    product_link,
    public_base_url,
    shorten,
    write_atomic,
)
from geodata import ATTRIBUTION
from tests.fairkit.print_helpers import decode_qr, name_of, norm, page_texts, sample_store

BASE = "https://mapa.example.org"
DAY = date(2025, 5, 17)


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    store = sample_store(tmp_path_factory.mktemp("brochure") / "catalogue.sqlite")
    yield prepare_frame(store.products_frame())
    store.dispose()


@pytest.fixture(scope="module")
def a4(frame):
    return build_brochure(frame, fmt="a4", lang="pl", base_url=BASE, day=DAY)


@pytest.fixture(scope="module")
def a4_texts(a4):
    return page_texts(a4.data)


@pytest.fixture(scope="module")
def a4_file(a4, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "brochure-a4.pdf"
    path.write_bytes(a4.data)
    return path


def test_page_count_and_size(a4, frame):
    reader = pypdf.PdfReader(io.BytesIO(a4.data))
    assert len(reader.pages) == a4.pages
    # cover + at least one page per district + index
    assert a4.pages >= 1 + 5 + 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert set(a4.product_pages) == set(frame["id"])


def test_polish_letters_and_cover(a4_texts):
    everything = " ".join(a4_texts)
    assert "Zamek w Krasiczynie" in everything
    assert "Żurawica" in everything  # "Bolestraszyce 130, gm. Żurawica"
    cover = a4_texts[0]
    assert "Regionalny Klaster Ekonomii Społecznej i Innowacji" in cover
    assert "Produkty turystyczne" in cover
    assert ATTRIBUTION in cover
    assert "Dane przykładowe" in cover
    assert "17 maja 2025" in cover  # the date in words, as CLDR writes it in Polish
    assert f"Zeskanuj, aby zobaczyć na mapie: {BASE}" in cover


def test_cover_map_is_vector_not_tiles(a4):
    reader = pypdf.PdfReader(io.BytesIO(a4.data))
    assert list(reader.pages[0].images) == []


def test_page_numbers(a4, a4_texts):
    for number, text in enumerate(a4_texts[1:], start=2):
        assert f"strona {number} z {a4.pages}" in text


def test_grouped_by_district_then_category(a4, a4_texts, frame):
    # The Przemyśl castle (city of Przemyśl, 1862) comes after Krasiczyn (powiat przemyski, 1813)
    # and both after Jarosław's sights (powiat jarosławski, 1804).
    pages = a4.product_pages
    jaroslaw = frame[frame["district_teryt"] == "1804"]["id"]
    assert max(pages[i] for i in jaroslaw) <= pages["sample-019"] <= pages["sample-001"]
    assert "powiat jarosławski" in a4_texts[1]
    krasiczyn_page = a4_texts[pages["sample-019"] - 1]
    assert "Zabytki i atrakcje" in krasiczyn_page


def test_every_product_is_on_its_indexed_page(a4, a4_texts, frame):
    for product_id, page in a4.product_pages.items():
        assert norm(name_of(frame, product_id)) in a4_texts[page - 1], product_id


def test_index_lists_every_product_alphabetically_with_its_page(a4, a4_texts, frame):
    index_pages = [t for t in a4_texts if t.startswith("Produkty turystyczne Indeks")]
    assert index_pages, "no index page"
    index = " ".join(index_pages)
    positions = []
    for product_id, page in a4.product_pages.items():
        name = norm(name_of(frame, product_id))
        match = re.search(re.escape(name) + r" (\d+)\b", index)
        assert match, name
        assert int(match.group(1)) == page, name
        positions.append((match.start(), name))
    # "Zamek w Krasiczynie" is near the end, "Arboretum w Bolestraszycach" near the start
    order = [name for _, name in sorted(positions)]
    assert order.index("Arboretum w Bolestraszycach") < order.index("Zamek w Krasiczynie")


def test_qr_codes_decode_to_the_products_links(a4, a4_file):
    page = 2
    expected = {f"{BASE}/?product={pid}" for pid, p in a4.product_pages.items() if p == page}
    assert expected
    assert set(decode_qr(a4_file, page)) == expected


def test_a5_leaflet_in_ukrainian_with_filter(frame, tmp_path):
    flt = ProductFilter(districts=("1813",))
    chosen = apply_filter(frame, flt)
    result = build_brochure(chosen, fmt="a5", lang="uk", base_url=BASE, flt=flt)
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    assert len(reader.pages) == result.pages
    width = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width) == 148
    texts = page_texts(result.data)
    everything = " ".join(texts)
    assert "Замок" in everything
    assert "Перемишльський повіт" in everything
    assert f"сторінка 2 з {result.pages}" in texts[1]
    assert "Покажчик" in texts[-1]
    assert "повіт: Перемишльський повіт" in texts[0]  # the cover names the selection
    assert set(result.product_pages) == set(chosen["id"])
    # links carry the filter and the language, so the map opens as printed
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(result.data)
    page = result.product_pages["sample-019"]
    codes = decode_qr(path, page)
    assert f"{BASE}/?product=sample-019&district=1813&lang=uk" in codes


def test_missing_translation_falls_back_to_polish(frame):
    row = frame[frame["id"] == "sample-019"].copy()
    row["name_en"] = ""
    row["description_en"] = ""
    texts = page_texts(build_brochure(row, lang="en", base_url=BASE).data)
    assert "Zamek w Krasiczynie" in texts[1]
    assert "page 2 of" in texts[1]


def test_long_description_is_shortened(frame):
    row = frame[frame["id"] == "sample-019"].copy()
    row["description_pl"] = "Bardzo długi opis zamku " * 60
    text = " ".join(page_texts(build_brochure(row, base_url=BASE).data))
    assert "Bardzo długi opis" in text
    assert "…" in text
    assert text.count("Bardzo długi opis zamku") < 20


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fmt": "a3"}, "unknown format 'a3'"),
        ({"lang": "de"}, "unknown language 'de'"),
        ({"base_url": "ftp://x"}, "absolute http(s) URL"),
    ],
)
def test_bad_options_raise(frame, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        build_brochure(frame.head(1), **kwargs)


def test_empty_frame_is_refused(frame):
    with pytest.raises(ValueError, match="no products"):
        build_brochure(frame.head(0))


def test_missing_font_is_a_clear_error(frame, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_common, "FONT_DIR", tmp_path)
    with pytest.raises(FontMissingError, match="fonts-dejavu-core"):
        build_brochure(frame.head(1))


def test_overlapping_dots_become_one_cluster():
    points = [(10.0, 10.0, "heritage"), (10.5, 10.2, "food"), (60.0, 60.0, "nature")]
    groups = sorted(cluster_points(points, 1.0), key=len)
    assert [len(g) for g in groups] == [1, 2]
    assert symbol_radius(2, 1.0) > symbol_radius(1, 1.0) == 1.0


def test_product_link_and_base_url(monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    assert product_link("p-1") == "http://localhost:8501/?product=p-1"
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://mapa.example.org/app/")
    assert public_base_url() == "https://mapa.example.org/app"
    flt = ProductFilter(categories=("food", "events"), free_only=True)
    assert (
        product_link("p 1", flt=flt, lang="en")
        == "https://mapa.example.org/app/?product=p+1&cat=food%2Cevents&free=1&lang=en"
    )
    for bad in ("mapa.example.org", "javascript:alert(1)", "http://x/?a=1"):
        with pytest.raises(ValueError):
            public_base_url(bad)


def test_shorten():
    assert shorten("Krótki opis.", 50) == "Krótki opis."
    text = "Pierwsze zdanie jest tutaj. Drugie zdanie jest znacznie dłuższe od pierwszego."
    assert shorten(text, 40) == "Pierwsze zdanie jest tutaj."
    cut = shorten("jeden dwa trzy cztery pięć sześć siedem osiem", 20)
    assert cut.endswith("…") and len(cut) <= 21 and " " not in cut[-2:]
    assert shorten("a  b\n c", 10) == "a b c"


def test_write_atomic_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out" / "x.pdf"
    write_atomic(target, b"%PDF-1")
    write_atomic(target, b"%PDF-2")
    assert target.read_bytes() == b"%PDF-2"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]
    assert target.stat().st_mode & 0o777 == 0o644
