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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from catalogue.identity import IdentityError, check_krs, check_nip, check_regon
from catalogue.model import ACCESS_FACTS, Partner, Product
from catalogue.storage import CatalogueStore, now_utc, row_to_product
from catalogue.taxonomy import CATEGORIES, SECTOR_LABELS, Sector, Source, Status
from catalogue.validation import (
    COLUMNS,
    ValidationReport,
    canonical_column,
    cell_text,
    is_blank,
    months_to_text,
    neutralise,
    normalise_url,
    parse_bool,
    parse_date,
    parse_legal_form,
    parse_sector,
    unneutralise,
    validate_records,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
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
EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "category",
    "lat",
    "lon",
    "description",
    "name_en",
    "description_en",
    "name_uk",
    "description_uk",
    "partner",
    "partner_sector",
    "partner_legal_form",
    "partner_nip",
    "partner_regon",
    "partner_krs",
    "gmina",
    "district",
    "address",
    "website",
    "email",
    "phone",
    "price",
    "free",
    "months",
    "opening_hours",
    "event_start",
    "event_end",
    "event_time",
    "event_rrule",
    "wheelchair",
    "family",
    "pets",
    *ACCESS_FACTS,
    "languages",
    "tags",
    "badges",
    "source",
    "status",
)

# Columns of the partner template, in the order a partner fills them in: the export's,
# without what the importer derives (district) or decides (status), and the id last, since
# only an update of an existing offering needs it.
TEMPLATE_COLUMNS: tuple[str, ...] = (
    *(c for c in EXPORT_COLUMNS if c not in ("id", "district", "status")),
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


def read_table(
    path_or_bytes: str | Path | bytes, filename: str | None = None
) -> tuple[list[dict], list[str]]:
    """Rows of a CSV, XLSX or GeoJSON file as dicts keyed by its headers, and the headers.

    CSV may be UTF-8 (with or without BOM) or Windows-1250, separated by ``,`` or ``;``;
    XLSX is read from its first sheet (values, not formulas; dates as ``datetime``); GeoJSON
    must be a FeatureCollection of Points, whose ``[lon, lat]`` become ``lat``/``lon``
    columns (degrees). ``filename`` (default: the path's name) decides the format.
    Raises ``ValueError`` for another format, a file over 10 MB or an unreadable file.
    """
    if isinstance(path_or_bytes, bytes | bytearray):
        if filename is None:
            raise ValueError("filename is needed to read bytes")
        data = bytes(path_or_bytes)
    else:
        path = Path(path_or_bytes)
        filename = filename or path.name
        file_format(filename)  # reject the format before reading a large file
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _too_large()
        data = path.read_bytes()
    fmt = file_format(filename)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    if fmt == "csv":
        if data[:2] == b"PK":
            raise ValueError(
                "Plik wygląda na skoroszyt Excela: zapisz go jako .xlsx albo wyeksportuj do "
                "CSV. / The file looks like an Excel workbook: name it .xlsx or export CSV."
            )
        return _read_csv(data)
    if fmt == "xlsx":
        return _read_xlsx(data)
    return _read_geojson(data)


def _too_large() -> ValueError:
    mb = MAX_FILE_BYTES // (1024 * 1024)
    return ValueError(
        f"Plik jest większy niż {mb} MB: podziel go na części. / "
        f"The file is larger than {mb} MB: split it into parts."
    )


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM optional) if the bytes are valid UTF-8, else Windows-1250."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1250")
    except UnicodeDecodeError:
        raise ValueError(
            "Nie rozpoznano kodowania pliku: zapisz go jako CSV UTF-8. / "
            "Unknown text encoding: save the file as CSV UTF-8."
        ) from None


def _read_csv(data: bytes) -> tuple[list[dict], list[str]]:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    # The header names no ";" or "," of their own, so the more frequent one separates.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ValueError(f"Błędny plik CSV / Malformed CSV: {exc}") from None
    if not rows:
        return [], []
    return _rows_to_records(rows[0], rows[1:])


