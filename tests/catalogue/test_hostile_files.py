"""Hostile uploads are refused under budget: the message, the peak memory, nothing stored.

Every file is rebuilt here (see ``hostile_files.py``). The worst ones are imported in a
fresh Python process, whose peak resident memory (``VmHWM``) is the figure asserted:
the budget is 500 MB for any upload of at most 10 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from catalogue.file_reading import FileRefused, ReadBudget, read_table
from catalogue.importing import import_file
from tests.catalogue import hostile_files as hostile

ROOT = Path(__file__).resolve().parents[2]
PEAK_BUDGET_MB = 500

_IMPORT_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from catalogue.file_reading import FileRefused
    from catalogue.importing import import_file
    from catalogue.storage import CatalogueStore

    path, db, lang = sys.argv[1:4]
    store = CatalogueStore("sqlite:///" + db)
    store.create_schema()
    started = time.monotonic()
    outcome = {"code": None, "message": ""}
    try:
        result = import_file(store, path, lang=lang)
        outcome["imported"] = result.imported
    except FileRefused as exc:
        outcome = {"code": exc.code, "message": exc.message(lang)}
    outcome["seconds"] = time.monotonic() - started
    outcome["stored"] = store.count_products()
    # VmHWM is this process image's own peak; ru_maxrss would also count the parent's
    # memory at fork time (Linux keeps it across exec), i.e. a big pytest run's.
    hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    outcome["peak_mb"] = int(hwm.split()[1]) / 1024
    print(json.dumps(outcome))
    """
)


def import_in_subprocess(tmp_path: Path, name: str, data: bytes, lang: str = "pl") -> dict:
    """Import ``data`` as file ``name`` into a fresh SQLite store in a new process."""
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_SCRIPT, str(path), str(tmp_path / "c.sqlite"), lang],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{name}: {len(data)} bytes, {outcome}")  # the figures for the report (-s)
    return outcome


def _header() -> list[str]:
    return ["nazwa", "kategoria", "szerokość", "długość"]


# (id, file name, builder, refusal code, words the Polish message must contain)
XLSX_CASES = [
    ("bomb-1GB-cell", "bomba.xlsx", lambda: hostile.cell_bomb(1.0), "xlsx_too_big_inside", "MB"),
    (
        "bomb-lying-directory",
        "klamca.xlsx",
        lambda: hostile.cell_bomb(0.25, declared_bytes=4096),
        "xlsx_broken",
        "CRC",
    ),
    ("16384-columns", "szeroki.xlsx", hostile.wide_sheet, "too_many_cells", "komórek"),
    (
        "16384-columns-varied",
        "szeroki2.xlsx",
        lambda: hostile.wide_sheet(20, 16_384, varied=True),
        "too_many_columns",
        "64 kolumnach",
    ),
    ("row-1048576", "daleko.xlsx", hostile.far_rows, "too_many_rows", "20000 wierszy"),
    (
        "100k-char-cell",
        "dluga.xlsx",
        lambda: hostile.workbook(rows=[_header(), ["x" * 100_000, "a", "1", "2"]]),
        "cell_too_long",
        "Wiersz 2, kolumna A",
    ),
]


@pytest.mark.parametrize(
    ("name", "builder", "code", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in XLSX_CASES],
)
def test_hostile_workbook_is_refused_within_memory_and_stores_nothing(
    tmp_path, name, builder, code, words
):
    outcome = import_in_subprocess(tmp_path, name, builder())
    assert outcome["code"] == code, outcome
    assert words in outcome["message"]
    assert outcome["stored"] == 0
    assert outcome["peak_mb"] < PEAK_BUDGET_MB, outcome


