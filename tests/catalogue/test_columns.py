"""The column registry: the one list of file columns the importer, exporter and template use."""

from __future__ import annotations

import typing

import pandas as pd
import pytest

from catalogue import exporting, template
from catalogue.cells import fold
from catalogue.columns import (
    COLUMN_BY_NAME,
    COLUMN_REGISTRY,
    COLUMNS,
    KINDS,
    MAX_LENGTHS,
    Column,
    canonical_column,
    form_columns,
    score_fields,
)
from catalogue.model import Product

PRODUCT_TYPES = typing.get_type_hints(Product)


def test_names_headers_and_aliases_never_mean_two_columns():
    assert len(COLUMN_BY_NAME) == len(COLUMN_REGISTRY)
    seen: dict[str, str] = {}
    for column in COLUMN_REGISTRY:
        for spelling in (column.name, column.header_pl, *column.aliases):
            key = fold(spelling)
            assert seen.setdefault(key, column.name) == column.name, (spelling, seen[key])
            # The importer reads every spelling back to this column.
            assert canonical_column(spelling) == column.name


def test_every_column_is_described_and_fills_real_product_fields():
    for column in COLUMN_REGISTRY:
        if column.template:
            assert column.help_pl, f"{column.name}: the template explains every column"
        for name in column.product_fields:
            assert name in PRODUCT_TYPES, f"{column.name} fills an unknown field {name!r}"
        if column.kind == "yes_no":
            assert PRODUCT_TYPES[column.name] == bool | None, column.name
        if column.kind in ("text", "multiline"):
            assert column.max_length, f"{column.name}: a text column has a length limit"


def test_the_derived_lists_follow_the_registry():
    exported = [c.name for c in COLUMN_REGISTRY if c.export]
    assert list(exporting.EXPORT_COLUMNS) == exported
    assert template.TEMPLATE_COLUMNS[-1] == "id"
    assert set(template.TEMPLATE_COLUMNS) == {
        c.name for c in COLUMN_REGISTRY if c.export and c.template
    }
    assert "coordinates" in COLUMNS and "coordinates" not in exporting.EXPORT_COLUMNS
    assert MAX_LENGTHS["description"] == COLUMN_BY_NAME["description"].max_length


def test_kinds_are_checked():
    with pytest.raises(ValueError, match="kind"):
        Column("x", "x", kind="number")
    assert set(KINDS) >= {c.kind for c in COLUMN_REGISTRY}


def test_every_column_has_a_reader_and_a_cell_writer():
    from catalogue.exporting import export_rows
    from catalogue.validation.rows import READ_BY_THE_VALIDATOR

    for column in COLUMN_REGISTRY:
        read_by_kind = column.kind in ("text", "multiline", "yes_no", "link")
        assert read_by_kind or column.parse or column.name in READ_BY_THE_VALIDATOR, column.name
        if column.parse is not None:
            assert len(column.product_fields) == 1, f"{column.name} fills one Product field"
            assert column.error, column.name
    record = {
        "id": "zamek",
        "name_pl": "Zamek",
        "category": "heritage",
        "lat": 49.7761,
        "lon": 22.6492,
        "months_mask": 0b111100000,
        "languages": "pl;en",
        "free": True,
        "partner_name": "Gmina Krasiczyn",
        "event_start": "2027-08-15",
    }
    (row,) = export_rows(pd.DataFrame([record]))
    assert list(row) == [c.name for c in COLUMN_REGISTRY if c.export]
    assert row["name"] == "Zamek" and row["lat"] == 49.7761 and row["months"] == "6-9"
    assert row["languages"] == "pl;en" and row["free"] == "yes" and row["family"] == ""
    assert row["partner"] == "Gmina Krasiczyn" and row["event_start"].isoformat() == "2027-08-15"