def _read_xlsx(data: bytes) -> tuple[list[dict], list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ValueError(
            f"Nie można otworzyć pliku XLSX / Cannot open the XLSX file: {exc}"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                raise _too_many_rows()
    finally:
        workbook.close()
    if not rows:
        return [], []
    return _rows_to_records(rows[0], rows[1:])


def _rows_to_records(header_row: list, data_rows: list[list]) -> tuple[list[dict], list[str]]:
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
    if len(data_rows) > MAX_ROWS:
        raise _too_many_rows()
    records = []
    for values in data_rows:
        record: dict = {}
        for name, i in zip(header, positions, strict=True):
            if name not in record:  # a repeated header is reported by validation
                record[name] = values[i] if i < len(values) else None
        records.append(record)
    return records, header


def _too_many_rows() -> ValueError:
    return ValueError(
        f"Plik ma więcej niż {MAX_ROWS} wierszy: podziel go na części. / "
        f"The file has more than {MAX_ROWS} rows: split it into parts."
    )


def _read_geojson(data: bytes) -> tuple[list[dict], list[str]]:
    try:
        doc = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise ValueError(f"Błędny plik GeoJSON / Malformed GeoJSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ValueError(
            "Plik GeoJSON musi być kolekcją obiektów (FeatureCollection). / "
            "The GeoJSON file must be a FeatureCollection."
        )
    features = doc.get("features") or []
    if len(features) > MAX_ROWS:
        raise _too_many_rows()
    header: list[str] = []
    records: list[dict] = []
    bad: list[str] = []
    for number, feature in enumerate(features, start=1):
        geometry = (feature or {}).get("geometry") or {}
        coords = geometry.get("coordinates")
        if (
            geometry.get("type") != "Point"
            or not isinstance(coords, list)
            or len(coords) < 2
            or not all(isinstance(c, int | float) for c in coords[:2])
        ):
            bad.append(f"{number} ({geometry.get('type') or 'brak / none'})")
            continue
        properties = feature.get("properties") or {}
        record = {}
        for key, value in properties.items():
            # Position comes from the geometry, never from properties.
            if canonical_column(key) in ("lat", "lon", "coordinates"):
                continue
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False)
            record[str(key)] = value
            if str(key) not in header:
                header.append(str(key))
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
) -> ImportResult:
    """Validate a CSV/XLSX/GeoJSON file and store its offerings in one transaction.

    A file with any error stores nothing, unless ``valid_only``: then the valid rows are
    stored and the others are listed in ``skipped_rows``. A row whose ``id`` exists updates
    that product; columns absent from the file keep the product's current values.
    ``status`` is ``"published"`` (staff import) or ``"pending"`` (goes to moderation).
    ``path`` may be bytes (an upload) with ``filename`` naming its format.
    """
    _check_status(status)
    records, header, layout = _read_for_import(path, filename)
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
) -> ValidationReport:
    """Check a file against the catalogue exactly as :func:`import_file` would; store nothing."""
    records, header, layout = _read_for_import(path, filename)
    existing, partners = _catalogue_frames(store)
    _products, report = validate_records(
        records, existing, lang, header=header, partners=partners, **layout
    )
    return report


