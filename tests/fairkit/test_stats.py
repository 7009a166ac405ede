"""Statistics against counts computed independently here, row by row, from the catalogue."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from openpyxl import load_workbook

from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import CATEGORIES
from fairkit.stats import (
    OTHER,
    district_category_counts,
    featured_products,
    localise_columns,
    neutralise_cell,
    partners_by_district,
    products_per_district,
    quality_issues,
    quality_summary,
    sector_counts,
    social_economy_by_district,
    to_csv_bytes,
    to_xlsx_bytes,
)
from geodata import DISTRICT_TERYTS

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The bundled sample catalogue (products, partners) from a fresh database."""
    store = CatalogueStore(f"sqlite:///{tmp_path_factory.mktemp('stats') / 'c.sqlite'}")
    store.create_schema()
    load_sample_catalogue(store)
    yield store.products_frame(), store.partners_frame()
    store.dispose()


def _p(pid, teryt, category, sector="", partner="", **extra) -> dict:
    row = {
        "id": pid,
        "name_pl": f"Oferta {pid}",
        "name_en": f"Offer {pid}",
        "name_uk": f"Пропозиція {pid}",
        "description_pl": "Opis",
        "description_en": "Description",
        "description_uk": "Опис",
        "category": category,
        "district_teryt": teryt,
        "partner_id": partner,
        "partner_sector": sector,
        "partner_name": partner.upper(),
        "website": "https://x.pl",
        "email": "",
        "phone": "",
        "months_mask": 0,
        "updated_at": pd.Timestamp("2026-05-01"),
    }
    row.update(extra)
    return row


@pytest.fixture
def synthetic() -> pd.DataFrame:
    """Social-economy offerings in two districts, one outside, one without a partner."""
    return pd.DataFrame(
        [
            _p("1", "1804", "food", "social_economy", "se1"),
            _p("2", "1804", "food", "social_economy", "se1"),
            _p("3", "1804", "heritage", "public", "pub1"),
            _p("4", "1809", "local_products", "social_economy", "se2"),
            _p("5", "1862", "museum", "ngo", "ngo1", name_en="", description_uk=""),
            _p(
                "6",
                "",
                "nature",
                "",
                "",
                website="",
                description_pl="",
                description_en="",
                description_uk="",
            ),
            _p("7", "1813", "events", "business", "biz", updated_at=pd.Timestamp("2024-01-01")),
            _p("8", "1813", "events", "social_economy", "se1", updated_at=None),
        ]
    )


# -- the question the cluster asks -------------------------------------------------------------


def test_social_economy_offerings_per_district_on_the_sample(catalogue):
    products, _ = catalogue
    expected_all, expected_se = Counter(), Counter()
    for rec in products.to_dict("records"):
        key = rec["district_teryt"] if rec["district_teryt"] in DISTRICT_TERYTS else OTHER
        expected_all[key] += 1
        if rec["partner_sector"] == "social_economy":
            expected_se[key] += 1
    table = social_economy_by_district(products, "pl")
    body = table.iloc[:-1]
    for teryt in DISTRICT_TERYTS:
        row = body[body["teryt"] == teryt].iloc[0]
        assert row["products"] == expected_all[teryt]
        assert row["social_economy"] == expected_se[teryt]
    total = table.iloc[-1]
    assert total["district"] == "Razem"
    assert total["products"] == len(products)
    assert total["social_economy"] == sum(expected_se.values())


def test_social_economy_offerings_per_district_synthetic(synthetic):
    table = social_economy_by_district(synthetic, "en")
    got = dict(zip(table["district"], table["social_economy"], strict=True))
    assert got == {
        "Jarosław County": 2,
        "Lubaczów County": 1,
        "Przemyśl County": 1,
        "Przeworsk County": 0,
        "City of Przemyśl": 0,
        "Outside / unknown": 0,
        "Total": 4,
    }
    jar = table[table["teryt"] == "1804"].iloc[0]
    assert jar["products"] == 3 and jar["share_pct"] == pytest.approx(66.7)
    assert table.iloc[-1]["share_pct"] == pytest.approx(50.0)


# -- products by district and category, by sector -------------------------------------------------


