"""Helpers for the print tests: a sample catalogue, PDF text and QR codes read back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pypdf
import zxingcpp
from PIL import Image

from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore


def sample_store(path: Path) -> CatalogueStore:
    """A SQLite store at ``path`` holding the bundled sample catalogue."""
    store = CatalogueStore(f"sqlite:///{path}")
    store.create_schema()
    load_sample_catalogue(store)
    return store


def page_texts(data: bytes) -> list[str]:
    """Extracted text of every page of a PDF, whitespace collapsed to single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [norm(page.extract_text() or "") for page in reader.pages]


def norm(text: str) -> str:
    """``text`` with every run of whitespace made one space."""
    return re.sub(r"\s+", " ", text).strip()


def decode_qr(pdf_path: Path, page: int, dpi: int = 200) -> list[str]:
    """Texts of the QR codes on ``page`` (1-based) of a PDF file, via pdftoppm and zxing-cpp.

    Without an output root pdftoppm writes the one page's PNG to stdout.
    """
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm is missing: install the Debian package poppler-utils"
    png = subprocess.run(
        [tool, "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", pdf_path],
        check=True,
        capture_output=True,
    ).stdout
    assert png.startswith(b"\x89PNG"), "pdftoppm wrote no PNG to stdout"
    image = Image.open(io.BytesIO(png))
    return [code.text for code in zxingcpp.read_barcodes(image)]


def name_of(frame: pd.DataFrame, product_id: str, lang: str = "pl") -> str:
    """The product's name in ``lang`` (Polish when empty), as printed."""
    row = frame[frame["id"] == product_id].iloc[0]
    return str(row.get(f"name_{lang}") or "").strip() or str(row["name_pl"])
