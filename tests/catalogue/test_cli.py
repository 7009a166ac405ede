"""``python -m catalogue``: exit codes and output on a temporary DB (in-process ``main``; one
real subprocess per exit code)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from catalogue.__main__ import main
from catalogue.file_reading import read_table
from catalogue.importing import import_file
from catalogue.sample_loading import SAMPLE_PARTNERS, SAMPLE_PRODUCTS, load_sample_catalogue
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import Status
from catalogue.template import write_template

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "tests" / "data" / "catalogue"


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run the CLI's ``main`` in this process against ``tmp_path/catalogue.sqlite``.

    Returns (exit code, stdout, stderr); argparse's refusals exit with 2 as they would.
    ``test_python_dash_m_catalogue`` runs the real ``python -m catalogue`` once per exit code.
    """
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "catalogue.sqlite"))

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
        out, err = capsys.readouterr()
        return code, out, err

    run.db = tmp_path / "catalogue.sqlite"
    return run


def run_process(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m catalogue ARGS`` in a new interpreter on ``tmp_path/catalogue.sqlite``."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CATALOGUE_DB"] = str(tmp_path / "catalogue.sqlite")
    env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "catalogue", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("validate", str(DATA / "partner_cp1250.csv")), 0, "Poprawne wiersze: 5 z 5"),
        (("validate", str(DATA / "problems.csv"), "--lang", "en"), 1, "Valid rows: 3 of 20"),
        (("export", "--format", "pdf", "--out", "x.pdf"), 2, "invalid choice"),
    ],
)
def test_python_dash_m_catalogue(tmp_path, args, code, says):
    # One real process per exit code: the module runs and its code reaches the shell.
    done = run_process(tmp_path, *args)
    assert done.returncode == code, done.stderr
    assert says in done.stdout + done.stderr


def store_at(path: Path) -> CatalogueStore:
    return CatalogueStore(f"sqlite:///{path}")


def sample_rows() -> int:
    with open(SAMPLE_PRODUCTS, encoding="utf-8-sig", newline="") as fh:
        return sum(1 for row in csv.DictReader(fh) if any(v.strip() for v in row.values()))


def needs_sample():
    if not SAMPLE_PRODUCTS.exists():
        pytest.skip("catalogue/sample/products.csv not written yet")


def test_validate_exit_codes_and_report(cli):
    code, out, _ = cli("validate", str(DATA / "partner_cp1250.csv"))
    assert code == 0 and "Poprawne wiersze: 5 z 5; błędy: 0" in out
    code, out, _ = cli("validate", str(DATA / "problems.csv"))
    assert code == 1
    assert "Wiersz 4, kolumna „category”: nieznana kategoria „zamki”" in out
    assert "Wiersz 7, kolumna „lat”: punkt (50.03750, 22.00490) leży poza" in out
    code, out, _ = cli("validate", str(DATA / "problems.csv"), "--lang", "en")
    assert code == 1 and 'Row 10, column "website": "javascript:"' in out
    assert "Valid rows: 3 of 20; errors: 17, warnings: 3." in out


