"""The bundled sample catalogue (``catalogue/sample/``): its partners file, read with the
product import's rules for each cell, and its products, imported like a partner file."""

from __future__ import annotations

from pathlib import Path

from catalogue.cells import cell_text, parse_bool, parse_date, unneutralise
from catalogue.contacts import normalise_email, normalise_phone, normalise_url
from catalogue.file_reading import read_table
from catalogue.identity import IDENTITY_NUMBERS, IdentityError
from catalogue.importing import import_records
from catalogue.model import Partner
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import Source, Status
from catalogue.validation.report import ValidationReport
from catalogue.vocabularies import parse_legal_form, parse_sector

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
SAMPLE_PRODUCTS = SAMPLE_DIR / "products.csv"
SAMPLE_PARTNERS = SAMPLE_DIR / "partners.csv"


class SampleDataError(ValueError):
    """The bundled sample catalogue does not validate; ``report`` says why."""

    def __init__(self, message: str, report: ValidationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


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
