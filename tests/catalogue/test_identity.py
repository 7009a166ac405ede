"""NIP, REGON and KRS: check digits, errors naming row and field, register links, import.

Valid numbers here are made with the published check-digit rules (checked by hand in the
comments), not taken from real organisations.
"""

from __future__ import annotations

import pandas as pd
import pytest

from catalogue.identity import (
    KRS_SEARCH_URL,
    REGON_SEARCH_URL,
    IdentityError,
    check_krs,
    check_nip,
    check_regon,
    register_links,
)
from catalogue.importing import import_records
from catalogue.model import Partner
from catalogue.sample_loading import read_partners_file
from catalogue.validation.rows import validate_records
from catalogue.vocabularies import parse_legal_form

# 1·6+2·5+3·7+4·2+5·3+6·4+3·5+2·6+1·7 = 118 ≡ 8 (mod 11)
NIP = "1234563218"
# 1·8+2·9+3·2+4·3+5·4+6·5+7·6+8·7 = 192 ≡ 5 (mod 11)
REGON9 = "123456785"
# 2+8+24+20+0+54+49+24+30+1+4+12+32 = 260 ≡ 7 (mod 11), and it starts with REGON9
REGON14 = "12345678512347"


def test_right_numbers_pass_in_the_forms_people_write():
    assert check_nip(NIP) == NIP
    assert check_nip("123-456-32-18") == NIP
    assert check_nip("PL 123 456 32 18") == NIP
    assert check_regon(REGON9) == REGON9
    assert check_regon(REGON14) == REGON14
    assert check_krs("12345") == "0000012345"
    assert check_krs("0000012345") == "0000012345"
    assert check_nip("") == check_regon(" ") == check_krs("") == ""


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != NIP[-1]])
def test_every_other_nip_check_digit_is_refused(last):
    with pytest.raises(IdentityError) as caught:
        check_nip(NIP[:-1] + last)
    assert caught.value.reason == "checksum"


@pytest.mark.parametrize(
    ("check", "value", "reason"),
    [
        (check_nip, "1234563219", "checksum"),
        (check_nip, "12345632", "form"),
        (check_nip, "12345632AB", "form"),
        (check_regon, "123456784", "checksum"),
        (check_regon, "12345678512348", "checksum"),
        (check_regon, "12345678412340", "checksum"),  # parent REGON wrong
        (check_regon, "1234567", "form"),
        (check_krs, "00000000000", "form"),
        (check_krs, "0000000000", "form"),
        (check_krs, "12a45", "form"),
    ],
)
def test_wrong_numbers_are_refused(check, value, reason):
    with pytest.raises(IdentityError) as caught:
        check(value)
    assert caught.value.reason == reason


def test_register_links_are_built_from_the_numbers():
    links = register_links(nip="123-456-32-18", regon=REGON9, krs="12345")
    assert links == [
        ("krs", "0000012345", KRS_SEARCH_URL),
        ("regon", REGON9, REGON_SEARCH_URL),
        ("nip", NIP, REGON_SEARCH_URL),
    ]
    assert KRS_SEARCH_URL == "https://wyszukiwarka-krs.ms.gov.pl/"
    assert REGON_SEARCH_URL.startswith("https://wyszukiwarkaregon.stat.gov.pl/")
    assert register_links() == []


def _row(**cells) -> dict:
    return {"name": "Pierogi z Leżachowa", "category": "food", "lat": "50.1196",
            "lon": "22.6047", "partner": "Spółdzielnia Socjalna Testowa",
            "partner_sector": "social_economy", **cells}  # fmt: skip


def test_wrong_checksums_are_refused_naming_row_and_field():
    rows = [_row(partner_nip="123-456-32-19"), _row(partner_regon="123456784", name="Inne")]
    products, report = validate_records(rows)
    assert products == [None, None]
    text = report.to_text("pl")
    assert "Wiersz 2, kolumna „partner_nip”" in text and "cyfrę kontrolną" in text
    assert "Wiersz 3, kolumna „partner_regon”" in text
    english = report.to_text("en")
    assert 'the NIP "123-456-32-19" has a wrong check digit' in english


def test_polish_headers_and_a_bad_legal_form():
    rows = [{"nazwa": "X", "kategoria": "food", "szerokość": "50.1", "długość": "22.6",
             "partner": "Nowy Partner", "typ partnera": "ngo", "NIP partnera": "12345",
             "forma prawna partnera": "sekta"}]  # fmt: skip
    _, report = validate_records(rows)
    text = report.to_text("pl")
    assert "Wiersz 2, kolumna „NIP partnera”" in text and "ma 10 cyfr" in text
    assert "nieznana forma prawna „sekta”" in text and "spółdzielnia socjalna" in text


