"""Importing a partner file: :func:`~catalogue.file_reading.read_table` →
:func:`~catalogue.validation.rows.validate_records` → one
:meth:`CatalogueStore.save_products` transaction, so a file is stored whole or not at all.
An update keeps the current values of columns the file lacks; a row the duplicate rule ties
to a catalogue product updates it, so importing the same file twice does not duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from catalogue.cells import cell_text
from catalogue.columns import COLUMN_REGISTRY
from catalogue.database import now_utc
from catalogue.file_reading import DEFAULT_BUDGET, ReadBudget, file_format, read_table
from catalogue.model import Partner, Product
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import Source, Status
from catalogue.template import is_untouched_example
from catalogue.validation.report import ValidationReport
from catalogue.validation.rows import validate_records

IMPORT_STATUSES: tuple[str, ...] = (Status.PUBLISHED.value, Status.PENDING.value)


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
    records = [{k: None for k in r} if is_untouched_example(r) else r for r in records]
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
    require_reachable: bool = False,
) -> ImportResult:
    """Validate already-read rows and store them; see :func:`import_file`.

    ``require_reachable``: the partners' rule of :func:`catalogue.validation.rows.validate_records`.

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