def test_district_category_matrix_matches_row_by_row_counts(catalogue):
    products, _ = catalogue
    expected = Counter(
        (r["district_teryt"] if r["district_teryt"] in DISTRICT_TERYTS else OTHER, r["category"])
        for r in products.to_dict("records")
    )
    table = district_category_counts(products, "pl")
    slugs = [c.slug for c in CATEGORIES]
    assert list(table.columns) == ["teryt", "district", *slugs, "products"]
    for _, row in table.iloc[:-1].iterrows():
        key = row["teryt"] or OTHER
        for slug in slugs:
            assert row[slug] == expected[(key, slug)], (key, slug)
        assert row["products"] == sum(expected[(key, s)] for s in slugs)
    total = table.iloc[-1]
    assert total["products"] == len(products)
    for slug in slugs:
        assert total[slug] == sum(1 for r in products.to_dict("records") if r["category"] == slug)
    assert products_per_district(products) == {
        t: sum(1 for r in products.to_dict("records") if r["district_teryt"] == t)
        for t in DISTRICT_TERYTS
    }


def test_other_district_row_only_when_needed(synthetic):
    table = district_category_counts(synthetic, "pl")
    assert list(table["district"])[-2:] == ["Poza powiatami / brak", "Razem"]
    assert table.iloc[-2]["nature"] == 1
    inside = district_category_counts(synthetic[synthetic["district_teryt"] != ""], "pl")
    assert len(inside) == len(DISTRICT_TERYTS) + 1


def test_sector_counts(catalogue, synthetic):
    products, _ = catalogue
    table = sector_counts(products, "en")
    expected = Counter(r["partner_sector"] or "none" for r in products.to_dict("records"))
    got = dict(zip(table["sector"], table["products"], strict=True))
    for sector in ("public", "business", "ngo", "social_economy"):
        assert got[sector] == expected[sector]
    assert got.get("none", 0) == expected["none"]
    assert got[""] == len(products)
    assert table["share_pct"].iloc[:-1].sum() == pytest.approx(100, abs=0.3)
    syn = sector_counts(synthetic, "pl").set_index("sector")
    assert syn.loc["social_economy", "products"] == 4
    assert syn.loc["social_economy", "share_pct"] == pytest.approx(50.0)
    assert syn.loc["none", "sector_label"] == "Bez partnera"


def test_partners_by_district(catalogue):
    products, partners = catalogue
    table = partners_by_district(partners, products, "pl")
    seated = Counter(
        (
            str(r["gmina_teryt"] or "")[:4]
            if str(r["gmina_teryt"] or "")[:4] in DISTRICT_TERYTS
            else OTHER,
            r["sector"],
        )
        for r in partners.to_dict("records")
    )
    active: dict[str, set] = {}
    for r in products.to_dict("records"):
        if isinstance(r["partner_id"], str) and r["partner_id"]:
            active.setdefault(r["district_teryt"], set()).add(r["partner_id"])
    for _, row in table.iloc[:-1].iterrows():
        key = row["teryt"] or OTHER
        for sector in ("public", "business", "ngo", "social_economy"):
            assert row[f"seated_{sector}"] == seated[(key, sector)]
        assert row["partners_active"] == len(active.get(row["teryt"], set()))
    total = table.iloc[-1]
    assert total["partners_seated"] == len(partners)
    assert total["partners_active"] == len({p for s in active.values() for p in s})


def test_partners_active_counts_each_partner_once_per_district(synthetic):
    table = partners_by_district(pd.DataFrame(columns=["gmina_teryt", "sector"]), synthetic)
    by = table.set_index("district")
    assert by.loc["powiat jarosławski", "partners_active"] == 2  # se1 twice, pub1
    assert by.loc["powiat jarosławski", "social_economy_active"] == 1
    assert by.loc["powiat przemyski", "social_economy_active"] == 1
    assert by.loc["Razem", "social_economy_active"] == 2  # se1 and se2
    assert by.loc["Razem", "partners_active"] == 5


# -- data quality -------------------------------------------------------------------------------


