"""Every PDF carries /Lang and a title; the English/Ukrainian brochure never prints the
partner's Polish price text as if it were translated."""

from __future__ import annotations

import io

import pypdf
import pytest

from fairkit.brochure import build_brochure
from fairkit.card import build_card
from fairkit.trips import trip_pdf
from tests.fairkit.print_helpers import page_texts, sample_store

BASE = "https://mapa.example.org"
PDF_LANGS = {"pl": "pl-PL", "en": "en-GB", "uk": "uk-UA"}


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    store = sample_store(tmp_path_factory.mktemp("pdf-lang") / "catalogue.sqlite")
    yield store.products_frame()
    store.dispose()


def _lang_and_title(data: bytes) -> tuple[str, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return str(reader.trailer["/Root"].get("/Lang")), str(reader.metadata.title)


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_card_and_trip_have_lang_and_title(frame, lang):
    castle = frame[frame["id"] == "sample-001"].iloc[0].to_dict()
    card = build_card(castle, lang=lang, base_url=BASE).data
    assert _lang_and_title(card) == (
        PDF_LANGS[lang],
        castle["name_pl"] if lang == "pl" else castle[f"name_{lang}"],
    )
    trip = trip_pdf(frame, ["sample-001", "sample-002"], "Moja trasa", lang=lang, link=BASE)
    assert _lang_and_title(trip) == (PDF_LANGS[lang], "Moja trasa")


def test_english_brochure_says_free_in_english_and_quotes_polish_price_text(frame):
    free = frame[frame["id"] == "sample-002"]  # price "bezpłatne", free flag set
    assert free.iloc[0]["price"] == "bezpłatne" and free.iloc[0]["free"] is True
    brochure = build_brochure(free, lang="en", base_url=BASE).data
    pdf_lang, title = _lang_and_title(brochure)
    assert pdf_lang == "en-GB" and title
    text = " ".join(page_texts(brochure))
    assert "Price: free" in text
    assert "bezpłatne" not in text
    # The sample states no paid price: one partner text made up for this test only.
    price = "20 zł normalny, 10 zł ulgowy"
    paid = frame[frame["id"] == "sample-003"].assign(price=price, free=False)
    text = " ".join(page_texts(build_brochure(paid, lang="en", base_url=BASE).data))
    assert "the partner's own words, in Polish" in text
    text_pl = " ".join(page_texts(build_brochure(paid, lang="pl", base_url=BASE).data))
    assert "20 zł normalny" in text_pl and "own words" not in text_pl
