"""Characters XML, CSV and PDF cannot carry: refused at validation, dropped at write time.

Products are stored directly (as data stored before validation refused such characters)
and every export must still be a valid file that imports back.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from catalogue.cells import FORBIDDEN_CHARS, writable_text
from catalogue.exporting import EXPORT_FORMATS, export_catalogue
from catalogue.file_reading import FileRefused
from catalogue.importing import import_file
from catalogue.model import Product
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import Status
from fairkit.brochure import build_brochure
from fairkit.card import build_card
from fairkit.stats import to_csv_bytes, to_xlsx_bytes
from fairkit.trips import trip_gpx, trip_pdf
from tests.catalogue import hostile_files as hostile
from tests.fairkit.print_helpers import page_texts

# U+FFFE/U+FFFF (XML forbids them), a plane-16 noncharacter, U+FDD0, a C0 and a C1 control.
HOSTILE = "\ufffe\uffff\U0010ffff\ufdd0\x01\x85"

HEADER = "nazwa,kategoria,szerokość,długość,opis,adres\n"


def _good_row(name: str, description: str = "Opis.", address: str = "Krasiczyn") -> str:
    return f"{name},Zabytki i atrakcje,49.7761,22.6492,{description},{address}\n"


def test_validation_names_the_row_and_field_of_each_forbidden_character(sqlite_store):
    data = (
        HEADER
        + _good_row("Zamek\ufffe")
        + _good_row("Park", description="Ogród\uffff")
        + _good_row("Dwór", address="Rynek\x85 1")
        + _good_row("Cerkiew", description='"Linia 1\nlinia 2\ttab"')
    ).encode()
    result = import_file(sqlite_store, data, filename="x.csv", lang="en")
    messages = [i.message("en") for i in result.report.errors]
    assert 'Row 2, column "nazwa": the text contains forbidden characters (U+FFFE)' in messages[0]
    assert any(m.startswith('Row 3, column "opis"') and "U+FFFF" in m for m in messages)
    assert any(m.startswith('Row 4, column "adres"') and "U+0085" in m for m in messages)
    assert result.report.error_rows == [2, 3, 4]  # tab and newline in a description are fine
    assert sqlite_store.count_products() == 0
    pl = result.report.errors[0].message("pl")
    assert pl.startswith("Wiersz 2, kolumna „nazwa”: tekst zawiera niedozwolone znaki")


def test_geojson_lone_surrogate_is_refused_with_the_feature_named(sqlite_store):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [22.6492, 49.7761]},
                "properties": {"name": "Zamek \ud800", "category": "heritage"},
            }
        ],
    }
    data = json.dumps(doc).encode()  # ASCII escapes: "\ud800" arrives as a lone surrogate
    result = import_file(sqlite_store, data, filename="x.geojson", lang="uk")
    assert result.report.errors[0].message("uk").startswith("Об'єкт 1, поле «name»")
    assert "U+D800" in result.report.errors[0].message("uk")
    assert sqlite_store.count_products() == 0


def test_writable_text_keeps_letters_tabs_and_newlines():
    assert writable_text("Zażółć\tgęślą\njaźń" + HOSTILE) == "Zażółć\tgęślą\njaźń"
    assert not FORBIDDEN_CHARS.search(writable_text("".join(map(chr, range(0x00, 0xA0)))))


def _stored_before_the_check(store: CatalogueStore) -> Product:
    product = Product(
        id="zamek-krasiczyn",
        name_pl=f"Zamek{HOSTILE} w Krasiczynie",
        category="heritage",
        lat=49.77611,
        lon=22.64917,
        description_pl=f"Renesansowa{HOSTILE} rezydencja.\nDruga linia.",
        name_en="Krasiczyn Castle\uffff",
        address="Zamkowa\x0b 2",
        tags=["zamek\ufffe", "renesans"],
        district_teryt="1813",
        gmina_teryt="1813042",
        status=Status.PUBLISHED.value,
        source="import",
    )
    store.save_products([product], "test")
    return product


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_of_stored_hostile_text_imports_back(tmp_path, sqlite_store, fmt):
    _stored_before_the_check(sqlite_store)
    out = tmp_path / f"export.{fmt}"
    assert export_catalogue(sqlite_store, fmt, out) == 1
    # Into a fresh catalogue: every format must read and validate cleanly.
    fresh = CatalogueStore(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    fresh.create_schema()
    result = import_file(fresh, out)
    assert result.report.ok, result.report.to_text("en")
    copy = fresh.get_product("zamek-krasiczyn")
    assert copy.name_pl == "Zamek w Krasiczynie"
    assert copy.description_pl == "Renesansowa rezydencja.\nDruga linia."
    assert copy.name_en == "Krasiczyn Castle"
    assert copy.address == "Zamkowa 2"
    assert copy.tags == ["zamek", "renesans"]
    fresh.dispose()
    # And back into the same catalogue: an update by id, not a second offering.
    again = import_file(sqlite_store, out)
    assert again.report.ok and again.updated_ids == ["zamek-krasiczyn"]
    assert sqlite_store.count_products() == 1


def test_gpx_stats_and_pdfs_of_stored_hostile_text_are_valid(sqlite_store):
    _stored_before_the_check(sqlite_store)
    frame = sqlite_store.products_frame()
    gpx = trip_gpx(frame, ["zamek-krasiczyn"], f"Trip{HOSTILE}")
    root = ET.fromstring(gpx)  # raises on any character XML forbids
    names = [el.text for el in root.iter() if el.tag.endswith("name")]
    assert "1. Zamek w Krasiczynie" in names and "Trip" in names
    for data in (
        trip_pdf(frame, ["zamek-krasiczyn"], f"Trip{HOSTILE}"),
        build_brochure(frame).data,
        build_card(frame.iloc[0].to_dict()).data,
    ):
        text = " ".join(page_texts(data))
        assert "Krasiczynie" in text
        assert not FORBIDDEN_CHARS.search(text)
    book = to_xlsx_bytes({f"s{HOSTILE}": frame[["name_pl", "address"]]})
    assert import_file(sqlite_store, book, filename="stats.xlsx").report is not None
    csv_text = to_csv_bytes(frame[["name_pl"]]).decode("utf-8-sig")
    assert "Zamek w Krasiczynie" in csv_text and not FORBIDDEN_CHARS.search(csv_text)


def test_old_export_with_raw_ffff_in_the_sheet_is_refused_not_a_traceback(sqlite_store):
    data = hostile.workbook(rows=[["nazwa", "kategoria"], ["Zamek\uffff", "zabytki"]])
    with pytest.raises(FileRefused) as refused:
        import_file(sqlite_store, data, filename="stary-eksport.xlsx")
    assert refused.value.code == "xlsx_broken"
    assert "ParseError" in refused.value.message("pl")
    assert refused.value.message("pl").startswith("Nie można odczytać pliku XLSX")
    assert sqlite_store.count_products() == 0


def test_export_strips_at_write_time_only(tmp_path, sqlite_store):
    product = _stored_before_the_check(sqlite_store)
    export_catalogue(sqlite_store, "csv", tmp_path / "x.csv")
    # What is stored is not rewritten behind anyone's back; staff can still see and fix it.
    assert sqlite_store.get_product(product.id).name_pl == product.name_pl
