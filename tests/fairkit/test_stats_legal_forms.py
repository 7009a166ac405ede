"""Partners by legal form and social-enterprise status per district, and its XLSX sheet."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from catalogue.sample_loading import SAMPLE_PARTNERS, read_partners_file
from fairkit.stats import (
    legal_forms_by_district,
    localise_columns,
    social_enterprise_offerings,
    to_xlsx_bytes,
)


def test_legal_forms_and_social_enterprises_per_district():
    partners = pd.DataFrame(
        [
            {"id": "a", "gmina_teryt": "1809011", "legal_form_code": "spoldzielnia_socjalna",
             "social_enterprise": True},
            {"id": "b", "gmina_teryt": "1809022", "legal_form_code": "kgw", "social_enterprise": None},
            {"id": "c", "gmina_teryt": "1804011", "legal_form_code": "", "social_enterprise": False},
            {"id": "d", "gmina_teryt": "1804011", "legal_form_code": "cis", "social_enterprise": True},
        ]
    )  # fmt: skip
    table = legal_forms_by_district(partners, "en").set_index("teryt")
    assert table.loc["1809", "lf_spoldzielnia_socjalna"] == 1 and table.loc["1809", "lf_kgw"] == 1
    assert table.loc["1809", "social_enterprises"] == 1 and table.loc["1809", "partners"] == 2
    assert table.loc["1804", "lf_unknown"] == 1 and table.loc["1804", "lf_cis"] == 1
    total = table.iloc[-1]
    assert (total["district"], total["partners"], total["social_enterprises"]) == ("Total", 4, 2)
    assert total["lf_fundacja"] == 0  # every form of the fixed list is a column


def test_sample_partners_sheet_in_the_workbook():
    partners = pd.DataFrame([p.__dict__ for p in read_partners_file(SAMPLE_PARTNERS)])
    table = legal_forms_by_district(partners, "pl")
    assert int(table.iloc[-1]["partners"]) == len(partners)
    assert int(table.iloc[-1]["lf_cis"]) == int((partners["legal_form_code"] == "cis").sum()) > 0
    data = to_xlsx_bytes({"Formy prawne": localise_columns(table, "pl")})
    sheet = load_workbook(io.BytesIO(data))["Formy prawne"]
    header = [c.value for c in sheet[1]]
    assert (
        "spółdzielnia socjalna" in header
        and "Przedsiębiorstwa społeczne (wykaz wojewody)" in header
    )


def test_what_social_enterprises_offer_per_district():
    partners = pd.DataFrame(
        [
            {"id": "coop", "social_enterprise": True},
            {"id": "kgw", "social_enterprise": None},  # not on the list: not counted
            {"id": "cis", "social_enterprise": True},
        ]
    )
    products = pd.DataFrame(
        [
            {"id": "1", "partner_id": "coop", "district_teryt": "1804", "category": "food"},
            {"id": "2", "partner_id": "coop", "district_teryt": "1809", "category": "workshops"},
            {"id": "3", "partner_id": "coop", "district_teryt": "1809", "category": "food"},
            {"id": "4", "partner_id": "kgw", "district_teryt": "1809", "category": "food"},
            {"id": "5", "partner_id": "cis", "district_teryt": "1809", "category": "food"},
            {"id": "6", "partner_id": "", "district_teryt": "1862", "category": "heritage"},
        ]
    )
    table = social_enterprise_offerings(products, partners, "en")
    by = table.iloc[:-1].set_index("teryt")
    assert (by.loc["1804", "food"], by.loc["1804", "products"], by.loc["1804", "se_partners"]) == (
        1,
        1,
        1,
    )
    assert (by.loc["1809", "food"], by.loc["1809", "workshops"], by.loc["1809", "se_partners"]) == (
        2,
        1,
        2,
    )
    assert by.loc["1862", "products"] == 0
    total = table.iloc[-1]
    assert (total["district"], total["products"], total["se_partners"]) == ("Total", 4, 2)
    header = list(localise_columns(table, "pl").columns)
    assert "Przedsiębiorstwa społeczne z ofertą" in header and "Jedzenie i smaki" not in header[:2]
