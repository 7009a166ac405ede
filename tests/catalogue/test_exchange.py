"""Reading partner files, importing them in one transaction, exporting and round trips."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from catalogue.exporting import EXPORT_COLUMNS, export_catalogue
from catalogue.file_reading import MAX_FILE_BYTES, read_table
from catalogue.importing import import_file, validate_file
from catalogue.taxonomy import Status

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogue"
CP1250 = DATA / "partner_cp1250.csv"
PROBLEMS = DATA / "problems.csv"
GEOJSON = DATA / "partner.geojson"

# (row, column, code) of every error in problems.csv; see tests/data/catalogue/README.md.
PROBLEM_ERRORS = {
    (3, "name", "required"),
    (4, "category", "unknown_category"),
    (5, "coordinates", "bad_coordinates"),
    (7, "lat", "outside_area"),
    (8, "gmina", "unknown_gmina"),
    (9, "gmina", "gmina_mismatch"),
    (10, "website", "javascript_url"),
    (11, "email", "bad_email"),
    (12, "phone", "bad_phone"),
    (13, "free", "bad_bool"),
    (14, "months", "bad_months"),
    (15, "event_end", "event_end_before_start"),
    (16, "languages", "bad_language"),
    (17, "partner", "partner_sector_missing"),
    (18, "event_start", "bad_date"),
    (20, "name", "too_long"),
    (21, "name", "control_chars"),
}
PROBLEM_WARNINGS = {
    (1, "uwagi", "unknown_column"),
    (6, "lat", "coordinates_swapped"),
    (19, "name", "likely_duplicate_row"),
}


def write_csv(path: Path, header: list[str], rows: list[list], **kwargs) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", **kwargs)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# -- reading -----------------------------------------------------------------------------------


def test_read_windows_1250_semicolon_file():
    records, header = read_table(CP1250)
    assert header[:4] == ["Nazwa", "Kategoria", "Szerokość", "Długość"]
    assert len(records) == 5
    assert records[0]["Opis"].endswith("pod nim ciągną się piwnice.")
    assert records[2]["Nazwa"] == "Cerkiew św. Paraskewy w Radrużu"


def test_read_utf8_with_bom_and_comma(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("\ufeffnazwa,kategoria\nŻurawica,przyroda\n".encode())
    records, header = read_table(path)
    assert header == ["nazwa", "kategoria"]
    assert records == [{"nazwa": "Żurawica", "kategoria": "przyroda"}]


def test_read_bytes_needs_a_filename():
    data = CP1250.read_bytes()
    records, _ = read_table(data, "upload.csv")
    assert len(records) == 5
    with pytest.raises(ValueError, match="filename"):
        read_table(data)


@pytest.mark.parametrize("name", ["oferty.xls", "oferty.pdf", "oferty.ods", "oferty"])
def test_other_formats_are_rejected(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(ValueError, match="(xlsx|XLSX)"):
        read_table(path)


def test_files_over_10_mb_are_rejected(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"nazwa\n" + b"x" * MAX_FILE_BYTES)
    with pytest.raises(ValueError, match="10 MB"):
        read_table(path)
    with pytest.raises(ValueError, match="10 MB"):
        read_table(path.read_bytes(), "big.csv")


def test_geojson_must_hold_points(tmp_path):
    path = tmp_path / "lines.geojson"
    line = {"type": "LineString", "coordinates": [[22.6, 49.7], [22.7, 49.8]]}
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": line}]}
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="LineString"):
        read_table(path)
    path.write_text(json.dumps({"type": "Feature"}))
    with pytest.raises(ValueError, match="FeatureCollection"):
        read_table(path)


def test_xlsx_is_read_from_first_sheet_with_excel_types(tmp_path):
    path = tmp_path / "oferty.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Nazwa", "Kategoria", "Szerokość", "Długość", "Telefon", "Data od"])
    sheet.append(["Noc Muzeów", "Wydarzenia", 50.01825, 22.68383, 166211234, datetime(2027, 5, 15)])
    sheet.append([None] * 6)  # formatted but empty rows at the end are not data
    book.create_sheet("Inne").append(["nie", "czytane"])
    book.save(path)
    records, header = read_table(path)
    assert header == ["Nazwa", "Kategoria", "Szerokość", "Długość", "Telefon", "Data od"]
    assert len(records) == 1
    assert records[0]["Szerokość"] == 50.01825 and records[0]["Data od"] == datetime(2027, 5, 15)


# -- importing ---------------------------------------------------------------------------------


def test_polish_windows_file_imports(store):
    result = import_file(store, CP1250, actor="tester")
    assert result.report.ok, result.report.to_text()
    assert result.imported == 5 and result.skipped_rows == []
    rynek = store.get_product("rynek-i-ratusz-w-jaroslawiu")
    assert (rynek.lat, rynek.lon) == (50.018, 22.6827)
    assert (rynek.district_teryt, rynek.gmina_teryt) == ("1804", "1804011")
    assert rynek.description_pl.startswith("Renesansowy rynek")
    assert rynek.free is True and rynek.months == list(range(1, 13))
    assert rynek.languages == ["pl", "en"] and rynek.tags == ["rynek", "renesans"]
    assert rynek.status == Status.PUBLISHED.value and rynek.decided_by == "tester"
    cerkiew = store.get_product("cerkiew-sw-paraskewy-w-radruzu")
    assert cerkiew.months == [4, 5, 6, 7, 8, 9, 10] and cerkiew.district_teryt == "1809"
    museum = store.get_partner("muzeum-kresow-w-lubaczowie")
    assert museum.name == "Muzeum Kresów w Lubaczowie" and museum.sector == "public"
    assert cerkiew.partner_id == museum.id
    park = store.get_product("park-palacowy-w-przeworsku")
    assert (park.wheelchair, park.pets, park.partner_id) == ("yes", False, "")
    assert store.count_products(Status.PUBLISHED) == 5


def test_file_with_every_problem_is_rejected_whole(store):
    version = store.catalogue_version()
    result = import_file(store, PROBLEMS, actor="tester")
    report = result.report
    assert {(i.row, i.column, i.code) for i in report.errors} == PROBLEM_ERRORS
    assert {(i.row, i.column, i.code) for i in report.warnings} == PROBLEM_WARNINGS
    assert result.imported_ids == [] and result.skipped_rows == list(range(2, 22))
    assert store.count_products() == 0 and store.partners_frame().empty
    assert store.catalogue_version() == version
    text_pl = report.to_text("pl")
    assert "Wiersz 4, kolumna „category”: nieznana kategoria „zamki”" in text_pl
    assert 'Row 10, column "website": "javascript:" addresses are not allowed' in report.to_text(
        "en"
    )
    assert len(text_pl.splitlines()) == len(PROBLEM_ERRORS) + len(PROBLEM_WARNINGS)


def test_valid_only_imports_the_rest_and_lists_skipped(store):
    result = import_file(store, PROBLEMS, valid_only=True, actor="tester")
    assert sorted(result.imported_ids) == [
        "park-zamkowy-w-krasiczynie",
        "zamek-w-krasiczynie",
        "zamek-w-krasiczynie-2",
    ]
    assert result.skipped_rows == sorted(r for r, _c, _k in PROBLEM_ERRORS)
    assert store.count_products() == 3
    park = store.get_product("park-zamkowy-w-krasiczynie")
    assert (park.lat, park.lon) == (49.777, 22.651)  # swapped back
    assert "Imported 3" in result.summary("en") and "3, 4, 5" in result.summary("en")


def test_xlsx_import(store, tmp_path):
    path = tmp_path / "oferty.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Nazwa", "Kategoria", "Szerokość", "Długość", "Data od", "Data do", "Wózek"])
    sheet.append(
        [
            "Noc Muzeów w Jarosławiu",
            "Wydarzenia",
            50.01825,
            22.68383,
            datetime(2027, 5, 15),
            date(2027, 5, 15),
            True,
        ]
    )
    sheet.append(["Muzeum Kresów w Lubaczowie", "museum", "50,1565", "23,1225", None, None, "x"])
    book.save(path)
    result = import_file(store, path)
    assert result.report.ok, result.report.to_text()
    night = store.get_product("noc-muzeow-w-jaroslawiu")
    assert night.event_start == night.event_end == date(2027, 5, 15)
    assert night.wheelchair == "yes" and night.district_teryt == "1804"
    assert store.get_product("muzeum-kresow-w-lubaczowie").wheelchair == "yes"


def test_geojson_import(store):
    result = import_file(store, GEOJSON)
    assert result.report.ok, result.report.to_text()
    castle = store.get_product("zamek-kazimierzowski-w-przemyslu")
    assert (castle.lat, castle.lon) == (49.78019, 22.76594)  # from [lon, lat]
    assert castle.district_teryt == "1862" and castle.languages == ["pl", "en"]
    assert castle.tags == ["zamek", "Stare Miasto"]
    dubiecko = store.get_product("zamek-dubiecko")
    assert (dubiecko.category, dubiecko.free, dubiecko.family) == ("accommodation", False, True)


def test_geojson_problems_are_reported_by_feature(store, tmp_path):
    doc = json.loads(GEOJSON.read_text(encoding="utf-8"))
    doc["features"][1]["properties"]["kategoria"] = "zamki"
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = import_file(store, path)
    assert result.report.to_text("en").startswith('Feature 2, property "kategoria"')
    assert store.count_products() == 0


def test_update_by_id_changes_the_product_instead_of_duplicating(store, tmp_path):
    import_file(store, CP1250)
    before = store.get_product("muzeum-kresow-w-lubaczowie")
    path = write_csv(
        tmp_path / "update.csv",
        ["id", "nazwa", "kategoria", "szerokość", "długość", "miesiące"],
        [["muzeum-kresow-w-lubaczowie", "Muzeum Kresów", "museum", "50,1565", "23,1225", "5-9"]],
    )
    result = import_file(store, path, actor="staff")
    assert result.report.issues == [], result.report.to_text()
    assert result.updated_ids == ["muzeum-kresow-w-lubaczowie"] and result.created_ids == []
    assert store.count_products() == 5
    after = store.get_product("muzeum-kresow-w-lubaczowie")
    assert after.name_pl == "Muzeum Kresów" and after.months == [5, 6, 7, 8, 9]
    # Columns the file does not have keep their values.
    assert after.description_pl == before.description_pl and after.partner_id == before.partner_id
    assert after.created_at == before.created_at
    audit = store.audit_frame()
    assert ((audit["object_id"] == after.id) & (audit["actor"] == "staff")).any()


def test_pending_import_goes_to_moderation(store, tmp_path):
    import_file(store, CP1250)
    path = write_csv(
        tmp_path / "update.csv",
        ["id", "nazwa", "kategoria", "szerokość", "długość"],
        [
            ["muzeum-kresow-w-lubaczowie", "Muzeum Kresów – nowa nazwa", "museum", "50,1565", "23,1225"],
            ["", "Kolegiata Bożego Ciała w Jarosławiu", "heritage", "50,02067", "22,682"],
        ],
    )  # fmt: skip
    result = import_file(store, path, status="pending", actor="staff")
    assert result.report.ok, result.report.to_text()
    # The published museum stays live until the edit is approved.
    assert store.get_product("muzeum-kresow-w-lubaczowie").name_pl == "Muzeum Kresów w Lubaczowie"
    new = store.get_product("kolegiata-bozego-ciala-w-jaroslawiu")
    assert new.status == Status.PENDING.value
    published = store.products_frame()
    assert "kolegiata-bozego-ciala-w-jaroslawiu" not in set(published["id"])
    queue = store.moderation_queue()
    assert sorted(queue["kind"]) == ["edit", "new"]
    edit = queue[queue["kind"] == "edit"].iloc[0]
    store.approve(int(edit["revision_id"]), "moderator")
    assert store.get_product("muzeum-kresow-w-lubaczowie").name_pl == "Muzeum Kresów – nowa nazwa"


def test_import_status_and_format_are_allow_listed(store):
    with pytest.raises(ValueError, match="status"):
        import_file(store, CP1250, status="archived")
    with pytest.raises(ValueError, match="format"):
        export_catalogue(store, "pdf", io.BytesIO())


def test_nothing_is_half_written_when_saving_fails(store):
    import sqlalchemy as sa

    # The disk fills up after the products are written, at their audit entries: the same
    # transaction, so the products and partners written before must be rolled back too.
    def failing(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG") and executemany:
            raise RuntimeError("disk full")

    sa.event.listen(store.write_engine, "before_cursor_execute", failing)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            import_file(store, CP1250)
    finally:
        sa.event.remove(store.write_engine, "before_cursor_execute", failing)
    assert store.count_products() == 0 and store.partners_frame().empty


def test_validate_file_matches_import_without_storing(store):
    report = validate_file(store, PROBLEMS, lang="en")
    assert {(i.row, i.code) for i in report.errors} == {(r, k) for r, _c, k in PROBLEM_ERRORS}
    assert store.count_products() == 0


def test_duplicates_of_catalogue_products_are_warned(store, tmp_path):
    import_file(store, CP1250)
    path = write_csv(
        tmp_path / "again.csv",
        ["nazwa", "kategoria", "szerokość", "długość"],
        [["Arboretum Bolestraszyce", "przyroda", "49,8112", "22,8479"]],
    )
    result = import_file(store, path)
    [warning] = result.report.warnings
    assert warning.code == "likely_duplicate_existing"
    assert warning.params["other_id"] == "arboretum-w-bolestraszycach"
    assert result.imported == 1  # only a warning: staff decide


# -- export and round trips -------------------------------------------------------------------------


TRICKY_HEADER = [
    "nazwa", "kategoria", "szerokość", "długość", "opis", "nazwa_en", "opis_uk", "partner",
    "typ partnera", "gmina", "adres", "strona", "e-mail", "telefon", "cena", "bezpłatne",
    "miesiące", "data od", "data do", "wózek", "rodziny z dziećmi", "zwierzęta", "języki", "tagi",
    "źródło",
]  # fmt: skip
TRICKY_ROWS = [
    [
        "=HYPERLINK(\"http://evil\";\"klik\")", "events", "49,78420", "22,76760",
        "-20% dla grup\n\nDrugi akapit: @zamek", "+Szwejk", "Маневри", "Gmina Miejska Przemyśl",
        "publiczny", "Przemyśl", "Rynek", "https://www.przemysl.pl", "info@example.org",
        "16 678 00 00; 600 100 200", "-", "nie", "11-2", "15.08.2027", "2027-08-17", "tak", "",
        "nie", "pl;uk", "=tag; @wydarzenie", "''=źródło",
    ],
    [
        "Arboretum w Bolestraszycach", "Przyroda", "49,8111", "22,8478", "", "", "", "", "",
        "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    ],
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_export_import_round_trip_is_lossless(store, tmp_path, fmt):
    source = write_csv(tmp_path / "tricky.csv", TRICKY_HEADER, TRICKY_ROWS)
    first = import_file(store, source)
    assert first.report.ok, first.report.to_text()
    # The cp1250 file has the same arboretum (same place, same name): it updates that one.
    assert list(import_file(store, CP1250).matched_rows.values()) == ["arboretum-w-bolestraszycach"]
    out = tmp_path / f"export.{fmt}"
    assert export_catalogue(store, fmt, out) == 6

    from catalogue.storage import CatalogueStore

    fresh = CatalogueStore(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    fresh.create_schema()
    second = import_file(fresh, out)
    assert second.report.ok, second.report.to_text()
    assert second.imported == 6
    for product_id in store.products_frame()["id"]:
        original, copy = store.get_product(product_id), fresh.get_product(product_id)
        assert copy.content_dict() == original.content_dict(), product_id
    tricky = fresh.get_product(first.imported_ids[0])
    assert tricky.name_pl == '=HYPERLINK("http://evil";"klik")'
    assert tricky.phone == "+48 166 780 000, +48 600 100 200"
    assert tricky.months == [1, 2, 11, 12] and tricky.source_note == "'=źródło"
    partners = fresh.partners_frame().set_index("id")
    assert partners.loc["gmina-miejska-przemysl", "sector"] == "public"
    fresh.dispose()


def test_csv_export_neutralises_formulas(store, tmp_path):
    import_file(store, write_csv(tmp_path / "tricky.csv", TRICKY_HEADER, TRICKY_ROWS))
    out = tmp_path / "export.csv"
    export_catalogue(store, "csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    tricky = next(r for r in rows if r["category"] == "events")
    assert tricky["name"] == '\'=HYPERLINK("http://evil";"klik")'
    assert tricky["description"].startswith("'-20% dla grup")
    assert tricky["name_en"] == "'+Szwejk"
    assert tricky["phone"] == "'+48 166 780 000, +48 600 100 200"
    assert tricky["price"] == "'-"
    assert tricky["tags"] == "'=tag;@wydarzenie"
    assert tricky["source"] == "''=źródło"  # already quoted text gets one more quote
    assert tricky["lat"] == "49.7842" and tricky["event_start"] == "2027-08-15"
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r", value


def test_xlsx_export_has_no_formula_cells(store, tmp_path):
    import_file(store, write_csv(tmp_path / "tricky.csv", TRICKY_HEADER, TRICKY_ROWS))
    out = tmp_path / "export.xlsx"
    export_catalogue(store, "xlsx", out)
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]] == list(EXPORT_COLUMNS)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert cell.value[0] not in "=+-@\t\r"
    name_col = EXPORT_COLUMNS.index("name")
    names = [row[name_col].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil";"klik")' in names


def test_geojson_export_is_plain_data(store, tmp_path):
    import_file(store, write_csv(tmp_path / "tricky.csv", TRICKY_HEADER, TRICKY_ROWS))
    buffer = io.BytesIO()
    export_catalogue(store, "geojson", buffer)
    doc = json.loads(buffer.getvalue())
    feature = next(f for f in doc["features"] if f["properties"]["category"] == "events")
    assert feature["geometry"] == {"type": "Point", "coordinates": [22.7676, 49.7842]}
    props = feature["properties"]
    assert props["phone"] == "+48 166 780 000, +48 600 100 200"
    assert props["languages"] == ["pl", "uk"] and props["free"] is False
    assert props["family"] is None and props["event_end"] == "2027-08-17"


def test_export_of_a_frame_and_of_other_statuses(store, tmp_path):
    import_file(store, CP1250)
    import_file(
        store,
        write_csv(
            tmp_path / "p.csv",
            ["nazwa", "kategoria", "szerokość", "długość"],
            [["Kolegiata Bożego Ciała w Jarosławiu", "heritage", "50,02067", "22,682"]],
        ),
        status="pending",
    )
    buffer = io.BytesIO()
    assert export_catalogue(store, "csv", buffer) == 5
    assert export_catalogue(store, "csv", io.BytesIO(), statuses=["pending"]) == 1
    frame = store.products_frame().head(2)
    assert export_catalogue(frame, "geojson", io.BytesIO()) == 2


def test_polish_excel_csv_uses_semicolons_decimal_commas_and_keeps_month_ranges(
    sqlite_store, tmp_path
):
    import_file(sqlite_store, write_csv(tmp_path / "tricky.csv", TRICKY_HEADER, TRICKY_ROWS))
    out = tmp_path / "excel.csv"
    export_catalogue(sqlite_store, "csv", out, csv_dialect="excel-pl")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(EXPORT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    tricky = next(r for r in rows if r["category"] == "events")
    assert tricky["lat"] == "49,7842" and tricky["lon"] == "22,7676"
    # "11-2" (November to February) would become a date in Excel: kept as text.
    assert tricky["months"] == "'11-2"
    assert tricky["name"] == '\'=HYPERLINK("http://evil";"klik")'
    assert tricky["event_start"] == "2027-08-15"
    # The importer reads it back unchanged.
    from catalogue.storage import CatalogueStore

    fresh = CatalogueStore(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    fresh.create_schema()
    again = import_file(fresh, out)
    assert again.report.ok, again.report.to_text()
    for product_id in sqlite_store.products_frame()["id"]:
        original, copy = sqlite_store.get_product(product_id), fresh.get_product(product_id)
        assert copy.content_dict() == original.content_dict(), product_id
    fresh.dispose()
    with pytest.raises(ValueError):
        export_catalogue(sqlite_store, "csv", tmp_path / "x.csv", csv_dialect="excel-de")
