"""Link columns (facebook, instagram…): one registry entry each, and the whole path follows.

Every test runs over :data:`catalogue.columns.LINK_COLUMNS`, so a column added to the
registry (with its migration) is checked through import, storage, export and the
template without a new test.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from catalogue.columns import LINK_COLUMNS, LINK_FIELDS
from catalogue.exporting import export_catalogue
from catalogue.importing import import_file
from catalogue.model import PRODUCT_FIELDS, Product
from catalogue.storage import CatalogueStore
from catalogue.template import write_template

pytestmark = pytest.mark.skipif(not LINK_COLUMNS, reason="the registry has no link column")


def _csv(header: list[str], row: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(header)
    writer.writerow(row)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# Zamek w Krasiczynie (real place; coordinates from OpenStreetMap). The profile addresses
# are test values, not sample data.
BASE_HEADER = ["nazwa", "kategoria", "szerokość", "długość", "strona"]
BASE_ROW = ["Zamek w Krasiczynie", "heritage", "49,7757", "22,6525", "https://krasiczyn.com.pl"]


def _address(column) -> str:
    return f"www.{column.name}.com/zamek_krasiczyn"


def _products(store: CatalogueStore) -> list[Product]:
    return [store.get_product(pid) for pid in store.products_frame()["id"]]


@pytest.fixture
def store(sqlite_store):
    return sqlite_store  # files, not the database engine: SQLite is enough


def test_every_link_column_is_a_text_field_of_the_product_after_the_phone():
    assert LINK_FIELDS == tuple(c.name for c in LINK_COLUMNS)
    product = Product("x", "X", "heritage", 50.0, 22.7, **{n: "https://a.pl" for n in LINK_FIELDS})
    assert product.links() == dict.fromkeys(LINK_FIELDS, "https://a.pl")
    assert Product("y", "Y", "heritage", 50.0, 22.7).links() == {}
    after_phone = PRODUCT_FIELDS.index("phone") + 1
    assert PRODUCT_FIELDS[after_phone : after_phone + len(LINK_FIELDS)] == LINK_FIELDS


def test_import_under_the_polish_header_stores_normalised_addresses_and_exports_them(
    store, tmp_path
):
    header = BASE_HEADER + [c.header_pl for c in LINK_COLUMNS]
    row = BASE_ROW + [_address(c) for c in LINK_COLUMNS]
    result = import_file(store, _csv(header, row), filename="oferty.csv")
    assert result.report.ok, result.report.to_text("en")
    # A bare address gets https:// and a warning that says so, on the row and column.
    warned = {i.column for i in result.report.issues if i.code == "url_normalised"}
    assert warned >= set(LINK_FIELDS)
    (product,) = _products(store)
    for column in LINK_COLUMNS:
        assert getattr(product, column.name) == "https://" + _address(column)

    out = tmp_path / "export.csv"
    export_catalogue(store, "csv", out, csv_dialect="excel-pl")
    exported = next(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    for column in LINK_COLUMNS:
        assert exported[column.name] == "https://" + _address(column)

    # The exported file updates the same offering: clearing a profile clears the field.
    exported[LINK_COLUMNS[0].name] = ""
    again = _csv(list(exported), list(exported.values()))
    assert import_file(store, again, filename="again.csv").report.ok
    (product,) = _products(store)
    assert getattr(product, LINK_COLUMNS[0].name) == ""


def test_a_script_address_is_refused_with_row_and_column_and_nothing_is_stored(store):
    column = LINK_COLUMNS[-1]
    header = BASE_HEADER + [column.header_pl]
    result = import_file(store, _csv(header, BASE_ROW + ["javascript:alert(1)"]), filename="x.csv")
    assert not result.report.ok
    (issue,) = [i for i in result.report.errors if i.column == column.name]
    assert issue.row == 2 and issue.code == "javascript_url"
    assert column.header_pl in result.report.to_text("pl")
    assert _products(store) == []


def test_a_file_without_the_link_columns_keeps_what_is_stored(store):
    header = BASE_HEADER + [c.header_pl for c in LINK_COLUMNS]
    assert import_file(
        store, _csv(header, BASE_ROW + [_address(c) for c in LINK_COLUMNS]), filename="a.csv"
    ).report.ok
    product_id = _products(store)[0].id
    update = _csv(["id", *BASE_HEADER], [product_id, *BASE_ROW[:-1], "https://krasiczyn.com.pl/"])
    assert import_file(store, update, filename="b.csv").report.ok
    (product,) = _products(store)
    assert product.website == "https://krasiczyn.com.pl/"
    assert product.links() == {c.name: "https://" + _address(c) for c in LINK_COLUMNS}


def test_the_template_offers_and_explains_every_link_column(tmp_path):
    path = tmp_path / "szablon.xlsx"
    write_template(path)
    book = load_workbook(path)
    headers = [cell.value for cell in book["Oferty"][1]]
    guide = "\n".join(
        str(c.value) for row in book["Instrukcja"].iter_rows() for c in row if c.value
    )
    for column in LINK_COLUMNS:
        assert column.header_pl in headers
        assert column.help_pl in guide