def test_unreadable_file_is_an_error(cli, tmp_path):
    path = tmp_path / "oferty.pdf"
    path.write_bytes(b"%PDF")
    code, _, err = cli("validate", str(path))
    assert code == 1 and "CSV, XLSX" in err
    code, _, err = cli("import", str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv" in err


def test_import_rejects_a_bad_file_and_valid_only_imports_the_rest(cli):
    code, out, _ = cli("import", str(DATA / "problems.csv"), "--lang", "en")
    assert code == 1 and "nothing was imported" in out
    assert store_at(cli.db).count_products() == 0
    code, out, _ = cli("import", str(DATA / "problems.csv"), "--valid-only", "--lang", "en")
    assert code == 0 and "Imported 3 (new: 3, updated: 0), skipped rows: 17" in out
    assert store_at(cli.db).count_products(Status.PUBLISHED) == 3


def test_import_pending_goes_to_moderation(cli):
    code, out, _ = cli("import", str(DATA / "partner.geojson"), "--pending", "--actor", "ania")
    assert code == 0 and "Zaimportowano 2" in out
    store = store_at(cli.db)
    assert store.count_products(Status.PENDING) == 2 and store.count_products(Status.PUBLISHED) == 0
    assert set(store.moderation_queue()["submitted_by"]) == {"ania"}


def test_export_formats(cli, tmp_path):
    assert cli("import", str(DATA / "partner_cp1250.csv"))[0] == 0
    for fmt in ("csv", "xlsx", "geojson"):
        out = tmp_path / f"katalog.{fmt}"
        code, stdout, _ = cli("export", "--format", fmt, "--out", str(out))
        assert code == 0 and "Exported 5 products" in stdout
        records, _ = read_table(out)
        assert len(records) == 5
    doc = json.loads((tmp_path / "katalog.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["district"] for f in doc["features"]} == {
        "1804",
        "1809",
        "1813",
        "1814",
    }
    code, _, err = cli("export", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "invalid choice" in err


def test_template_is_readable_by_the_importer(cli, tmp_path):
    template = tmp_path / "szablon.xlsx"
    code, out, _ = cli("template", "--out", str(template))
    assert code == 0 and template.exists()
    book = load_workbook(template)
    assert book.sheetnames == ["Oferty", "Instrukcja"]
    sheet = book["Oferty"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["nazwa", "kategoria", "szerokość", "długość"]
    guide = "\n".join(str(c.value) for c in book["Instrukcja"]["B"] if c.value)
    assert "cały rok" in guide and "heritage" in guide and "social_economy" in guide
    # A partner fills in the example row: their organisation and its sector.
    example = {h: i + 1 for i, h in enumerate(header)}
    sheet.cell(row=2, column=example["partner"], value="Agencja Rozwoju Przemysłu S.A.")
    sheet.cell(row=2, column=example["typ partnera"], value="biznes")
    sheet.cell(row=2, column=example["rodziny z dziećmi"], value="tak")
    book.save(template)
    code, out, _ = cli("import", str(template))
    assert code == 0, out
    product = store_at(cli.db).get_product("zamek-w-krasiczynie")
    assert product.name_pl == "Zamek w Krasiczynie" and product.category == "heritage"
    assert (product.district_teryt, product.gmina_teryt) == ("1813", "1813042")
    assert product.partner_id == "agencja-rozwoju-przemyslu-s-a"
    assert product.months == list(range(1, 13)) and product.languages == ["pl", "en"]
    assert product.phone == "" and product.email == ""  # nothing invented


def test_template_example_left_as_written_is_not_imported(sqlite_store, tmp_path):
    path = tmp_path / "szablon.xlsx"
    write_template(path)
    result = import_file(sqlite_store, path, valid_only=True)
    assert result.imported == 0
    assert sqlite_store.get_product("zamek-w-krasiczynie") is None
    # One cell overwritten: the row is the partner's own now and imports.
    book = load_workbook(path)
    sheet = book["Oferty"]
    column = [c.value for c in sheet[1]].index("nazwa") + 1
    sheet.cell(row=2, column=column, value="Zamek w Krasiczynie – zwiedzanie")
    book.save(path)
    result = import_file(sqlite_store, path)
    assert result.report.ok and result.imported == 1


def test_init_loads_the_sample_once_and_stats(cli):
    needs_sample()
    code, out, _ = cli("init")
    assert code == 0 and f"Loaded the sample catalogue: {sample_rows()} products." in out
    code, out, _ = cli("init")
    assert code == 0 and "sample not loaded" in out
    code, out, _ = cli("stats")
    assert code == 0
    assert f"Products: {sample_rows()}" in out and f"published: {sample_rows()}" in out
    for heading in ("Category:", "District:", "Partner sector:", "1862 City of Przemyśl"):
        assert heading in out


def test_sample_catalogue_imports_cleanly(sqlite_store):
    needs_sample()
    count = load_sample_catalogue(sqlite_store)
    assert count == sample_rows()
    frame = sqlite_store.products_frame()
    assert len(frame) == count and set(frame["source"]) == {"sample"}
    assert set(frame["district_teryt"]) == {"1804", "1809", "1813", "1814", "1862"}
    assert frame["gmina_teryt"].str.len().eq(7).all()
    with open(SAMPLE_PARTNERS, encoding="utf-8-sig", newline="") as fh:
        partner_ids = {row["id"] for row in csv.DictReader(fh)}
    assert partner_ids <= set(sqlite_store.partners_frame()["id"])
    assert load_sample_catalogue(sqlite_store) == 0  # not twice


def test_partners_file_then_offerings_give_what_social_enterprises_offer(cli, tmp_path):
    from fairkit.stats import social_enterprise_offerings

    needs_sample()
    assert cli("init")[0] == 0
    # Made up for the test (the names say "Testowa"); the sample has no social enterprise.
    partners = tmp_path / "partners.csv"
    partners.write_text(
        "id,name,sector,legal_form_code,gmina,social_enterprise,se_decision_number,se_decision_date\n"
        "coop-testowa,Spółdzielnia Socjalna Testowa,social_economy,spoldzielnia_socjalna,"
        "Jarosław,tak,ES-TEST/1/2024,2024-05-06\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,sector\nx,Zła,kosmos\n", encoding="utf-8")
    code, _, err = cli("partners", str(bad))
    assert code == 1 and "row 2" in err and "kosmos" in err
    code, out, _ = cli("partners", str(partners))
    assert code == 0 and "1" in out
    offers = tmp_path / "offers.csv"
    offers.write_text(
        "nazwa;kategoria;współrzędne;partner;strona\n"
        "Pierogi testowe;food;50.0163, 22.6777;Spółdzielnia Socjalna Testowa;https://www.jaroslaw.pl\n"
        "Warsztaty testowe;workshops;50.0170, 22.6790;Spółdzielnia Socjalna Testowa;https://www.jaroslaw.pl\n",
        encoding="utf-8",
    )
    assert cli("import", str(offers))[0] == 0
    store = store_at(cli.db)
    try:
        partner = store.get_partner("coop-testowa")
        assert partner.social_enterprise is True and partner.se_decision_number == "ES-TEST/1/2024"
        table = social_enterprise_offerings(store.products_frame(), store.partners_frame(), "pl")
    finally:
        store.dispose()
    jar = table.set_index("teryt").loc["1804"]
    assert (jar["food"], jar["workshops"], jar["products"], jar["se_partners"]) == (1, 1, 2, 1)
    assert int(table.iloc[-1]["products"]) == 2  # nothing else in the sample is listed


def test_cli_imports_files_over_the_browser_cap(cli, tmp_path, sqlite_store):
    # About 11 MB: 2,200 offerings with long descriptions, on a grid around Jarosław.
    description = ("Zabytkowa zagroda nad Sanem, zwiedzanie z przewodnikiem. " * 84)[:4900]
    rows = [
        [
            f"Oferta {i} w Jarosławiu",
            "heritage",
            f"{50.000 + (i // 50) * 0.001:.4f}".replace(".", ","),
            f"{22.620 + (i % 50) * 0.002:.4f}".replace(".", ","),
            description,
        ]
        for i in range(2_200)
    ]
    path = tmp_path / "duzy.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(["nazwa", "kategoria", "szerokość", "długość", "opis"])
        writer.writerows(rows)
    assert path.stat().st_size > 10 * 1024 * 1024
    # The browser's upload cap still refuses it...
    with pytest.raises(ValueError, match="10 MB"):
        import_file(sqlite_store, path)
    # ...the staff command line imports it whole.
    code, out, err = cli("import", str(path))
    assert code == 0, err + out
    store = store_at(cli.db)
    try:
        assert store.count_products(Status.PUBLISHED.value) == len(rows)
    finally:
        store.dispose()
