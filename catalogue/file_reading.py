"""Reading partner files: CSV (UTF-8, UTF-16 or Windows-1250; ``,`` ``;`` or tab), XLSX
(first sheet, values) and GeoJSON (Points) into rows keyed by the file's headers, all under
a :class:`ReadBudget` (size, rows, columns, cells, cell length, time, zip structure), so a
hostile or broken file is refused with a message instead of exhausting the machine."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from catalogue.cells import cell_text, is_blank
from catalogue.columns import canonical_column
from catalogue.messages import format_message

READ_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
}


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