def test_quality_flags(synthetic):
    issues = quality_issues(synthetic, "pl", photo_counts={"1": 2, "3": 1}, today=NOW)
    flags = issues.set_index("id")
    assert bool(flags.loc["5", "missing_en"]) and bool(flags.loc["5", "missing_uk"])
    assert not flags.loc["1", "missing_en"] and not flags.loc["1", "missing_uk"]
    assert bool(flags.loc["6", "no_description"]) and bool(flags.loc["6", "no_contact"])
    assert not flags.loc["1", "no_contact"]
    assert list(flags["no_photo"]) == [False, True, False, True, True, True, True, True]
    # Older than 365 days, or never recorded, is stale.
    assert list(flags["stale"]) == [False] * 6 + [True, True]
    assert flags.loc["7", "days_since_update"] > 365
    assert flags.loc["6", "district"] == "Poza powiatami / brak"
    summary = quality_summary(issues, "pl").set_index("district")
    assert summary.loc["Razem", "stale"] == 2
    assert summary.loc["Razem", "no_photo"] == 6
    assert summary.loc["powiat przemyski", "products"] == 2
    # Without photo information there is no photo column rather than a guess.
    assert "no_photo" not in quality_issues(synthetic, "pl", today=NOW).columns


def test_quality_on_the_sample_matches_direct_checks(catalogue):
    products, _ = catalogue
    issues = quality_issues(products, "en", today=datetime.now(UTC) + timedelta(days=400))
    records = products.to_dict("records")
    assert int(issues["missing_en"].sum()) == sum(
        1
        for r in records
        if not r["name_en"].strip() or (r["description_pl"].strip() and not r["description_en"])
    )
    assert int(issues["no_contact"].sum()) == sum(
        1 for r in records if not (r["website"] or r["email"] or r["phone"])
    )
    # 400 days ahead every freshly imported row is stale.
    assert bool(issues["stale"].all())


def test_featured_products_prefer_translated_and_complete(synthetic):
    featured = featured_products(synthetic, per_district=1)
    assert list(featured["district_teryt"]) == ["1804", "1809", "1813", "1862"]
    # "6" has no description and no district, so it never features.
    assert "6" not in set(featured["id"])
    # In 1862 the only candidate lacks translations but still features.
    assert featured.set_index("district_teryt").loc["1862", "id"] == "5"
    richer = synthetic.copy()
    richer.loc[richer["id"] == "3", ["phone", "email"]] = ["+48 1", "a@b.pl"]
    assert featured_products(richer).set_index("district_teryt").loc["1804", "id"] == "3"


# -- exports -------------------------------------------------------------------------------------

EVIL = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "plain", "Łódź"]


def test_csv_is_utf8_with_bom_and_neutralises_formulas():
    frame = pd.DataFrame({"name": EVIL, "n": [1, -2, 3, 4, 5, 6, 7]})
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["name", "n"]
    names = [r[0] for r in rows[1:]]
    assert names[:5] == ["'" + v for v in EVIL[:5]]
    assert names[5:] == ["plain", "Łódź"]
    # Numbers stay numbers, even negative ones.
    assert [r[1] for r in rows[1:]] == ["1", "-2", "3", "4", "5", "6", "7"]
    assert neutralise_cell(-5) == -5


def test_xlsx_keeps_text_as_text():
    frame = pd.DataFrame({"=name": EVIL, "n": list(range(7))})
    book = load_workbook(io.BytesIO(to_xlsx_bytes({"Dane: [1]/2": frame, "dane: [1]/2": frame})))
    assert book.sheetnames == ["Dane_ _1__2", "dane_ _1__2 (2)"]
    sheet = book.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in sheet["A"]][1:] == EVIL
    assert sheet["A1"].value == "=name"
    assert [c.value for c in sheet["B"]][1:] == list(range(7))


def test_localised_headers(synthetic):
    partners = localise_columns(partners_by_district(pd.DataFrame(), synthetic, "en"), "en")
    assert "Seated: Social economy" in partners.columns
    assert "Social-economy offerings" not in partners.columns
    table = localise_columns(social_economy_by_district(synthetic, "uk"), "uk")
    assert list(table.columns) == [
        "TERYT",
        "Повіт",
        "Пропозиції",
        "Пропозиції соціальної економіки",
        "Частка %",
    ]