@pytest.mark.parametrize(
    ("text", "slug"),
    [("KGW", "kgw"), ("koło gospodyń wiejskich", "kgw"), ("Spółdzielnia socjalna", "spoldzielnia_socjalna"),
     ("CIS", "cis"), ("zakład aktywności zawodowej", "zaz"), ("WTZ", "wtz"), ("fundacja", "fundacja"),
     ("spółka z o.o.", "spolka"), ("jednoosobowa działalność gospodarcza", "jdg"), ("powiat", "powiat")],
)  # fmt: skip
def test_legal_forms_from_the_fixed_list(text, slug):
    assert parse_legal_form(text) == slug


def test_import_gives_a_new_partner_its_numbers(sqlite_store):
    rows = [
        _row(partner_nip=NIP, partner_legal_form="spółdzielnia socjalna"),
        _row(name="Catering", partner_regon=REGON9, partner_krs="12345"),
    ]
    result = import_records(sqlite_store, rows)
    assert result.report.ok, result.report.to_text()
    (partner_id,) = result.new_partner_ids
    partner = sqlite_store.get_partner(partner_id)
    assert (partner.nip, partner.regon, partner.krs) == (NIP, REGON9, "0000012345")
    assert partner.legal_form_code == "spoldzielnia_socjalna"
    frame = sqlite_store.products_frame()
    assert set(frame["partner_nip"]) == {NIP}
    assert set(frame["partner_legal_form"]) == {"spoldzielnia_socjalna"}


def test_an_existing_partners_numbers_are_not_changed_by_a_product_file(sqlite_store):
    sqlite_store.save_partners(
        [Partner(id="coop", name="Spółdzielnia Socjalna Testowa", sector="social_economy")],
        actor="test",
    )
    result = import_records(sqlite_store, [_row(partner_nip=NIP)])
    assert result.imported_ids
    assert [w.code for w in result.report.warnings] == ["partner_identity_ignored"]
    assert sqlite_store.get_partner("coop").nip == ""


def test_partners_file_numbers_are_checked(tmp_path):
    header = "id,name,sector,nip,regon,krs,legal_form_code,social_enterprise,se_decision_date\n"
    good = tmp_path / "good.csv"
    good.write_text(header + f"p1,Spółdzielnia,social_economy,{NIP},{REGON14},12345,"
                    "spółdzielnia socjalna,tak,2024-03-01\n", encoding="utf-8")  # fmt: skip
    (partner,) = read_partners_file(good)
    assert partner.regon == REGON14 and partner.krs == "0000012345"
    assert partner.social_enterprise is True and str(partner.se_decision_date) == "2024-03-01"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "p1,Spółdzielnia,social_economy,1234563219,,,,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"row 2: nip: '1234563219' is not a valid NIP"):
        read_partners_file(bad)


def test_sample_partners_have_legal_forms_from_the_list():
    from catalogue.sample_loading import SAMPLE_PARTNERS

    partners = pd.DataFrame([p.__dict__ for p in read_partners_file(SAMPLE_PARTNERS)])
    coded = partners[partners["legal_form_code"] != ""]
    assert len(coded) >= 45
    assert set(partners.loc[partners["legal_form"].str.startswith("Centrum Integracji"),
                            "legal_form_code"]) == {"cis"}  # fmt: skip


def test_badges_are_checked_against_the_staff_list_and_filterable(sqlite_store):
    from catalogue.filters import ProductFilter, apply_filter, prepare_frame
    from catalogue.sample_loading import load_sample_catalogue

    rows = [_row(badges="UNESCO; Lista Produktów Tradycyjnych"), _row(name="B", badges="michelin")]
    products, report = validate_records(rows)
    assert products[0].badges == ["unesco", "lpt"] and products[1] is None
    text = report.to_text("pl")
    assert "Wiersz 3, kolumna „badges”" in text and "nieznane wyróżnienie „michelin”" in text
    load_sample_catalogue(sqlite_store)
    frame = prepare_frame(sqlite_store.products_frame())
    unesco = apply_filter(frame, ProductFilter(badges=("unesco",)))
    assert set(unesco["id"]) == {"sample-054", "sample-058"}  # Chotyniec and Radruż
    assert ProductFilter.from_query_params({"badge": "unesco,nope"}).badges == ("unesco",)