def _read_for_import(
    path: str | Path | bytes, filename: str | None
) -> tuple[list[dict], list[str], dict]:
    name = filename or (None if isinstance(path, bytes | bytearray) else Path(path).name)
    records, header = read_table(path, name)
    # GeoJSON has features, not spreadsheet rows: number them from 1.
    if file_format(name) == "geojson":
        return records, header, {"first_row": 1, "row_kind": "feature", "unquote": False}
    return records, header, {"first_row": 2, "row_kind": "row"}


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
) -> ImportResult:
    """Validate already-read rows and store them; see :func:`import_file`.

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
    )
    result = ImportResult(report=report)
    if not report.ok and not valid_only:
        result.skipped_rows = list(report.checked_rows)
        return result
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


# Product fields each file column fills; a column missing from an update keeps these.
_COLUMN_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name_pl",),
    "description": ("description_pl",),
    "name_en": ("name_en",),
    "description_en": ("description_en",),
    "name_uk": ("name_uk",),
    "description_uk": ("description_uk",),
    "partner": ("partner_id",),
    "address": ("address",),
    "website": ("website",),
    "email": ("email",),
    "phone": ("phone",),
    "price": ("price",),
    "free": ("free",),
    "months": ("months",),
    "opening_hours": ("opening_hours",),
    "event_start": ("event_start",),
    "event_end": ("event_end",),
    "event_time": ("event_time",),
    "event_rrule": ("event_rrule",),
    "wheelchair": ("wheelchair",),
    "family": ("family",),
    "pets": ("pets",),
    **{name: (name,) for name in ACCESS_FACTS},
    "languages": ("languages",),
    "tags": ("tags",),
    "badges": ("badges",),
    "source": ("source_note",),
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

    ``gmina`` may be a name or TERYT code. Raises :class:`SampleDataError` listing every bad
    row (unknown sector, bad website, unknown gmina, missing id or name, repeated id).
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
    for column, check in (("nip", check_nip), ("regon", check_regon), ("krs", check_krs)):
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

    Values are plain: text, floats for lat/lon (degrees), ``yes``/``no``/``""`` for flags,
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
                "price": product.price,
                "free": _yes_no(product.free),
                "months": months_to_text(product.months),
                "opening_hours": product.opening_hours,
                "event_start": product.event_start,
                "event_end": product.event_end,
                "event_time": product.event_time,
                "event_rrule": product.event_rrule,
                "wheelchair": _yes_no(product.wheelchair),
                "family": _yes_no(product.family),
                "pets": _yes_no(product.pets),
                **{name: _yes_no(getattr(product, name)) for name in ACCESS_FACTS},
                "languages": ";".join(product.languages),
                "tags": ";".join(product.tags),
                "badges": ";".join(product.badges),
                "source": product.source_note,
                "status": product.status,
            }
        )
    return rows


def export_catalogue(
    store_or_frame: CatalogueStore | pd.DataFrame,
    fmt: str,
    out: str | Path | BinaryIO,
    *,
    statuses: Iterable[str] = (Status.PUBLISHED.value,),
) -> int:
    """Write the catalogue as ``csv`` (UTF-8 with BOM, comma), ``xlsx`` or ``geojson``.

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
        data = _csv_bytes(rows)
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


def _csv_bytes(rows: list[dict]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        values = []
        for column in EXPORT_COLUMNS:
            value = row[column]
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, float):
                value = repr(value)
            values.append(_cell("" if value is None else value))
        writer.writerow(values)
    # The BOM makes Excel open the file as UTF-8 instead of the system code page.
    return buffer.getvalue().encode("utf-8-sig")


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
            if column in ("free", "wheelchair", "family", "pets", *ACCESS_FACTS):
                value = None if value == "" else value == "yes"
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