def test_csv_bombs_are_refused_within_memory(tmp_path):
    # 10 MB of separators: one row of ten million empty fields, then a value far right.
    wide = b"nazwa;" + b";" * (9 * 1024 * 1024) + b"x\n"
    outcome = import_in_subprocess(tmp_path, "sredniki.csv", wide, lang="en")
    assert outcome["code"] == "too_many_columns", outcome
    assert "more than 64 columns" in outcome["message"]
    assert outcome["stored"] == 0
    assert outcome["peak_mb"] < PEAK_BUDGET_MB, outcome

    long_field = ("nazwa,kategoria\n" + "y" * 9_000_000 + ",a\n").encode()
    outcome = import_in_subprocess(tmp_path, "pole.csv", long_field, lang="uk")
    assert outcome["code"] == "field_too_long", outcome
    assert outcome["message"].startswith("Рядок 2: поле має понад 32767 символів")
    assert outcome["stored"] == 0
    assert outcome["peak_mb"] < PEAK_BUDGET_MB, outcome


def test_a_normal_file_still_imports_in_the_subprocess(tmp_path):
    """The harness itself: a good row is stored, so a 0 above means refused, not broken."""
    data = hostile.workbook(
        rows=[_header(), ["Zamek w Krasiczynie", "Zabytki i atrakcje", "49,7761", "22,6492"]]
    )
    outcome = import_in_subprocess(tmp_path, "dobry.xlsx", data)
    assert outcome["code"] is None, outcome
    assert outcome["stored"] == 1


def test_declared_width_is_not_padded_to_16384_columns():
    data = hostile.declared_wide_sheet([["nazwa", "kategoria"], ["Zamek", "zabytki"]])
    records, header = read_table(data, "x.xlsx")
    assert header == ["nazwa", "kategoria"]
    assert records == [{"nazwa": "Zamek", "kategoria": "zabytki"}]


def test_entity_expansion_in_a_workbook_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&b;</t></si></sst>"
    )
    with pytest.raises(FileRefused) as refused:
        read_table(hostile.workbook(rows=[["nazwa"]], strings_xml=laughs), "x.xlsx")
    assert refused.value.code == "xlsx_broken"


def test_too_many_sheets_rows_and_time_are_budgets():
    data = hostile.workbook(rows=[["nazwa"], ["a"], ["b"], ["c"]])
    with pytest.raises(FileRefused) as refused:
        read_table(data, "x.xlsx", budget=ReadBudget(max_rows=2))
    assert refused.value.code == "too_many_rows"
    assert "2 rows" in refused.value.message("en")
    with pytest.raises(FileRefused) as refused:
        read_table(data, "x.xlsx", budget=ReadBudget(max_seconds=0.0))
    assert refused.value.code == "too_slow"
    with pytest.raises(FileRefused) as refused:
        read_table(b"nazwa\n" + b"a\n" * 5, "x.csv", budget=ReadBudget(max_rows=2))
    assert refused.value.code == "too_many_rows"


def test_broken_and_deep_geojson_are_refused_in_the_users_language():
    deep = b'{"type": "FeatureCollection", "features": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    with pytest.raises(FileRefused) as refused:
        read_table(deep, "x.geojson")
    assert refused.value.code == "geojson_broken"
    assert refused.value.message("uk").startswith("Пошкоджений файл GeoJSON")
    long_value = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [22.6, 49.8]},
                "properties": {"name": "z" * 40_000},
            }
        ],
    }
    with pytest.raises(FileRefused) as refused:
        read_table(json.dumps(long_value).encode(), "x.geojson")
    assert refused.value.code == "cell_too_long"
    assert "Row 1, column name" in refused.value.message("en")


def test_refusals_are_localised_and_keep_both_languages_in_str():
    with pytest.raises(FileRefused) as refused:
        read_table(b"x" * 11 * 1024 * 1024, "x.csv")
    exc = refused.value
    assert exc.message("pl") == "Plik jest większy niż 10 MB. Podziel go na części."
    assert exc.message("en") == "The file is larger than 10 MB. Split it into parts."
    assert exc.message("uk") == "Файл більший за 10 МБ. Розділіть його на частини."
    assert str(exc) == f"{exc.message('pl')} / {exc.message('en')}"


def test_nothing_is_stored_when_a_file_is_refused(sqlite_store):
    with pytest.raises(FileRefused):
        import_file(sqlite_store, hostile.wide_sheet(), filename="w.xlsx")
    assert sqlite_store.count_products() == 0
