"""Exporting the catalogue as CSV, XLSX or GeoJSON with canonical English headers, and the
one CSV writer of the project. Spreadsheet text that looks like a formula is neutralised
(OWASP CSV injection); the importer undoes exactly that, so export → import is lossless."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from catalogue.cells import EXCEL_MANGLED, neutralise, writable_text
from catalogue.columns import COLUMN_REGISTRY, Column
from catalogue.rows import row_to_product
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import Status

EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "geojson")

# Export column order; every header is understood by the importer.
_EXPORTED: tuple[Column, ...] = tuple(c for c in COLUMN_REGISTRY if c.export)
EXPORT_COLUMNS: tuple[str, ...] = tuple(c.name for c in _EXPORTED)
_YES_NO: frozenset[str] = frozenset(c.name for c in _EXPORTED if c.kind == "yes_no")


def export_rows(frame: pd.DataFrame) -> list[dict]:
    """Rows keyed by :data:`EXPORT_COLUMNS` from a ``products_frame``-shaped DataFrame.

    Each column's value is its registry entry's :meth:`~catalogue.columns.Column.cell`:
    text (without characters no file can carry), floats for lat/lon (degrees),
    ``yes``/``no``/``""`` for flags, ``date`` objects for event dates. No formula
    neutralisation yet.
    """
    rows = []
    for record in frame.to_dict("records"):
        product = row_to_product(record)
        row = {}
        for column in _EXPORTED:
            value = column.cell(product, record)
            # Text stored before validation refused the characters no file can carry.
            row[column.name] = writable_text(value) if isinstance(value, str) else value
        rows.append(row)
    return rows


def export_catalogue(
    store_or_frame: CatalogueStore | pd.DataFrame,
    fmt: str,
    out: str | Path | BinaryIO,
    *,
    statuses: Iterable[str] = (Status.PUBLISHED.value,),
    csv_dialect: str = "standard",
) -> int:
    """Write the catalogue as ``csv`` (UTF-8 with BOM; ``csv_dialect`` one of
    :data:`CSV_DIALECTS`, see :func:`csv_bytes`), ``xlsx`` or ``geojson``.

    ``store_or_frame`` is a store (its products with ``statuses``) or a DataFrame shaped like
    :meth:`CatalogueStore.products_frame`. ``out`` is a path or a binary file object.
    In CSV and XLSX a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a
    leading ``'`` so that spreadsheets do not run it; GeoJSON is data for programs, not
    cells, and is written as is. Returns the number of products written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")
    if isinstance(store_or_frame, CatalogueStore):
        frame = store_or_frame.products_frame(statuses=list(statuses))
    else:
        frame = store_or_frame
    rows = export_rows(frame)
    if fmt == "csv":
        data = _csv_bytes(rows, csv_dialect)
    elif fmt == "xlsx":
        data = _xlsx_bytes(rows)
    else:
        data = _geojson_bytes(rows)
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)
    return len(rows)


def _cell(value: object) -> object:
    """A value for a spreadsheet cell, with text that looks like a formula neutralised."""
    if isinstance(value, str):
        return neutralise(value)
    return value


# "excel-pl": what Polish Excel opens in columns (";" separator, decimal comma); "standard":
# comma separator, decimal point (programs, LibreOffice, English Excel).
CSV_DIALECTS: tuple[str, ...] = ("excel-pl", "standard")


def csv_bytes(header: Iterable[object], rows: Iterable[Iterable[object]], dialect: str) -> bytes:
    """The one CSV writer of the project: UTF-8 with BOM, CRLF, formula-like text neutralised.

    ``dialect`` is one of :data:`CSV_DIALECTS`. In ``excel-pl`` the separator is ``;``,
    floats get a decimal comma, and text Excel would turn into a date (a month range such as
    ``4-10``) is kept as text with a leading ``'``, like neutralised formulas; the importer
    undoes both. ``None``/NaN is written as an empty cell, dates as ISO ``YYYY-MM-DD``.
    """
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}; expected one of {CSV_DIALECTS}")
    excel_pl = dialect == "excel-pl"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if excel_pl else ",", lineterminator="\r\n")

    def cell(value: object) -> object:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float):
            return repr(value).replace(".", ",") if excel_pl else repr(value)
        if isinstance(value, int):
            return value
        text = neutralise(writable_text(str(value)))  # whatever was stored before the check
        if excel_pl and EXCEL_MANGLED.match(text):
            text = "'" + text
        return text

    writer.writerow([cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    # The BOM makes Excel open the file as UTF-8 instead of the system code page.
    return buffer.getvalue().encode("utf-8-sig")


def _csv_bytes(rows: list[dict], dialect: str = "standard") -> bytes:
    return csv_bytes(EXPORT_COLUMNS, ([row[c] for c in EXPORT_COLUMNS] for row in rows), dialect)


def _xlsx_bytes(rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "catalogue"
    sheet.append(list(EXPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(row[c]) for c in EXPORT_COLUMNS])
    for column in ("event_start", "event_end"):
        letter = sheet.cell(row=1, column=EXPORT_COLUMNS.index(column) + 1).column_letter
        for cell in sheet[letter][1:]:
            cell.number_format = "yyyy-mm-dd"
    _force_text(sheet)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _force_text(sheet) -> None:
    # openpyxl stores a string starting with "=" as a formula; neutralised cells start with
    # "'" but make sure no text cell is ever written as a formula.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _geojson_bytes(rows: list[dict]) -> bytes:
    features = []
    for row in rows:
        properties = {}
        for column in EXPORT_COLUMNS:
            if column in ("lat", "lon"):
                continue
            value = row[column]
            if column in _YES_NO:
                value = None if value == "" else value == "yes"
            elif column == "wheelchair":
                value = value or None  # yes / limited / no as OpenStreetMap tags it
            elif column in ("languages", "tags"):
                value = [v for v in value.split(";") if v]
            elif isinstance(value, date):
                value = value.isoformat()
            properties[column] = value
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": properties,
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
