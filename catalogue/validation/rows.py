"""Validation of untrusted product rows (partner spreadsheets, CSV, GeoJSON) into products.

:func:`validate_records` checks every row in one pass and reports every problem at once, with
the spreadsheet row number (header = row 1, first data row = 2) and the column as the user
wrote it, so a partner can fix a whole file in one go. Rows without errors become
:class:`~catalogue.model.Product` instances; a row with any error becomes ``None``.

Partner rule: the ``partner`` cell is matched to an existing partner by id or by name (case-
and diacritics-insensitive). An unknown name creates a new partner with a slug id made from
the name; its sector must be stated (in ``partner_sector``) in at least one of its rows, else
the rows are errors. We do not default the sector because the cluster reports its members by
sector, and a silently wrong sector would skew those figures while the fix is one cell. An
existing partner's sector is never changed by a product file (a differing one is a warning).

Other rules worth knowing: a row whose ``id`` is a catalogue product updates it (and is not
checked for duplicates); an empty ``id`` gets a slug of the name, made unique. The ``status``
column is checked but the importer, not the file, decides the status. The ``district``
column (written by export) is ignored: the district comes from the point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from catalogue.cells import (
    CellError,
    cell_text,
    forbidden_chars_found,
    is_blank,
    normalise_space,
    parse_bool,
    parse_tags,
    slugify,
    text_value,
    unneutralise,
)
from catalogue.columns import (
    COLUMN_BY_NAME,
    COLUMN_REGISTRY,
    MAX_LENGTHS,
    Column,
    allowed_columns,
    canonical_column,
)
from catalogue.contacts import normalise_url
from catalogue.events import check_rrule
from catalogue.model import Product
from catalogue.opening_hours import OpeningHoursError, check_rule, open_months
from catalogue.taxonomy import Status, check_language
from catalogue.validation.duplicates import DuplicateFinder
from catalogue.validation.partners import PartnerReader
from catalogue.validation.places import PlaceReader
from catalogue.validation.report import Reporter, Row, ValidationReport, issue_order
from catalogue.vocabularies import (
    allowed_badges,
    parse_badge,
)

_TEXT_COLUMNS: tuple[Column, ...] = tuple(
    c for c in COLUMN_REGISTRY if c.kind in ("text", "multiline")
)
_MULTILINE: frozenset[str] = frozenset(c.name for c in COLUMN_REGISTRY if c.kind == "multiline")
_YES_NO_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMN_REGISTRY if c.kind == "yes_no")
_LINK_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMN_REGISTRY if c.kind == "link")
_PARSED_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMN_REGISTRY if c.parse is not None)
# (column, Product field) of the columns the registry describes fully: each fills one field.
_FIELD_OF: tuple[tuple[str, str], ...] = tuple(
    (c.name, c.product_fields[0])
    for c in (*_TEXT_COLUMNS, *_YES_NO_COLUMNS, *_LINK_COLUMNS, *_PARSED_COLUMNS)
)
# The ``other`` columns without a parser: read across cells (point, partner, place, id…)
# or with rules of their own (website, tags, badges, opening hours, recurrence, status).
READ_BY_THE_VALIDATOR: frozenset[str] = frozenset(
    {
        "id", "lat", "lon", "coordinates", "partner", "partner_sector", "partner_legal_form",
        "partner_nip", "partner_regon", "partner_krs", "gmina", "district", "website",
        "opening_hours", "event_rrule", "tags", "badges", "status",
    }
)  # fmt: skip
_unread = [
    c.name
    for c in COLUMN_REGISTRY
    if c.kind == "other" and c.parse is None and c.name not in READ_BY_THE_VALIDATOR
]
if _unread:  # a new column without a reader would silently be dropped from every import
    raise RuntimeError(f"columns {_unread} of kind 'other' need a parser in the registry")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

_FIELD_NAMES: dict[str, dict[str, str]] = {
    "name": {"pl": "nazwę oferty", "en": "the offering's name", "uk": "назву пропозиції"},
    "category": {
        "pl": "kategorię (np. Zabytki i atrakcje albo heritage)",
        "en": "the category (e.g. heritage)",
        "uk": "категорію (напр. heritage)",
    },
}


# Any one of these makes an offering reachable (``require_reachable``).
CONTACT_COLUMNS = ("phone", "email", "website")


def validate_records(
    records: list[Mapping],
    existing: pd.DataFrame | None = None,
    lang: str = "pl",
    *,
    header: list[str] | None = None,
    partners: pd.DataFrame | None = None,
    first_row: int = 2,
    row_kind: str = "row",
    source: str = "import",
    unquote: bool = True,
    require_reachable: bool = False,
) -> tuple[list[Product | None], ValidationReport]:
    """Check rows from a partner file and build products, reporting every problem at once.

    ``records`` map headers as the user wrote them to cell values (text, numbers, dates or
    booleans as read from CSV/XLSX/GeoJSON); ``header`` is their column order (default: the
    keys in order of first appearance). ``existing`` has the catalogue's products (``id``,
    ``name_pl``, ``lat``, ``lon`` in degrees) for update-by-id and duplicate checks;
    ``partners`` the known partners (``id``, ``name``, ``sector``). Row ``i`` of ``records``
    is reported as row ``first_row + i`` (spreadsheet: header = 1, data from 2; GeoJSON
    features from 1 with ``row_kind="feature"``). ``lang`` ("pl"/"en"/"uk") is the default
    language of :meth:`ValidationReport.to_text`. Returns one entry per record: a
    :class:`Product` with status ``draft`` and ``source``, or ``None`` if the row has an
    error or is empty. New partners are in ``report.new_partners``.

    ``unquote`` undoes export's formula neutralisation (one ``'`` before ``=+-@``, tab, CR);
    it is for spreadsheet formats, so GeoJSON, exported without it, passes False.

    ``require_reachable`` applies the rule for what partners submit (the form and the bulk
    upload): every row names who runs it (``partner``) and at least one way to reach them
    (``phone``, ``email`` or ``website``); see :data:`CONTACT_COLUMNS`.
    """
    check_language(lang)
    if row_kind not in ("row", "feature"):
        raise ValueError(f"unknown row kind {row_kind!r}; expected 'row' or 'feature'")
    settings = _Settings(first_row, source, unquote, require_reachable)
    reporter = Reporter(lang, row_kind)
    return _Validator(records, header, existing, partners, reporter, settings).run()


@dataclass(frozen=True)
class _Settings:
    """How one file is read; see :func:`validate_records`."""

    first_row: int
    source: str
    unquote: bool
    require_reachable: bool


class _Validator:
    """One pass over one file's rows; see :func:`validate_records`."""

    def __init__(
        self,
        records: list[Mapping],
        header: list[str] | None,
        existing: pd.DataFrame | None,
        partners: pd.DataFrame | None,
        reporter: Reporter,
        settings: _Settings,
    ) -> None:
        self.records = records
        if header is None:
            header = []
            for record in records:
                header.extend(k for k in record if k not in header)
        self.header = [str(h) for h in header if h is not None and str(h).strip()]
        self.settings = settings
        self.report = reporter.report
        self.columns = reporter.columns
        self.col, self.issue, self.header_issue = (
            reporter.col,
            reporter.issue,
            reporter.header_issue,
        )
        existing_frame = _frame(existing, ("id", "name_pl", "lat", "lon"))
        existing_ids = set(existing_frame["id"].astype(str))
        self.used_ids: set[str] = set(existing_ids)
        self.places = PlaceReader(reporter)
        self.partners = PartnerReader(
            reporter, _frame(partners, ("id", "name", "sector")), settings.source
        )
        self.duplicates = DuplicateFinder(reporter, existing_frame, existing_ids)

    # -- header --

    def map_header(self) -> bool:
        """Map the file's headers to columns; True if the header itself is unusable."""
        fatal = False
        for name in self.header:
            canonical = canonical_column(name)
            if canonical is None:
                self.header_issue(name, "unknown_column", "warning", allowed=allowed_columns())
            elif canonical in self.columns:
                self.header_issue(name, "duplicate_column", other=self.columns[canonical])
                fatal = True
            else:
                self.columns[canonical] = name
        for required in ("name", "category"):
            if required not in self.columns:
                column = self.col(required)
                self.header_issue(column, "missing_column", column=column)
                fatal = True
        if "coordinates" not in self.columns and not (
            "lat" in self.columns or "lon" in self.columns
        ):
            self.header_issue("", "missing_coordinate_columns")
            fatal = True
        elif "coordinates" not in self.columns and ("lat" in self.columns) != (
            "lon" in self.columns
        ):
            missing = "lon" if "lat" in self.columns else "lat"
            column = self.col(missing)
            self.header_issue(column, "missing_column", column=column)
            fatal = True
        return fatal

    # -- run --

    def run(self) -> tuple[list[Product | None], ValidationReport]:
        """Check the header and every non-empty row; one product (or None) per record."""
        products: list[Product | None] = [None] * len(self.records)
        if not self.header and not self.records:
            self.issue(None, "", "empty_file")
            return products, self.report
        fatal = self.map_header()
        rows = []
        canonical_of: dict[object, str | None] = {}  # folding each header once, not per cell
        for index, record in enumerate(self.records):
            cells = {}
            for header_name, value in record.items():
                if header_name not in canonical_of:
                    canonical_of[header_name] = canonical_column(header_name)
                canonical = canonical_of[header_name]
                if canonical is not None and self.columns.get(canonical) == str(header_name):
                    cells[canonical] = _clean_raw(value) if self.settings.unquote else value
            if all(is_blank(v) for v in cells.values()) and all(
                is_blank(v) for v in record.values()
            ):
                continue  # an empty spreadsheet line is not an offering
            rows.append((index, Row(self.settings.first_row + index, cells)))
        self.report.checked_rows = [row.number for _, row in rows]
        self.report.columns = dict(self.columns)
        if not rows:
            self.issue(None, "", "empty_file")
            self.report.issues.sort(key=issue_order)
            return products, self.report
        self.collect_ids(rows)
        self.partners.collect_sectors(rows)
        self.places.prelocate(rows)
        for index, row in rows:
            product = self.validate_row(row)
            if not row.has_error and not fatal and product is not None:
                products[index] = product
                self.report.valid_rows.append(row.number)
            self.report.issues.extend(row.issues)
        self.report.new_partners = [
            p
            for p in self.partners.new_partners.values()
            if any(prod is not None and prod.partner_id == p.id for prod in products)
        ]
        self.report.issues.sort(key=issue_order)
        return products, self.report

    def collect_ids(self, rows: list[tuple[int, Row]]) -> None:
        """Check explicit ids first, so generated ones never take an id a later row uses."""
        seen: dict[str, int] = {}
        for _, row in rows:
            value = text_value(row.cells.get("id"))
            if not value:
                continue
            if not _ID_RE.match(value):
                self.issue(row, "id", "bad_id", value=value)
            elif value in seen:
                self.issue(row, "id", "duplicate_id", value=value, other_row=seen[value])
            else:
                seen[value] = row.number
        self.used_ids |= set(seen)

    def validate_row(self, row: Row) -> Product | None:
        """Every problem of one row reported on it; its product if it has no error."""
        texts = {c.name: self.text(row, c.name) for c in _TEXT_COLUMNS}
        for required in ("name", "category"):
            if required not in self.columns:
                continue  # reported once for the header
            raw = row.cells.get(required)
            if is_blank(raw):
                self.issue(row, required, "required", field=_FIELD_NAMES[required])
        category = self.cell(row, COLUMN_BY_NAME["category"])
        point = self.places.coordinates(row)
        district = gmina = ""
        if point is not None:
            # Point problems are reported on the column the point was read from.
            used = "coordinates" if text_value(row.cells.get("coordinates")) else "lat"
            district, gmina = self.places.place(row, *point, used)
        product_id = self.product_id(row, texts.get("name") or "")
        identity = self.partners.identity(row)
        partner_id = self.partners.partner(row)
        if identity and partner_id:
            self.partners.attach_identity(row, partner_id, identity)
        opening_hours = self.opening_hours(row)
        website = self.website(row)
        links = {c.name: self.website(row, c.name) for c in _LINK_COLUMNS}
        # Every other column with a parser of its own in the registry, in registry order.
        values = {c.name: self.cell(row, c) for c in _PARSED_COLUMNS if c.name != "category"}
        values["category"] = category
        if self.settings.require_reachable:
            self.reachable(row)
        flags = {c.name: self.boolean(row, c.name) for c in _YES_NO_COLUMNS}
        if opening_hours:
            # The rule is the more precise statement: the months facet follows it.
            values["months"] = list(open_months(opening_hours))
        start, _end = self.event_dates(row, values["event_start"], values["event_end"])
        tags = self.tags(row)
        badges = self.badges(row)
        recurrence = self.recurrence(row, start)
        self.status(row)
        name = texts.get("name") or ""
        if point is not None and name:
            # Checked even for rows with errors: the partner should hear about both.
            self.duplicates.check(row, product_id, name, *point)
            self.duplicates.add(row, product_id, name, *point)
        if row.has_error or point is None or category is None or not name:
            return None
        # Columns the registry describes fully fill their one Product field each.
        read = texts | flags | links | values
        described = {field: read[name] for name, field in _FIELD_OF}
        return Product(
            id=product_id,
            lat=point[0],
            lon=point[1],
            tags=tags,
            district_teryt=district,
            gmina_teryt=gmina,
            partner_id=partner_id,
            website=website,
            status=Status.DRAFT.value,
            source=self.settings.source,
            opening_hours=opening_hours,
            badges=badges,
            event_rrule=recurrence,
            **described,
        )

    # -- cells --

    def text(self, row: Row, name: str) -> str:
        raw = cell_text(row.cells.get(name))
        # Checked before whitespace is normalised: str.split() would eat some controls.
        chars = forbidden_chars_found(raw)
        if chars:
            self.issue(row, name, "control_chars", chars=chars)
        value = normalise_space(raw, multiline=name in _MULTILINE)
        limit = MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            self.issue(row, name, "too_long", length=len(value), max=limit)
        return value

    def product_id(self, row: Row, name: str) -> str:
        value = text_value(row.cells.get("id"))
        if value:
            return value
        base = slugify(name)
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    def reachable(self, row: Row) -> None:
        """Who runs the offering and how to reach them: the rule for partners' submissions."""
        if is_blank(row.cells.get("partner")):
            self.issue(row, "partner", "partner_required")
        if all(is_blank(row.cells.get(name)) for name in CONTACT_COLUMNS):
            self.issue(row, "", "contact_required")

    def opening_hours(self, row: Row) -> str:
        raw = cell_text(row.cells.get("opening_hours"))
        if not raw.strip():
            return ""
        try:
            return check_rule(raw)
        except OpeningHoursError as exc:
            self.issue(
                row,
                "opening_hours",
                "bad_opening_hours",
                value=exc.rule,
                position=exc.position or "?",
                fragment=exc.fragment,
            )
            return ""

    def website(self, row: Row, column: str = "website") -> str:
        """The web address in ``column`` (the website or a link column), normalised."""
        value = text_value(row.cells.get(column))
        if not value:
            return ""
        if len(value) > MAX_LENGTHS[column]:
            self.issue(row, column, "too_long", length=len(value), max=MAX_LENGTHS[column])
            return ""
        try:
            url, added = normalise_url(value)
        except ValueError as exc:
            code = "javascript_url" if str(exc) == "javascript" else "bad_url"
            self.issue(row, column, code, value=value)
            return ""
        if added:
            self.issue(row, column, "url_normalised", "warning", value=url)
        return url

    def boolean(self, row: Row, name: str) -> bool | None:
        raw = row.cells.get(name)
        try:
            return parse_bool(raw)
        except ValueError:
            self.issue(row, name, "bad_bool", value=text_value(raw))
            return None

    def event_dates(
        self, row: Row, start: date | None, end: date | None
    ) -> tuple[date | None, date | None]:
        """The event's dates (as parsed), checked together: an end needs a start, after it."""
        unreadable = any(
            not is_blank(row.cells.get(name)) and value is None
            for name, value in (("event_start", start), ("event_end", end))
        )
        if not unreadable and end is not None and start is None:
            self.issue(row, "event_start", "event_end_without_start")
        if start is not None and end is not None and end < start:
            self.issue(
                row,
                "event_end",
                "event_end_before_start",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        return start, end

    def cell(self, row: Row, column: Column) -> object:
        """The cell of a column with a parser in the registry; None (reported) if wrong."""
        raw = row.cells.get(column.name)
        try:
            return column.parse(raw)
        except ValueError as exc:
            value = exc.value if isinstance(exc, CellError) else text_value(raw)
            params = {"allowed": column.allowed()} if column.allowed else {}
            self.issue(row, column.name, column.error, value=value, **params)
            return None

    def recurrence(self, row: Row, start: date | None) -> str:
        value = text_value(row.cells.get("event_rrule"))
        if not value:
            return ""
        try:
            return check_rrule(value, start)
        except ValueError:
            self.issue(row, "event_rrule", "bad_recurrence", value=value)
            return ""

    def badges(self, row: Row) -> list[str]:
        found = []
        for value in parse_tags(cell_text(row.cells.get("badges"))):
            try:
                slug = parse_badge(value)
            except ValueError:
                self.issue(row, "badges", "bad_badge", value=value, allowed=allowed_badges())
                continue
            if slug not in found:
                found.append(slug)
        return found

    def tags(self, row: Row) -> list[str]:
        value = cell_text(row.cells.get("tags"))
        chars = forbidden_chars_found(value)
        if chars:
            self.issue(row, "tags", "control_chars", chars=chars)
            return []
        if len(value) > MAX_LENGTHS["tags"]:
            self.issue(row, "tags", "too_long", length=len(value), max=MAX_LENGTHS["tags"])
            return []
        return parse_tags(value)

    def status(self, row: Row) -> None:
        # Informational: the importer decides the status; a wrong value is still flagged.
        value = text_value(row.cells.get("status"))
        if value and value.lower() not in {s.value for s in Status}:
            self.issue(
                row, "status", "bad_status", value=value, allowed=", ".join(s.value for s in Status)
            )


def _frame(frame: pd.DataFrame | None, columns: tuple[str, ...]) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}; expected {list(columns)}")
    return frame[list(columns)]


def _clean_raw(value: object) -> object:
    """Strings lose export's formula neutralisation; other types pass through."""
    if isinstance(value, str):
        return unneutralise(value)
    return value
