"""A single product's A6 card (105 × 148 mm) for a fair stand: photo (if the product has
one), name, category, short description, address and a large QR code to its map link.

Lengths are in millimetres with the origin at the top-left corner of the card.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageOps, UnidentifiedImageError

from catalogue.filters import ProductFilter
from catalogue.localise import localised_field
from catalogue.taxonomy import CATEGORY_BY_SLUG, DEFAULT_LANGUAGE, check_language, credit_line
from fairkit.pdf_common import (
    FONT_FAMILY,
    GREY,
    INK,
    PAPER_SIZES,
    PT_MM,
    PrintResult,
    SafeFPDF,
    add_fonts,
    address_text,
    display_name,
    draw_qr,
    facts_text,
    hex_rgb,
    label,
    product_link,
    public_base_url,
    set_document_info,
    shorten,
    text_credit,
    text_of,
)
from geodata import DISTRICT_TERYTS, district_name

MARGIN = 7.0
PHOTO_H = 46.0  # mm; the photo is cropped to the card's width × this height
QR_WITH_PHOTO = 40.0
QR_WITHOUT_PHOTO = 54.0
# Description lengths tried in turn until the text fits above the QR code.
DESCRIPTION_LIMITS: tuple[int, ...] = (320, 260, 200, 150, 110, 70, 0)


def build_card(
    row: Mapping,
    *,
    lang: str = DEFAULT_LANGUAGE,
    base_url: str | None = None,
    photo: str | Path | None = None,
    flt: ProductFilter | None = None,
    photo_credit: str = "",
) -> PrintResult:
    """The A6 card of one product as a one-page PDF.

    ``row`` is one record of ``products_frame`` (a dict or Series with ``id``, names,
    descriptions, ``category``, ``address``…); ``photo`` an image file, left out when it is
    ``None``, missing or unreadable; ``photo_credit`` the line printed under it
    (:func:`photo_credit`). The QR code leads to ``<base>/?product=<id>`` (plus the
    filter's params and ``lang``); ``base_url`` defaults to ``PUBLIC_BASE_URL``.
    """
    check_language(lang)
    base = public_base_url(base_url)
    product_id = text_of(row, "id")
    if not product_id:
        raise ValueError("a card needs a product with an id")
    image = _load_photo(photo) if photo else None

    width, height = PAPER_SIZES["a6"]
    pdf = SafeFPDF(orientation="portrait", unit="mm", format=(width, height))
    add_fonts(pdf)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    name = display_name(row, lang)
    set_document_info(pdf, name, lang)
    pdf.add_page()
    inner = width - 2 * MARGIN

    cat = CATEGORY_BY_SLUG.get(text_of(row, "category"))
    colour = hex_rgb(cat.colour) if cat else GREY
    pdf.set_fill_color(*colour)
    pdf.rect(0, 0, width, 4, style="F")

    y = MARGIN + 1
    if image is not None:
        pdf.image(_crop(image, inner / PHOTO_H), x=MARGIN, y=y, w=inner, h=PHOTO_H)
        y += PHOTO_H + 0.8
        if photo_credit:
            credit_size = 5.5
            pdf.set_font(FONT_FAMILY, "", credit_size)
            pdf.set_text_color(*GREY)
            pdf.set_xy(MARGIN, y)
            pdf.cell(inner, credit_size * PT_MM * 1.3, photo_credit[:120], align="R")
            y += credit_size * PT_MM * 1.3
        y += 2.2

    # Footer first: the QR code sits on it and the text takes what is left above.
    footer = [label("cluster_name", lang)]
    if text_of(row, "source") == "sample":
        footer.append(label("sample_note", lang).split(":")[0])
    footer_size = 6.0
    footer_h = len(footer) * footer_size * PT_MM * 1.35
    footer_top = height - MARGIN - footer_h
    caption_size = 7.5
    caption_h = caption_size * PT_MM * 1.4
    qr = QR_WITH_PHOTO if image is not None else QR_WITHOUT_PHOTO
    qr_top = footer_top - 2.5 - caption_h - qr

    blocks = _text_blocks(pdf, row, lang, inner, qr_top - 3 - y)
    for style, size, text, text_colour in blocks:
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.set_text_color(*text_colour)
        pdf.set_xy(MARGIN, y)
        pdf.multi_cell(inner, size * PT_MM * 1.3, text, align="L")
        y = pdf.get_y() + 1.0

    # Centre the QR code and its caption in the space the text left, so a short text does
    # not leave a hole above the code.
    qr_top = max(y + 2, (y + footer_top - 2.5 - caption_h - qr) / 2)
    link = product_link(product_id, base, flt, lang)
    qr_x = (width - qr) / 2
    draw_qr(pdf, link, qr_x, qr_top, qr)
    pdf.link(qr_x, qr_top, qr, qr, link)
    pdf.set_font(FONT_FAMILY, "B", caption_size)
    pdf.set_text_color(*INK)
    pdf.set_xy(MARGIN, qr_top + qr + 1)
    pdf.cell(inner, caption_h, label("scan", lang), align="C")

    pdf.set_font(FONT_FAMILY, "", footer_size)
    pdf.set_text_color(*GREY)
    pdf.set_xy(MARGIN, footer_top)
    for line in footer:
        pdf.cell(inner, footer_size * PT_MM * 1.35, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return PrintResult(bytes(pdf.output()), pdf.page_no(), {product_id: 1})


def _text_blocks(
    pdf: FPDF, row: Mapping, lang: str, width: float, room: float
) -> list[tuple[str, float, str, tuple]]:
    """Name, category line, description and address, the description shortened (and the
    name made smaller) until everything fits into ``room`` mm."""
    cat = CATEGORY_BY_SLUG.get(text_of(row, "category"))
    teryt = text_of(row, "district_teryt")
    meta = [cat.label(lang)] if cat else []
    if teryt in DISTRICT_TERYTS:
        meta.append(district_name(teryt, lang))
    description = localised_field(row, "description", lang)
    credit = text_credit(row, lang)
    address = address_text(row, lang)
    facts = facts_text(row, lang)
    colour = hex_rgb(cat.colour) if cat else GREY
    blocks: list[tuple[str, float, str, tuple]] = []
    for name_size in (14.0, 12.0, 10.5):
        for limit in DESCRIPTION_LIMITS:
            blocks = [("B", name_size, display_name(row, lang), INK)]
            if meta:
                blocks.append(("B", 8.0, " · ".join(meta), colour))
            if description and limit:
                blocks.append(("", 8.2, shorten(description, limit), INK))
                if credit:
                    blocks.append(("", 6.0, credit, GREY))
            if address:
                blocks.append(("", 7.6, f"{label('address', lang)}: {address}", INK))
            if facts:
                blocks.append(("", 7.2, facts, INK))
            if _height(pdf, blocks, width) <= room:
                return blocks
    return blocks  # even the shortest version is too tall: print it, overlap is unlikely


def _height(pdf: FPDF, blocks: list[tuple[str, float, str, tuple]], width: float) -> float:
    total = 0.0
    for style, size, text, _colour in blocks:
        pdf.set_font(FONT_FAMILY, style, size)
        lines = pdf.multi_cell(
            width, size * PT_MM * 1.3, text, align="L", dry_run=True, output="LINES"
        )
        total += len(lines) * size * PT_MM * 1.3 + 1.0
    return total


def _load_photo(path: str | Path) -> Image.Image | None:
    """The photo as an RGB image, or None when the file is missing or not an image."""
    try:
        with Image.open(path) as img:
            return ImageOps.exif_transpose(img).convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def _crop(image: Image.Image, aspect: float) -> Image.Image:
    """Centre crop of ``image`` to width/height ``aspect``, at most 1200 px wide."""
    w, h = image.size
    if w / h > aspect:
        new_w = round(h * aspect)
        box = ((w - new_w) // 2, 0, (w - new_w) // 2 + new_w, h)
    else:
        new_h = round(w / aspect)
        box = (0, (h - new_h) // 2, w, (h - new_h) // 2 + new_h)
    cropped = image.crop(box)
    if cropped.width > 1200:  # ~330 dpi at 91 mm: plenty for print, keeps the PDF small
        cropped = cropped.resize((1200, round(1200 / aspect)), Image.Resampling.LANCZOS)
    return cropped


def photo_path(store, product_id: str) -> Path | None:
    """The file of the product's first photo, if the catalogue keeps photos and it has one.

    Uses ``store.photos_for`` and :func:`catalogue.photos.resolve` only where they exist, so
    the card works with a catalogue that has no photo support.
    """
    found = _first_photo(store, product_id)
    return found[0] if found else None


def photo_credit(store, product_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "Fot.: author, licence" of the photo :func:`photo_path` finds; "" if none is known."""
    found = _first_photo(store, product_id)
    if not found or not isinstance(found[1], Mapping):
        return ""
    row = found[1]
    return credit_line("photo", str(row.get("author") or ""), str(row.get("licence") or ""), lang)


def _first_photo(store, product_id: str) -> tuple[Path, object] | None:
    photos_for = getattr(store, "photos_for", None)
    if photos_for is None:
        return None
    try:
        from catalogue.photos import resolve
    except ImportError:
        return None
    # Printed cards are public: only photos staff have reviewed.
    for photo in photos_for(product_id, reviewed_only=True) or []:
        relative = photo.get("path") if isinstance(photo, Mapping) else getattr(photo, "path", "")
        if not relative:
            continue
        try:
            path = resolve(str(relative))
        except ValueError:
            continue  # a path outside the photo directory is never opened
        if path.is_file():
            return path, photo
    return None
