"""The partner template: an .xlsx with the Polish headers of the registry's template
columns, one example row, drop-down lists and a sheet explaining every column."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from catalogue.cells import is_blank
from catalogue.columns import COLUMN_BY_NAME, COLUMN_REGISTRY, COLUMNS, canonical_column
from catalogue.taxonomy import CATEGORIES, LICENCES, SECTOR_LABELS, Sector

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


def is_untouched_example(record: dict) -> bool:
    """True for :data:`TEMPLATE_EXAMPLE` exactly as :func:`write_template` wrote it."""
    filled = {}
    for header, value in record.items():
        column = canonical_column(header)
        if column is not None and not is_blank(value):
            filled[column] = str(value).strip()
    return filled == {column: str(value) for column, value in TEMPLATE_EXAMPLE.items()}


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
        (yes_no, tuple(c for c in TEMPLATE_COLUMNS if COLUMN_BY_NAME[c].kind == "yes_no")),
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