# Runs in a fresh interpreter: the registry's source with one more entry, nothing else.
_ONE_MORE_COLUMN = r"""
import importlib.util, io, sys
from pathlib import Path

import catalogue

path = Path(catalogue.__file__).parent / "columns.py"
source = path.read_text(encoding="utf-8")
anchor = '    Column("status", "status", template=False, fields=()),\n'
assert anchor in source
source = source.replace(anchor, ENTRY + anchor)
spec = importlib.util.spec_from_loader("catalogue.columns", loader=None)
module = importlib.util.module_from_spec(spec)
module.__file__ = str(path)
sys.modules["catalogue.columns"] = module
exec(compile(source, str(path), "exec"), module.__dict__)

import openpyxl
import pandas as pd

from catalogue.exporting import EXPORT_COLUMNS, export_rows
from catalogue.template import TEMPLATE_COLUMNS, write_template
from catalogue.validation.rows import validate_records

out = io.BytesIO()
write_template(out)
book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
headers = [c.value for c in book["Oferty"][1]]
guide = {row[0]: row[1] for row in book["Instrukcja"].iter_rows(values_only=True)}
products, report = validate_records(
    [{"nazwa": "Zamek", "kategoria": "heritage", "szerokość": "49,7761",
      "długość": "22,6492", HEADER: CELL}]
)
assert report.ok, report.to_text()
value = getattr(products[0], NAME)
(row,) = export_rows(pd.DataFrame([{"id": "z", "name_pl": "Zamek", "category": "heritage",
                                    "lat": 49.7761, "lon": 22.6492, NAME: value}]))
print(NAME in EXPORT_COLUMNS, NAME in TEMPLATE_COLUMNS, HEADER in headers, guide.get(HEADER))
print(value)
print(row[NAME])
"""


def _with_one_more_column(entry: str, name: str, header: str, cell: str):
    import subprocess
    import sys
    from pathlib import Path

    script = (
        f"ENTRY = {entry!r}\nNAME = {name!r}\nHEADER = {header!r}\nCELL = {cell!r}\n"
        + _ONE_MORE_COLUMN
    )
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=300
    )


def test_a_link_column_is_one_registry_entry():
    entry = """    Column(
        "tiktok",
        "tiktok",
        max_length=500,
        kind="link",
        label={"pl": "TikTok", "en": "TikTok", "uk": "TikTok"},
        help_pl="Adres profilu na TikToku.",
    ),
"""
    done = _with_one_more_column(entry, "tiktok", "tiktok", "www.tiktok.com/@zamek")
    assert done.returncode == 0, done.stderr
    flags, parsed, exported = done.stdout.splitlines()
    assert flags == "True True True Adres profilu na TikToku."
    assert parsed == exported == "https://www.tiktok.com/@zamek"


def test_an_other_column_without_a_parser_is_refused():
    entry = """    Column("guide", "przewodnik", help_pl="Czy jest przewodnik."),
"""
    done = _with_one_more_column(entry, "guide", "przewodnik", "tak")
    assert done.returncode != 0
    assert "need a parser in the registry" in done.stderr


def test_form_and_statistics_flags_are_checked():
    label = {"pl": "Cokolwiek", "en": "Anything", "uk": "Будь-що"}
    with pytest.raises(ValueError, match="form widget"):
        Column("x", "x", form="slider", label=label)
    with pytest.raises(ValueError, match="one Product field"):
        Column("x", "x", fields=(), form="text", label=label)
    with pytest.raises(ValueError, match="label"):
        Column("x", "x", completeness=True)
    with pytest.raises(ValueError, match="pl, en and uk"):
        Column("x", "x", label={"pl": "Tylko po polsku"})
    with pytest.raises(ValueError, match="scored"):
        Column("x", "x", fields=("a", "b"), score=True)


def test_form_widgets_fit_the_fields_they_fill():
    for column in form_columns():
        [name] = column.product_fields
        kind = bool | None if column.form == "yes_no" else str
        assert PRODUCT_TYPES[name] == kind, column.name
    assert [c.product_fields[0] for c in COLUMN_REGISTRY if c.score] == list(score_fields())