_TEMPLATE_HELP: dict[str, str] = {
    "name": "Wymagane. Nazwa oferty po polsku, najwyżej 200 znaków.",
    "category": "Wymagane. Jedna kategoria: nazwa polska albo kod (lista niżej).",
    "lat": "Wymagane (albo kolumna „współrzędne”). Szerokość geograficzna w stopniach "
    "dziesiętnych, np. 49,7757 lub 49.7757.",
    "lon": "Wymagane (albo kolumna „współrzędne”). Długość geograficzna, np. 22,6525.",
    "description": "Opis po polsku, najwyżej 5000 znaków.",
    "name_en": "Nazwa po angielsku (opcjonalnie).",
    "description_en": "Opis po angielsku (opcjonalnie).",
    "name_uk": "Nazwa po ukraińsku (opcjonalnie).",
    "description_uk": "Opis po ukraińsku (opcjonalnie).",
    "partner": "Nazwa organizacji prowadzącej ofertę. Nowy partner wymaga kolumny „typ partnera”.",
    "partner_sector": "Typ partnera: sektor publiczny, biznes, organizacja pozarządowa, "
    "ekonomia społeczna (wystarczy w jednym wierszu danego partnera).",
    "partner_legal_form": "Forma prawna nowego partnera, np. stowarzyszenie, fundacja, "
    "spółdzielnia socjalna, KGW, CIS, ZAZ, gmina, spółka, jednoosobowa działalność "
    "gospodarcza.",
    "partner_nip": "NIP nowego partnera (10 cyfr, sprawdzana cyfra kontrolna).",
    "partner_regon": "REGON nowego partnera (9 lub 14 cyfr, sprawdzana cyfra kontrolna).",
    "partner_krs": "Numer KRS nowego partnera (do 10 cyfr), jeśli jest w KRS.",
    "gmina": "Nazwa gminy (np. Krasiczyn, „miasto Jarosław”, „gmina Jarosław”) albo kod "
    "TERYT; puste = ustalona z położenia.",
    "address": "Adres, np. ul. Zamkowa 2, Krasiczyn.",
    "website": "Strona internetowa, np. https://www.przykład.pl.",
    "email": "Jeden adres e-mail.",
    "phone": "Polski numer, np. 16 621 12 34 albo +48 600 100 200; kilka numerów rozdziel "
    "średnikiem.",
    "price": "Cena słownie lub liczbą, np. „20 zł, ulgowy 10 zł”.",
    "free": "Czy bezpłatne: tak / nie / puste (nie wiadomo).",
    "months": "Kiedy dostępne: 5-9, maj-wrzesień, V-IX, 5,6,7, 11-2 albo „cały rok”.",
    "opening_hours": "Godziny otwarcia w zapisie OpenStreetMap, np. Tu-Su 09:00-17:00; PH off; "
    "Jan-Mar off (dni: Mo Tu We Th Fr Sa Su; PH = święta; off = nieczynne). Gdy podane, "
    "miesiące wynikają z nich.",
    "event_start": "Tylko wydarzenia: data początku, 2027-08-15 albo 15.08.2027.",
    "event_end": "Tylko wydarzenia: data końca (nie wcześniej niż początek).",
    "event_time": "Tylko wydarzenia: godzina, np. 18:00 albo 10:00-16:00.",
    "event_rrule": "Tylko wydarzenia cykliczne: reguła iCalendar, np. FREQ=YEARLY (co roku w "
    "dniu „data od”), FREQ=YEARLY;BYMONTH=8;BYDAY=3SA, FREQ=WEEKLY;BYDAY=SA.",
    "wheelchair": "Dostępne dla osób na wózkach: tak / nie / puste.",
    "family": "Dla rodzin z dziećmi: tak / nie / puste.",
    "pets": "Można ze zwierzętami (psy): tak / nie / puste.",
    "step_free": "Wejście bez schodów (lub z rampą): tak / nie / puste (nie wiadomo).",
    "accessible_toilet": "Toaleta dostępna dla osób z niepełnosprawnościami: tak / nie / puste.",
    "disabled_parking": "Miejsca parkingowe dla osób z niepełnosprawnościami: tak / nie / puste.",
    "info_blind": "Informacja dla osób niewidomych (audiodeskrypcja, Braille, makiety): "
    "tak / nie / puste.",
    "info_deaf": "Informacja dla osób niesłyszących (PJM, napisy, pętla indukcyjna): "
    "tak / nie / puste.",
    "languages": "Języki obsługi: kody lub nazwy, np. pl;en albo polski, angielski.",
    "tags": "Słowa kluczowe rozdzielone średnikiem lub przecinkiem.",
    "badges": "Wyróżnienia z listy koordynatora, rozdzielone średnikiem: unesco, sad_v, "
    "sad_vi, sad_vii, pot, lpt, pzjt; tylko te, które przyznało źródło (np. lista UNESCO).",
    "source": "Skąd pochodzą informacje (np. strona gminy).",
    "id": "Zostaw puste dla nowej oferty. Id istniejącej oferty (z eksportu) ją aktualizuje.",
}


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
    for validation, columns in (
        (category_list, ("category",)),
        (sector_list, ("partner_sector",)),
        (yes_no, ("free", "wheelchair", "family", "pets", *ACCESS_FACTS)),
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
