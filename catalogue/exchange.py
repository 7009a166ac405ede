"""Data exchange: reading partner files, importing them, exporting the catalogue, templates.

Import goes file → :func:`read_table` → :func:`catalogue.validation.validate_records` →
one :meth:`CatalogueStore.save_products` transaction, so a file is stored whole or not at all.
Export writes canonical English headers and neutralises spreadsheet formulas (OWASP CSV
injection); the importer undoes exactly that neutralisation, so export → import is lossless.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from catalogue.columns import COLUMN_REGISTRY, LINK_FIELDS
from catalogue.database import now_utc
from catalogue.identity import IDENTITY_NUMBERS, IdentityError
from catalogue.messages import format_message
from catalogue.model import ACCESS_FACTS, Partner, Product
from catalogue.rows import row_to_product
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import CATEGORIES, LICENCES, SECTOR_LABELS, Sector, Source, Status
from catalogue.validation import (
    COLUMNS,
    EXCEL_MANGLED,
    ValidationReport,
    canonical_column,
    cell_text,
    is_blank,
    months_to_text,
    neutralise,
    normalise_email,
    normalise_phone,
    normalise_url,
    parse_bool,
    parse_date,
    parse_legal_form,
    parse_sector,
    unneutralise,
    validate_records,
    writable_text,
)

READ_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
}
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "geojson")
IMPORT_STATUSES: tuple[str, ...] = (Status.PUBLISHED.value, Status.PENDING.value)

# Export column order; every header is understood by the importer.
EXPORT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMN_REGISTRY if c.export)

# Columns of the partner template, in the order a partner fills them in: the export's,
# without what the importer derives (district) or decides (status), and the id last, since
# only an update of an existing offering needs it.
TEMPLATE_COLUMNS: tuple[str, ...] = (
    *(c.name for c in COLUMN_REGISTRY if c.export and c.template and c.name != "id"),
    "id",
)

# A real place with facts that do not go stale; no phone or e-mail, so none is invented.
TEMPLATE_EXAMPLE: dict[str, object] = {
    "name": "Zamek w Krasiczynie",
    "category": "Zabytki i atrakcje",
    "lat": "49,7761",
    "lon": "22,6492",
    "description": "Renesansowy zamek z przełomu XVI i XVII wieku z czterema basztami, "
    "otoczony parkiem.",
    "name_en": "Krasiczyn Castle",
    "description_en": "A Renaissance castle from the turn of the 17th century with four "
    "corner towers, set in a park.",
    "gmina": "Krasiczyn",
    "address": "Krasiczyn",
    "free": "nie",
    "months": "cały rok",
    "family": "tak",
    "languages": "polski, angielski",
    "tags": "zamek; renesans; park",
}

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
SAMPLE_PRODUCTS = SAMPLE_DIR / "products.csv"
SAMPLE_PARTNERS = SAMPLE_DIR / "partners.csv"


class SampleDataError(ValueError):
    """The bundled sample catalogue does not validate; ``report`` says why."""

    def __init__(self, message: str, report: ValidationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class ImportResult:
    """What an import did: the report, the ids stored and the rows left out."""

    report: ValidationReport
    imported_ids: list[str] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    created_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    new_partner_ids: list[str] = field(default_factory=list)
    # Rows without an id taken as updates of a catalogue product by the duplicate rule.
    matched_rows: dict[int, str] = field(default_factory=dict)

    @property
    def imported(self) -> int:
        """How many products were stored."""
        return len(self.imported_ids)

    def summary(self, lang: str = "pl") -> str:
        """One line saying how many were created, updated and skipped."""
        if lang == "pl":
            text = (
                f"Zaimportowano {self.imported} (nowe: {len(self.created_ids)}, "
                f"zaktualizowane: {len(self.updated_ids)}), pominięte wiersze: "
                f"{len(self.skipped_rows)}"
            )
        else:
            text = (
                f"Imported {self.imported} (new: {len(self.created_ids)}, updated: "
                f"{len(self.updated_ids)}), skipped rows: {len(self.skipped_rows)}"
            )
        if self.skipped_rows:
            text += " (" + ", ".join(str(r) for r in self.skipped_rows) + ")"
        return text + "."


# -- reading ------------------------------------------------------------------------------


def file_format(filename: str) -> str:
    """``csv``, ``xlsx`` or ``geojson`` from a file name; ``ValueError`` for anything else."""
    suffix = Path(str(filename)).suffix.lower()
    if suffix == ".xls":
        raise ValueError(
            "Stary format Excela (.xls) nie jest obsługiwany: zapisz plik jako .xlsx. / "
            "The old Excel format (.xls) is not supported: save the file as .xlsx."
        )
    if suffix not in READ_FORMATS:
        raise ValueError(
            f"Nieobsługiwany typ pliku „{suffix or filename}”: dozwolone CSV, XLSX, GeoJSON. / "
            f'Unsupported file type "{suffix or filename}": use CSV, XLSX or GeoJSON.'
        )
    return READ_FORMATS[suffix]


@dataclass(frozen=True)
class ReadBudget:
    """What reading one file may cost, checked before and while parsing.

    Sizes are bytes; ``max_seconds`` is wall-clock time spent parsing. The defaults keep any
    upload of at most ``max_file_bytes`` under ~500 MB peak memory and ~10 s.
    """

    max_file_bytes: int = 10 * 1024 * 1024
    max_rows: int = 20_000
    max_columns: int = 64
    max_cells: int = 400_000  # <c> tags in the sheets; openpyxl needs ~15 µs each
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_seconds: float = 8.0
    # XLSX only: the zip directory is checked before anything is unpacked.
    max_parts: int = 200
    max_sheets: int = 30
    max_part_bytes: int = 64 * 1024 * 1024
    max_unpacked_bytes: int = 128 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, for parts over 1 MB
    max_scanned_rows: int = 1_048_576  # rows seen, blank ones included (Excel's row limit)


DEFAULT_BUDGET = ReadBudget()
MAX_FILE_BYTES = DEFAULT_BUDGET.max_file_bytes
MAX_ROWS = DEFAULT_BUDGET.max_rows


class FileRefused(ValueError):
    """A file refused as a whole (over budget, broken, mixed encoding), in any UI language.

    ``code`` and ``params`` name a :data:`catalogue.messages.FILE_MESSAGES` entry;
    :meth:`message` renders it, ``str()`` gives Polish / English.
    """

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{self.message('pl')} / {self.message('en')}")

    def message(self, lang: str = "pl") -> str:
        """The refusal in ``lang`` (pl, en, uk): what is wrong and how to fix it."""
        text = format_message(self.code, lang, self.params)
        return text[:1].upper() + text[1:]


def refusal_text(exc: Exception, lang: str = "pl") -> str:
    """A reading error for a person in ``lang``: localised when it is a :class:`FileRefused`."""
    return exc.message(lang) if isinstance(exc, FileRefused) else str(exc)


class _Clock:
    def __init__(self, budget: ReadBudget) -> None:
        self.budget = budget
        self.deadline = time.monotonic() + budget.max_seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise FileRefused("too_slow", seconds=_seconds(self.budget.max_seconds))


def _seconds(value: float) -> str:
    return f"{value:g}"


def read_table(
    path_or_bytes: str | Path | bytes,
    filename: str | None = None,
    *,
    budget: ReadBudget = DEFAULT_BUDGET,
) -> tuple[list[dict], list[str]]:
    """Rows of a CSV, XLSX or GeoJSON file as dicts keyed by its headers, and the headers.

    CSV may be UTF-8 (with or without BOM), UTF-16 with a BOM or Windows-1250, separated by
    ``,``, ``;`` or tab; a file mixing UTF-8 and another encoding is refused with its rows
    named. XLSX is read from its first sheet (values, not formulas; dates as ``datetime``);
    GeoJSON must be a FeatureCollection of Points, whose ``[lon, lat]`` become ``lat``/``lon``
    columns (degrees). ``filename`` (default: the path's name) decides the format.
    Everything is read under ``budget`` (sizes, rows, columns, cells, cell length, time).
    Raises ``ValueError`` for another format, :class:`FileRefused` (a ``ValueError``) for a
    file over budget or unreadable.
    """
    if isinstance(path_or_bytes, bytes | bytearray):
        if filename is None:
            raise ValueError("filename is needed to read bytes")
        data = bytes(path_or_bytes)
    else:
        path = Path(path_or_bytes)
        filename = filename or path.name
        file_format(filename)  # reject the format before reading a large file
        if path.stat().st_size > budget.max_file_bytes:
            raise _too_large(budget)
        data = path.read_bytes()
    fmt = file_format(filename)
    if len(data) > budget.max_file_bytes:
        raise _too_large(budget)
    clock = _Clock(budget)
    if fmt == "csv":
        if data[:2] == b"PK":
            raise ValueError(
                "Plik wygląda na skoroszyt Excela: zapisz go jako .xlsx albo wyeksportuj do "
                "CSV. / The file looks like an Excel workbook: name it .xlsx or export CSV."
            )
        return _read_csv(data, clock)
    if fmt == "xlsx":
        return _read_xlsx(data, clock)
    return _read_geojson(data, clock)


def _too_large(budget: ReadBudget = DEFAULT_BUDGET) -> FileRefused:
    return FileRefused("file_too_large", mb=budget.max_file_bytes // (1024 * 1024))


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes) -> str:
    """Text of a file, decoded strictly: UTF-16 with a BOM, UTF-8 (BOM optional) or cp1250.

    A file with UTF-8 rows and rows in another encoding is refused with
    :class:`FileRefused` ``mixed_encoding`` naming those rows (line numbers, header = 1),
    never decoded into garbled letters.
    """
    if data[:2] in _UTF16_BOMS:
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRefused("unknown_encoding") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:  # UTF-16 without a BOM, or a binary file
        raise FileRefused("unknown_encoding")
    other_rows: list[int] = []
    utf8_rows = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_rows += 1
        except UnicodeDecodeError:
            other_rows.append(number)
    if utf8_rows and other_rows:
        shown = ", ".join(str(r) for r in other_rows[:20])
        if len(other_rows) > 20:
            shown += f" … (+{len(other_rows) - 20})"
        raise FileRefused("mixed_encoding", rows=shown)
    try:
        return data.decode("cp1250")
    except UnicodeDecodeError:
        raise FileRefused("unknown_encoding") from None


def _read_csv(data: bytes, clock: _Clock) -> tuple[list[dict], list[str]]:
    budget = clock.budget
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    # The header names no ";" or "," of their own, so the more frequent one separates.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    # Process-wide, but every reader in this app uses the same bound.
    csv.field_size_limit(budget.max_cell_chars)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list] = []
    cells = 0
    try:
        for values in reader:
            clock.check()
            if len(rows) > budget.max_rows:
                raise _too_many_rows(budget)
            if len(values) > budget.max_columns and any(
                v.strip() for v in values[budget.max_columns :]
            ):
                raise FileRefused("too_many_columns", max=budget.max_columns)
            values = values[: budget.max_columns]
            cells += sum(1 for v in values if v)
            if cells > budget.max_cells:
                raise FileRefused("too_many_cells", max=budget.max_cells)
            rows.append(values)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileRefused(
                "field_too_long", row=reader.line_num, max=budget.max_cell_chars
            ) from None
        raise FileRefused("csv_broken", detail=str(exc)) from None
    if not rows:
        return [], []
    return _rows_to_records(rows[0], rows[1:], budget)


def _check_zip(data: bytes, budget: ReadBudget) -> None:
    """The zip directory of an XLSX within budget, before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRefused("xlsx_broken", detail=str(exc) or type(exc).__name__) from None
    with archive:
        infos = archive.infolist()
        _check_parts(infos, budget)
        # openpyxl parses a sheet without <dimension> twice and pads rows to the declared
        # width, so the number of cells decides its time: count the <c> tags first, streaming.
        cells = 0
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                cells += _count_tags(archive, info, (b"<c ", b"<c>", b":c "))
                if cells > budget.max_cells:
                    raise FileRefused("too_many_cells", max=budget.max_cells)


def _count_tags(archive: zipfile.ZipFile, info: zipfile.ZipInfo, tags: tuple[bytes, ...]) -> int:
    """How often ``tags`` occur in one zip member, read in 1 MB chunks (bounded memory)."""
    count = 0
    carry = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(1024 * 1024):
                window = carry + chunk
                count += sum(window.count(tag) for tag in tags)
                # A tag split across chunks is completed by the next chunk.
                carry = window[-2:]  # shorter than a tag: counted only when completed
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise FileRefused("xlsx_broken", detail=_short(exc)) from None
    return count


def _check_parts(infos: list[zipfile.ZipInfo], budget: ReadBudget) -> None:
    if len(infos) > budget.max_parts:
        raise FileRefused("xlsx_too_many_parts", count=len(infos), max=budget.max_parts)
    sheets = [
        i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
    ]
    if len(sheets) > budget.max_sheets:
        raise FileRefused("xlsx_too_many_parts", count=len(sheets), max=budget.max_sheets)
    total = 0
    mb = 1024 * 1024
    for info in infos:
        name = info.filename[-60:]
        if info.file_size > budget.max_part_bytes:
            raise FileRefused(
                "xlsx_too_big_inside",
                part=name,
                size=info.file_size // mb,
                max=budget.max_part_bytes // mb,
            )
        total += info.file_size
        if total > budget.max_unpacked_bytes:
            raise FileRefused(
                "xlsx_too_big_inside",
                part="*",
                size=total // mb,
                max=budget.max_unpacked_bytes // mb,
            )
        if info.file_size > mb and info.file_size > budget.max_ratio * max(info.compress_size, 1):
            raise FileRefused(
                "xlsx_ratio",
                part=name,
                ratio=info.file_size // max(info.compress_size, 1),
                max=budget.max_ratio,
            )


def _read_xlsx(data: bytes, clock: _Clock) -> tuple[list[dict], list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    budget = clock.budget
    _check_zip(data, budget)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise FileRefused("xlsx_broken", detail=_short(exc)) from None
    rows: list[list] = []
    blank_run = 0
    cells = 0
    try:
        if len(workbook.sheetnames) > budget.max_sheets:
            raise FileRefused(
                "xlsx_too_many_parts", count=len(workbook.sheetnames), max=budget.max_sheets
            )
        clock.check()
        sheet = workbook.worksheets[0]
        # max_col: openpyxl pads every row to the sheet's declared width (up to 16,384).
        limit = budget.max_columns
        for scanned, values in enumerate(
            sheet.iter_rows(max_col=limit + 1, values_only=True), start=1
        ):
            if values.count(None) == len(values):  # fast path: openpyxl fills gaps with these
                blank_run += 1  # kept only if data follows, so row numbers stay right
                if scanned > budget.max_scanned_rows:
                    raise _too_many_rows(budget)
                if not scanned % 4096:
                    clock.check()
                continue
            clock.check()
            if len(values) > limit and not is_blank(values[limit]):
                raise FileRefused("too_many_columns", max=limit)
            values = list(values[:limit])
            filled = 0
            for i, value in enumerate(values):
                if value is None:
                    continue
                filled += 1
                if isinstance(value, str) and len(value) > budget.max_cell_chars:
                    raise FileRefused(
                        "cell_too_long",
                        row=scanned,
                        column=get_column_letter(i + 1),
                        length=len(value),
                        max=budget.max_cell_chars,
                    )
            if not filled:
                blank_run += 1  # kept only if data follows, so row numbers stay right
                continue
            cells += filled
            if cells > budget.max_cells:
                raise FileRefused("too_many_cells", max=budget.max_cells)
            rows.extend([] for _ in range(blank_run))
            blank_run = 0
            rows.append(values)
            if len(rows) > budget.max_rows + 1:
                raise _too_many_rows(budget)
    except FileRefused:
        raise
    except Exception as exc:  # ParseError and friends come while iterating, too
        raise FileRefused("xlsx_broken", detail=_short(exc)) from None
    finally:
        workbook.close()
    if not rows:
        return [], []
    return _rows_to_records(rows[0], rows[1:], budget)


def _short(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 200 else text[:199] + "…"


def _rows_to_records(
    header_row: list, data_rows: list[list], budget: ReadBudget = DEFAULT_BUDGET
) -> tuple[list[dict], list[str]]:
    header: list[str] = []
    positions: list[int] = []
    for i, cell in enumerate(header_row):
        name = cell_text(cell).strip().lstrip("\ufeff")
        if name:
            header.append(name)
            positions.append(i)
    # Spreadsheets keep formatted but empty rows at the end; they are not data.
    while data_rows and all(is_blank(v) for v in data_rows[-1]):
        data_rows = data_rows[:-1]
    if len(data_rows) > budget.max_rows:
        raise _too_many_rows(budget)
    records = []
    for values in data_rows:
        record: dict = {}
        for name, i in zip(header, positions, strict=True):
            if name not in record:  # a repeated header is reported by validation
                record[name] = values[i] if i < len(values) else None
        records.append(record)
    return records, header


def _too_many_rows(budget: ReadBudget = DEFAULT_BUDGET) -> FileRefused:
    return FileRefused("too_many_rows", max=budget.max_rows)


def _read_geojson(data: bytes, clock: _Clock) -> tuple[list[dict], list[str]]:
    budget = clock.budget
    try:
        doc = json.loads(decode_text(data))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise FileRefused("geojson_broken", detail=_short(exc)) from None
    clock.check()
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ValueError(
            "Plik GeoJSON musi być kolekcją obiektów (FeatureCollection). / "
            "The GeoJSON file must be a FeatureCollection."
        )
    features = doc.get("features") or []
    if not isinstance(features, list):
        raise FileRefused("geojson_broken", detail="features")
    if len(features) > budget.max_rows:
        raise _too_many_rows(budget)
    header: list[str] = []
    records: list[dict] = []
    bad: list[str] = []
    cells = 0
    for number, feature in enumerate(features, start=1):
        clock.check()
        if not isinstance(feature, dict):
            bad.append(f"{number} (?)")
            continue
        geometry = feature.get("geometry") or {}
        if not isinstance(geometry, dict):
            geometry = {}
        coords = geometry.get("coordinates")
        if (
            geometry.get("type") != "Point"
            or not isinstance(coords, list)
            or len(coords) < 2
            or not all(isinstance(c, int | float) for c in coords[:2])
        ):
            bad.append(f"{number} ({str(geometry.get('type'))[:20] or 'brak / none'})")
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        if len(properties) > budget.max_columns:
            raise FileRefused("too_many_columns", max=budget.max_columns)
        record = {}
        for key, value in properties.items():
            # Position comes from the geometry, never from properties.
            if canonical_column(key) in ("lat", "lon", "coordinates"):
                continue
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False)
            if isinstance(value, str) and len(value) > budget.max_cell_chars:
                raise FileRefused(
                    "cell_too_long",
                    row=number,
                    column=str(key)[:60],
                    length=len(value),
                    max=budget.max_cell_chars,
                )
            record[str(key)] = value
            if str(key) not in header:
                header.append(str(key))
                if len(header) > budget.max_columns:
                    raise FileRefused("too_many_columns", max=budget.max_columns)
        cells += len(record)
        if cells > budget.max_cells:
            raise FileRefused("too_many_cells", max=budget.max_cells)
        record["lat"], record["lon"] = coords[1], coords[0]  # GeoJSON order is lon, lat
        records.append(record)
    if bad:
        raise ValueError(
            "Obsługiwane są tylko punkty (Point); inne geometrie mają obiekty: "
            + ", ".join(bad)
            + ". / Only Point features are supported; other geometry in features: "
            + ", ".join(bad)
            + "."
        )
    return records, header + ["lat", "lon"]


# -- importing ----------------------------------------------------------------------------


def import_file(
    store: CatalogueStore,
    path: str | Path | bytes,
    *,
    filename: str | None = None,
    valid_only: bool = False,
    status: str = Status.PUBLISHED.value,
    actor: str = "import",
    lang: str = "pl",
    source: str = Source.IMPORT.value,
    budget: ReadBudget = DEFAULT_BUDGET,
) -> ImportResult:
    """Validate a CSV/XLSX/GeoJSON file and store its offerings in one transaction.

    A file with any error stores nothing, unless ``valid_only``: then the valid rows are
    stored and the others are listed in ``skipped_rows``. A row whose ``id`` exists updates
    that product; so does a row without an id that the validator's duplicate rule ties to
    one product (same place within 200 m, similar name), so importing the same file twice
    updates instead of duplicating. Columns absent from the file keep the current values.
    ``status`` is ``"published"`` (staff import) or ``"pending"`` (goes to moderation).
    ``path`` may be bytes (an upload) with ``filename`` naming its format; ``budget`` limits
    reading it (the staff command line allows more than the browser's upload).
    """
    _check_status(status)
    records, header, layout = _read_for_import(path, filename, budget)
    return import_records(
        store,
        records,
        header,
        valid_only=valid_only,
        status=status,
        actor=actor,
        lang=lang,
        source=source,
        **layout,
    )


def validate_file(
    store: CatalogueStore,
    path: str | Path | bytes,
    *,
    filename: str | None = None,
    lang: str = "pl",
    budget: ReadBudget = DEFAULT_BUDGET,
) -> ValidationReport:
    """Check a file against the catalogue exactly as :func:`import_file` would; store nothing."""
    records, header, layout = _read_for_import(path, filename, budget)
    existing, partners = _catalogue_frames(store)
    _products, report = validate_records(
        records, existing, lang, header=header, partners=partners, **layout
    )
    return report


def _read_for_import(
    path: str | Path | bytes, filename: str | None, budget: ReadBudget = DEFAULT_BUDGET
) -> tuple[list[dict], list[str], dict]:
    name = filename or (None if isinstance(path, bytes | bytearray) else Path(path).name)
    records, header = read_table(path, name, budget=budget)
    # GeoJSON has features, not spreadsheet rows: number them from 1.
    if file_format(name) == "geojson":
        return records, header, {"first_row": 1, "row_kind": "feature", "unquote": False}
    # The template's example row, left as written, is not an offering: blank rows are skipped
    # by the validator (row numbers stay those of the sheet); an edited example imports.
    records = [{k: None for k in r} if _is_untouched_example(r) else r for r in records]
    return records, header, {"first_row": 2, "row_kind": "row"}


def _is_untouched_example(record: dict) -> bool:
    """True for :data:`TEMPLATE_EXAMPLE` exactly as :func:`write_template` wrote it."""
    filled = {}
    for header, value in record.items():
        column = canonical_column(header)
        if column is not None and not is_blank(value):
            filled[column] = str(value).strip()
    return filled == {column: str(value) for column, value in TEMPLATE_EXAMPLE.items()}


def _catalogue_frames(store: CatalogueStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every product (any status: ids must stay unique) and every partner."""
    existing = store.products_frame(statuses=[s.value for s in Status])
    partners = store.partners_frame()
    return existing[["id", "name_pl", "lat", "lon"]], partners[["id", "name", "sector"]]


def import_records(
    store: CatalogueStore,
    records: list[dict],
    header: list[str] | None = None,
    *,
    valid_only: bool = False,
    status: str = Status.PUBLISHED.value,
    actor: str = "import",
    lang: str = "pl",
    source: str = Source.IMPORT.value,
    first_row: int = 2,
    row_kind: str = "row",
    unquote: bool = True,
    extra_partners: Iterable[Partner] = (),
    require_reachable: bool = False,
) -> ImportResult:
    """Validate already-read rows and store them; see :func:`import_file`.

    ``require_reachable``: the partners' rule of :func:`catalogue.validation.validate_records`.

    ``extra_partners`` are saved in the same transaction and can be referred to by the rows
    (the sample catalogue's partners).
    """
    _check_status(status)
    extra_partners = list(extra_partners)
    existing, partners = _catalogue_frames(store)
    if extra_partners:
        extra = pd.DataFrame(
            [{"id": p.id, "name": p.name, "sector": p.sector} for p in extra_partners]
        )
        partners = pd.concat([partners[~partners["id"].isin(extra["id"])], extra])
    products, report = validate_records(
        records,
        existing,
        lang,
        header=header,
        partners=partners,
        first_row=first_row,
        row_kind=row_kind,
        source=source,
        unquote=unquote,
        require_reachable=require_reachable,
    )
    result = ImportResult(report=report)
    if not report.ok and not valid_only:
        result.skipped_rows = list(report.checked_rows)
        return result
    products, result.matched_rows = _match_duplicates(products, records, report, first_row)
    valid = [p for p in products if p is not None]
    existing_ids = set(existing["id"].astype(str))
    now = now_utc()
    to_save = []
    for product in valid:
        if product.id in existing_ids:
            current = store.get_product(product.id)
            product = _merge_update(product, current, report.columns)
            result.updated_ids.append(product.id)
        else:
            result.created_ids.append(product.id)
        product.status = status
        if status == Status.PUBLISHED.value:
            product.decided_by = actor
            product.decided_at = now
        to_save.append(product)
    used_partners = {p.partner_id for p in to_save}
    new_partners = [p for p in report.new_partners if p.id in used_partners]
    partners_to_save = extra_partners + new_partners
    if to_save or partners_to_save:
        store.save_products(to_save, actor, partners=partners_to_save)
    result.imported_ids = [p.id for p in to_save]
    result.new_partner_ids = [p.id for p in new_partners]
    imported_rows = set(report.valid_rows)
    result.skipped_rows = [r for r in report.checked_rows if r not in imported_rows]
    return result


def _match_duplicates(
    products: list[Product | None], records: list[dict], report: ValidationReport, first_row: int
) -> tuple[list[Product | None], dict[int, str]]:
    """Rows without an id that the validator found to be a catalogue product (same place
    within 200 m, similar name: ``likely_duplicate_existing``) take that product's id, so
    re-importing a file updates instead of duplicating. Returns the products and
    ``{row: id}`` of the rows matched. A product is matched by one row at most, and never
    when the file names its id explicitly."""
    id_header = report.columns.get("id")

    def explicit_id(record: dict) -> str:
        return cell_text(record.get(id_header)).strip() if id_header else ""

    claimed = {explicit_id(r) for r in records} - {""}
    duplicate_of = {
        issue.row: str(issue.params["other_id"])
        for issue in report.warnings
        if issue.code == "likely_duplicate_existing"
    }
    matched: dict[int, str] = {}
    out = list(products)
    for index, product in enumerate(products):
        target = duplicate_of.get(first_row + index)
        if product is None or not target or explicit_id(records[index]) or target in claimed:
            continue
        claimed.add(target)
        out[index] = replace(product, id=target)
        matched[first_row + index] = target
    return out, matched


# Product fields each file column fills; a column missing from an update keeps these.
_COLUMN_FIELDS: dict[str, tuple[str, ...]] = {
    c.name: c.product_fields for c in COLUMN_REGISTRY if c.product_fields
}


def _merge_update(new: Product, current: Product | None, columns: dict[str, str]) -> Product:
    """The updated product: file values where the file has the column, else current ones."""
    if current is None:
        return new
    changes = {}
    for column, names in _COLUMN_FIELDS.items():
        if column not in columns:
            changes.update({name: getattr(current, name) for name in names})
    if new.opening_hours and "opening_hours" in columns:
        changes.pop("months", None)  # derived from the new rule
    if "gmina" not in columns and (new.lat, new.lon) == (current.lat, current.lon):
        # Same point, no gmina column: keep the gmina (and district) decided earlier.
        changes.update(gmina_teryt=current.gmina_teryt, district_teryt=current.district_teryt)
    changes.update(
        created_at=current.created_at,
        submitted_by=current.submitted_by,
    )
    if new.source != current.source and current.source:
        changes["source"] = current.source
    return replace(new, **changes)


def _check_status(status: str) -> None:
    if status not in IMPORT_STATUSES:
        raise ValueError(
            f"unknown import status {status!r}; expected one of {', '.join(IMPORT_STATUSES)}"
        )


# -- sample catalogue ---------------------------------------------------------------------


def read_partners_file(path: str | Path, source: str = Source.SAMPLE.value) -> list[Partner]:
    """Partners from a CSV with id,name,sector,legal_form,gmina,website,member,description…

    ``gmina`` may be a name or TERYT code; the optional ``email`` and ``phone`` (the
    organisation's public contact) follow the rules of the product import's columns.
    Raises :class:`SampleDataError` listing every bad row (unknown sector, bad website,
    e-mail or phone, unknown gmina, missing id or name, repeated id).
    """
    from geodata import find_gmina

    records, _header = read_table(Path(path))
    partners: list[Partner] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=2):
        cells = {
            str(k).strip().lower(): unneutralise(cell_text(v)).strip() for k, v in record.items()
        }
        if not any(cells.values()):
            continue
        pid, name = cells.get("id", ""), cells.get("name", "")
        if not pid or not name:
            problems.append(f"row {number}: id and name are required")
            continue
        if pid in seen:
            problems.append(f"row {number}: id {pid!r} repeated")
            continue
        seen.add(pid)
        try:
            sector = parse_sector(cells.get("sector", ""))
        except ValueError:
            problems.append(f"row {number}: unknown sector {cells.get('sector')!r}")
            continue
        website = cells.get("website", "")
        if website:
            try:
                website = normalise_url(website)[0]
            except ValueError:
                problems.append(f"row {number}: bad website {website!r}")
                continue
        try:
            email = normalise_email(cells.get("email", ""))
        except ValueError:
            problems.append(f"row {number}: bad email {cells.get('email')!r}")
            continue
        try:
            phone = normalise_phone(cells.get("phone", ""))
        except ValueError:
            problems.append(f"row {number}: bad phone {cells.get('phone')!r}")
            continue
        gmina_teryt = ""
        if cells.get("gmina"):
            gmina = find_gmina(cells["gmina"])
            if gmina is None:
                problems.append(f"row {number}: unknown gmina {cells['gmina']!r}")
                continue
            gmina_teryt = str(gmina["teryt"])
        try:
            member = bool(parse_bool(cells.get("member", "")))
        except ValueError:
            problems.append(f"row {number}: member must be yes/no")
            continue
        try:
            identity = _partner_identity(cells)
        except ValueError as exc:
            problems.append(f"row {number}: {exc}")
            continue
        partners.append(
            Partner(
                id=pid,
                name=name,
                sector=sector,
                legal_form=cells.get("legal_form", ""),
                gmina_teryt=gmina_teryt,
                website=website,
                email=email,
                phone=phone,
                member=member,
                description_pl=cells.get("description", ""),
                description_en=cells.get("description_en", ""),
                description_uk=cells.get("description_uk", ""),
                source=cells.get("source", "") or source,
                **identity,
            )
        )
    if problems:
        raise SampleDataError(f"{path}: " + "; ".join(problems))
    return partners


def _partner_identity(cells: dict[str, str]) -> dict:
    """The optional identity columns of a partners file, checked (``ValueError`` naming the
    column); see :mod:`catalogue.identity` and :data:`catalogue.taxonomy.LEGAL_FORMS`."""
    found: dict = {}
    for column, check, _digits in IDENTITY_NUMBERS:
        try:
            found[column] = check(cells.get(column, ""))
        except IdentityError as exc:
            raise ValueError(f"{column}: {exc}") from None
    if cells.get("legal_form_code"):
        try:
            found["legal_form_code"] = parse_legal_form(cells["legal_form_code"])
        except ValueError as exc:
            raise ValueError(f"legal_form_code: {exc}") from None
    try:
        found["social_enterprise"] = parse_bool(cells.get("social_enterprise", ""))
        found["se_decision_date"] = parse_date(cells.get("se_decision_date", ""))
    except ValueError as exc:
        raise ValueError(f"social_enterprise / se_decision_date: {exc}") from None
    found["se_decision_number"] = cells.get("se_decision_number", "")
    found["owes"] = cells.get("owes", "")
    return found


def load_sample_catalogue(
    store: CatalogueStore,
    products_path: str | Path = SAMPLE_PRODUCTS,
    partners_path: str | Path = SAMPLE_PARTNERS,
) -> int:
    """Import the bundled sample catalogue into an empty store; returns products imported.

    Does nothing (returns 0) if the store has products. Goes through the same validation as
    partner files; raises :class:`SampleDataError` with the report if the sample has errors.
    """
    if store.count_products() > 0:
        return 0
    partners = read_partners_file(partners_path) if Path(partners_path).exists() else []
    records, header = read_table(Path(products_path))
    result = import_records(
        store,
        records,
        header,
        status=Status.PUBLISHED.value,
        actor="sample",
        lang="en",
        source=Source.SAMPLE.value,
        extra_partners=partners,
    )
    if not result.report.ok:
        raise SampleDataError(
            f"the sample catalogue {products_path} has errors:\n{result.report.to_text('en')}",
            result.report,
        )
    return result.imported


# -- exporting ----------------------------------------------------------------------------


def export_rows(frame: pd.DataFrame) -> list[dict]:
    """Rows keyed by :data:`EXPORT_COLUMNS` from a ``products_frame``-shaped DataFrame.

    Values are plain: text (without characters no file can carry), floats for lat/lon (degrees), ``yes``/``no``/``""`` for flags,
    ``date`` objects for event dates. No formula neutralisation yet.
    """
    rows = []
    for record in frame.to_dict("records"):
        product = row_to_product(record)
        rows.append(
            {
                "id": product.id,
                "name": product.name_pl,
                "category": product.category,
                "lat": float(product.lat),
                "lon": float(product.lon),
                "description": product.description_pl,
                "name_en": product.name_en,
                "description_en": product.description_en,
                "name_uk": product.name_uk,
                "description_uk": product.description_uk,
                "partner": _plain(record.get("partner_name")),
                "partner_sector": _plain(record.get("partner_sector")),
                "partner_legal_form": _plain(record.get("partner_legal_form")),
                "partner_nip": _plain(record.get("partner_nip")),
                "partner_regon": _plain(record.get("partner_regon")),
                "partner_krs": _plain(record.get("partner_krs")),
                "gmina": product.gmina_teryt,
                "district": product.district_teryt,
                "address": product.address,
                "website": product.website,
                "email": product.email,
                "phone": product.phone,
                **{name: getattr(product, name) for name in LINK_FIELDS},
                "price": product.price,
                "free": _yes_no(product.free),
                "months": months_to_text(product.months),
                "opening_hours": product.opening_hours,
                "event_start": product.event_start,
                "event_end": product.event_end,
                "event_time": product.event_time,
                "event_rrule": product.event_rrule,
                "wheelchair": product.wheelchair,  # yes / limited / no / "" as in OSM
                "family": _yes_no(product.family),
                "pets": _yes_no(product.pets),
                **{name: _yes_no(getattr(product, name)) for name in ACCESS_FACTS},
                "languages": ";".join(product.languages),
                "tags": ";".join(product.tags),
                "badges": ";".join(product.badges),
                "text_author": product.text_author,
                "text_licence": product.text_licence,
                "source": product.source_note,
                "status": product.status,
            }
        )
        row = rows[-1]
        for key, value in row.items():
            if isinstance(value, str):
                row[key] = writable_text(value)  # stored before validation refused them
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


def _plain(value: object) -> str:
    return "" if is_blank(value) else str(value)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


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
            if column in ("free", "family", "pets", *ACCESS_FACTS):
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


# -- template -----------------------------------------------------------------------------

_TEMPLATE_HELP: dict[str, str] = {c.name: c.help_pl for c in COLUMN_REGISTRY if c.help_pl}


def write_template(out_xlsx: str | Path | BinaryIO) -> None:
    """Write the empty partner template (.xlsx) with Polish headers and an example row.

    Sheet "Oferty" has the headers and one example (Zamek w Krasiczynie) to overwrite;
    sheet "Instrukcja" explains every column, the categories and the formats.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Oferty"
    headers = [COLUMNS[c] for c in TEMPLATE_COLUMNS]
    sheet.append(headers)
    sheet.append([TEMPLATE_EXAMPLE.get(c, "") for c in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")
    for i, column in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        wide = column.startswith("description") or column == "name"
        sheet.column_dimensions[letter].width = 40 if wide else 18
        # Text cells, so Excel keeps "5-9" as months and phone numbers as typed.
        for row in range(2, 502):
            sheet.cell(row=row, column=i).number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("Instrukcja")
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 100
    lines: list[tuple[str, str]] = [
        ("Szablon ofert turystycznych", ""),
        (
            "Jak wypełnić",
            "Jeden wiersz = jedna oferta. Wiersz 2 w arkuszu „Oferty” to przykład: nadpisz go "
            "albo usuń. Nie zmieniaj nazw kolumn; zbędne kolumny możesz usunąć (wymagane: "
            "nazwa, kategoria, szerokość i długość).",
        ),
        (
            "Współrzędne",
            "Zamiast kolumn „szerokość” i „długość” można dodać jedną kolumnę „współrzędne” "
            "i wkleić tam np. 49.7757, 22.6525 albo link z Google Maps lub OpenStreetMap. "
            "Punkt musi leżeć w powiecie jarosławskim, lubaczowskim, przemyskim, przeworskim "
            "lub w Przemyślu.",
        ),
        (
            "Plik",
            "Zapisz jako .xlsx albo CSV (UTF-8 lub Windows-1250, średnik lub przecinek). "
            "Najwyżej 10 MB.",
        ),
        ("", ""),
        ("Kolumna", "Co wpisać"),
    ]
    lines += [(COLUMNS[c], _TEMPLATE_HELP[c]) for c in TEMPLATE_COLUMNS]
    lines += [("", ""), ("Kategorie", "nazwa polska (kod)")]
    lines += [(c.label_pl, c.slug) for c in CATEGORIES]
    lines += [("", ""), ("Typy partnera", "nazwa polska (kod)")]
    lines += [(SECTOR_LABELS[s.value]["pl"], s.value) for s in Sector]
    for row in lines:
        guide.append(list(row))
    for cell in guide["A"]:
        cell.font = Font(bold=True)
    for cell in guide["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = Font(bold=True, size=14)

    # Drop-down lists pointing at the guide, so partners pick valid values.
    first_cat = next(i for i, r in enumerate(lines, 1) if r[0] == "Kategorie") + 1
    last_cat = first_cat + len(CATEGORIES) - 1
    category_list = DataValidation(
        type="list", formula1=f"=Instrukcja!$A${first_cat}:$A${last_cat}", allow_blank=True
    )
    first_sector = next(i for i, r in enumerate(lines, 1) if r[0] == "Typy partnera") + 1
    sector_list = DataValidation(
        type="list",
        formula1=f"=Instrukcja!$A${first_sector}:$A${first_sector + len(Sector) - 1}",
        allow_blank=True,
    )
    yes_no = DataValidation(type="list", formula1='"tak,nie"', allow_blank=True)
    wheelchair = DataValidation(type="list", formula1='"tak,częściowo,nie"', allow_blank=True)
    licence = DataValidation(
        type="list",
        formula1='"' + ",".join(lic.short for lic in LICENCES if lic.short) + '"',
        allow_blank=True,
    )
    for validation, columns in (
        (category_list, ("category",)),
        (sector_list, ("partner_sector",)),
        (yes_no, ("free", "family", "pets", *ACCESS_FACTS)),
        (wheelchair, ("wheelchair",)),
        (licence, ("text_licence",)),
    ):
        # Typed values other than the list (a slug, "yes") stay allowed; the importer checks.
        validation.showErrorMessage = False
        sheet.add_data_validation(validation)
        for column in columns:
            letter = sheet.cell(row=1, column=TEMPLATE_COLUMNS.index(column) + 1).column_letter
            validation.add(f"{letter}2:{letter}500")

    if isinstance(out_xlsx, str | Path):
        workbook.save(Path(out_xlsx))
    else:
        buffer = io.BytesIO()
        workbook.save(buffer)
        out_xlsx.write(buffer.getvalue())
