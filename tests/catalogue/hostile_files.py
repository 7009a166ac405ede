"""Builders of hostile upload files, written byte by byte so the tests need no fixtures.

Each builder returns the file's bytes. XLSX files are assembled with :mod:`zipfile`
directly (openpyxl would refuse to write most of them); the parts are the minimum
openpyxl needs to open a workbook.
"""

from __future__ import annotations

import io
import zipfile
import zlib

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Oferty" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_EMPTY_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" '
    'uniqueCount="0"></sst>'
)


def _column(index: int) -> str:
    """Spreadsheet column letters of a 1-based index (1 → A, 16384 → XFD)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(
    sheet_xml: str | None = None, strings_xml: str = _EMPTY_STRINGS, *, rows=None
) -> bytes:
    """An XLSX with one sheet: ``sheet_xml`` (a whole worksheet part) or ``rows`` of texts."""
    if sheet_xml is None:
        body = []
        for r, values in enumerate(rows or [], start=1):
            cells = "".join(_cell(f"{_column(c)}{r}", v) for c, v in enumerate(values, 1))
            body.append(f'<row r="{r}">{cells}</row>')
        sheet_xml = _SHEET_HEAD + "<sheetData>" + "".join(body) + "</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        archive.writestr("xl/sharedStrings.xml", strings_xml)
    return buffer.getvalue()


def cell_bomb(gigabytes: float = 1.0, *, declared_bytes: int | None = None) -> bytes:
    """A ~1 MB workbook whose one shared string unpacks to ``gigabytes`` GB of "A".

    ``declared_bytes`` rewrites the size in the zip's central directory (a lying bomb:
    the directory says small, the stream inflates big).
    """
    size = int(gigabytes * 1024**3)
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>'
    )
    tail = b"</t></si></sst>"
    buffer = io.BytesIO()
    sheet = (
        _SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=size > 2**31) as part:
            part.write(head)
            chunk = b"A" * (8 * 1024 * 1024)
            left = size
            while left > 0:
                part.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            part.write(tail)
    data = buffer.getvalue()
    if declared_bytes is not None:
        data = _lie_about_size(data, "xl/sharedStrings.xml", declared_bytes)
    return data


def _lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """``data`` with the central-directory uncompressed size of ``name`` set to ``declared``."""
    raw = bytearray(data)
    target = name.encode()
    position = 0
    while True:
        position = raw.index(b"PK\x01\x02", position)
        name_length = int.from_bytes(raw[position + 28 : position + 30], "little")
        if raw[position + 46 : position + 46 + name_length] == target:
            raw[position + 24 : position + 28] = declared.to_bytes(4, "little")
            return bytes(raw)
        position += 4


def wide_sheet(rows: int = 50, columns: int = 16_384, *, varied: bool = False) -> bytes:
    """``rows`` × ``columns`` numeric cells (the 92 KB, 16,384-column sheet of the issue).

    ``varied`` fills cells with different numbers so the sheet compresses badly (no bomb
    ratio to give it away).
    """
    body = []
    for r in range(1, rows + 1):
        cells = "".join(
            f'<c r="{_column(c)}{r}"><v>{(r * 7919 + c * 104729) % 999983 if varied else 1}</v></c>'
            for c in range(1, columns + 1)
        )
        body.append(f'<row r="{r}">{cells}</row>')
    xml = _SHEET_HEAD + "<sheetData>" + "".join(body) + "</sheetData></worksheet>"
    return workbook(xml)


def declared_wide_sheet(rows: list[list[str]]) -> bytes:
    """A normal sheet whose ``<dimension>`` claims 16,384 columns (openpyxl pads to it)."""
    body = []
    for r, values in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_column(c)}{r}", v) for c, v in enumerate(values, 1))
        body.append(f'<row r="{r}">{cells}</row>')
    xml = (
        _SHEET_HEAD
        + f'<dimension ref="A1:XFD{len(rows)}"/><sheetData>'
        + "".join(body)
        + "</sheetData></worksheet>"
    )
    return workbook(xml)


def far_rows(last_row: int = 1_048_576) -> bytes:
    """A header, one data row and one cell at ``last_row`` (Excel's last row)."""
    xml = (
        _SHEET_HEAD + "<sheetData>"
        f'<row r="1">{_cell("A1", "nazwa")}</row>'
        f'<row r="2">{_cell("A2", "x")}</row>'
        f'<row r="{last_row}">{_cell(f"A{last_row}", "y")}</row>'
        "</sheetData></worksheet>"
    )
    return workbook(xml)


def deflate_ratio(data: bytes) -> float:
    """How many times ``data`` shrinks under zlib (for describing a file in a test)."""
    return len(data) / len(zlib.compress(data))
