"""AppTest of the partner directory and profiles (issue: partner directory)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from catalogue.model import Partner, Product
from catalogue.storage import CatalogueStore
from tests.app.conftest import REPO_ROOT
from tests.app.map_args import marker_ids
from tests.app.test_map_page import HOSTILE, unescape
from tests.app.widgets import choice

PAGE = "ui/pages/partners_page.py"


@pytest.fixture
def directory_db(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "partners.sqlite"))
    store = CatalogueStore()
    store.create_schema()
    partners = [
        Partner(id="muz", name="Muzeum Narodowe Ziemi Przemyskiej", sector="public", gmina_teryt="1862011"),
        Partner(id="coop", name="Spółdzielnia Socjalna z Żurawicy", sector="social_economy", gmina_teryt="1813102",
                description_pl="Catering i rękodzieło."),
        Partner(id="wtz", name="Warsztat Terapii Zajęciowej w Lubaczowie", sector="social_economy",
                gmina_teryt="1809011", member=True),
        Partner(id="idle", name="Stowarzyszenie Bez Ofert", sector="ngo", gmina_teryt="1804011"),
        Partner(id="evil", name=HOSTILE, sector="ngo", gmina_teryt="1804011"),
    ]  # fmt: skip

    def product(pid, partner, lat, lon, district, gmina, status="published"):
        return Product(
            id=pid, name_pl=f"Oferta {pid}", category="heritage", lat=lat, lon=lon,
            district_teryt=district, gmina_teryt=gmina, partner_id=partner, status=status,
        )  # fmt: skip

    products = [
        product("m1", "muz", 49.7836, 22.7678, "1862", "1862011"),
        product("c1", "coop", 49.82, 22.79, "1813", "1813102"),
        product("c2", "coop", 49.83, 22.80, "1813", "1813102"),
        product("i1", "idle", 50.01, 22.68, "1804", "1804011", status="pending"),
        product("e1", "evil", 50.02, 22.68, "1804", "1804011"),
    ]
    store.save_products(products, actor="test", partners=partners)
    return store


def open_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def listed_names(at: AppTest) -> list[str]:
    return [
        unescape(m.value).split("\n")[0].strip("* ")
        for m in at.markdown
        if m.value.startswith("**")
    ]


def test_directory_lists_partners_with_offerings_or_membership(directory_db):
    at = open_page()
    names = listed_names(at)
    assert "Muzeum Narodowe Ziemi Przemyskiej" in names
    assert "Warsztat Terapii Zajęciowej w Lubaczowie" in names  # member without offerings
    assert "Stowarzyszenie Bez Ofert" not in names  # only a pending offering, not a member


def test_directory_filters_by_sector_and_district(directory_db):
    at = open_page()
    choice(at, "multiselect", "p_sector").set_value(["social_economy"]).run()
    assert set(listed_names(at)) == {
        "Spółdzielnia Socjalna z Żurawicy",
        "Warsztat Terapii Zajęciowej w Lubaczowie",
    }
    choice(at, "multiselect", "p_district").set_value(["1813"]).run()
    assert listed_names(at) == ["Spółdzielnia Socjalna z Żurawicy"]
    at.text_input(key="p_q").set_value("zurawicy").run()
    assert listed_names(at) == ["Spółdzielnia Socjalna z Żurawicy"]


def test_profile_url_opens_the_right_partner_with_its_offerings(directory_db):
    at = open_page({"partner": "coop"})
    assert unescape(at.title[0].value) == "Spółdzielnia Socjalna z Żurawicy"
    assert marker_ids(at) == {"c1", "c2"}  # the small map shows exactly its offerings
    # Each offering links back to the main map with that product open.
    links = {link.proto.query_string for link in at.get("page_link")}
    assert links == {"product=c1", "product=c2"}


def test_unknown_or_unlisted_partner_shows_not_found(directory_db):
    for partner in ("nope", "idle"):
        at = open_page({"partner": partner})
        assert any("Nie znaleziono" in w.value for w in at.warning)


def test_hostile_partner_name_is_text(directory_db):
    at = open_page({"partner": "evil"})
    title = at.title[0].value
    assert "\\<img" in title and unescape(title) == HOSTILE
    listing = open_page()
    assert any("\\<img" in m.value for m in listing.markdown)


def test_social_economy_of_a_district_in_one_click(directory_db):
    at = open_page()
    pills = choice(at, "button_group", "p_se_district")
    pills.set_value("1813").run()
    assert at.session_state["p_sector"] == ["social_economy"]
    assert at.session_state["p_district"] == ["1813"]
    assert listed_names(at) == ["Spółdzielnia Socjalna z Żurawicy"]


def test_profile_shows_legal_identity_and_register_links(tmp_path, monkeypatch):
    from datetime import date

    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "identity.sqlite"))
    store = CatalogueStore()
    store.create_schema()
    partner = Partner(
        id="coop", name="Spółdzielnia Socjalna z Żurawicy", sector="social_economy",
        legal_form="spółdzielnia socjalna osób prawnych", legal_form_code="spoldzielnia_socjalna",
        nip="1234563218", regon="123456785", krs="0000012345", social_enterprise=True,
        se_decision_number="PS-I.1234.5.2024", se_decision_date=date(2024, 3, 1),
        owes="OWES w Przemyślu",
    )  # fmt: skip
    product = Product(id="c1", name_pl="Catering", category="food", lat=49.82, lon=22.79,
                      district_teryt="1813", gmina_teryt="1813102", partner_id="coop",
                      status="published")  # fmt: skip
    store.save_products([product], actor="test", partners=[partner])
    at = open_page({"partner": "coop"})
    text = "\n".join(unescape(m.value) for m in at.markdown)
    assert "Forma prawna: spółdzielnia socjalna" in text and "osób prawnych" not in text
    assert "decyzja nr PS-I.1234.5.2024 z dnia 01.03.2024" in text
    assert "Wsparcie OWES: OWES w Przemyślu" in text
    # md_link shows the real host after the label.
    krs = (
        "[KRS 0000012345 — wyszukiwarka KRS (Ministerstwo Sprawiedliwości)"
        " (wyszukiwarka-krs.ms.gov.pl)]"
    )
    assert f"{krs}(https://wyszukiwarka-krs.ms.gov.pl/)" in text
    assert "REGON 123456785" in text and "NIP 1234563218" in text


def test_profile_shows_contact_next_to_identity_and_escapes_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "contact.sqlite"))
    store = CatalogueStore()
    store.create_schema()
    hostile_email = "[x](javascript:alert(1))<img src=x onerror=alert(2)>@evil.pl"
    partners = [
        Partner(id="fund", name="Fundacja Testowa", sector="ngo", legal_form_code="fundacja",
                website="https://fundacja-testowa.pl", email="biuro@fundacja-testowa.pl",
                phone="+48 166 211 234", nip="1234563218", krs="0000012345"),
        # Stored past the validation (an old database, a script): still only text.
        Partner(id="evil", name="Stowarzyszenie Złe", sector="ngo", email=hostile_email,
                phone="<b>16</b> 621 12 34", website="javascript:alert(3)"),
    ]  # fmt: skip
    products = [
        Product(id=f"o-{p.id}", name_pl=f"Oferta {p.id}", category="food", lat=49.82, lon=22.79,
                district_teryt="1813", gmina_teryt="1813102", partner_id=p.id,
                status="published")
        for p in partners
    ]  # fmt: skip
    store.save_products(products, actor="test", partners=partners)

    at = open_page({"partner": "fund"})
    markdown = [m.value for m in at.markdown]
    text = "\n".join(unescape(m).replace("\u2060", "") for m in markdown)
    assert "Forma prawna: fundacja" in text
    assert "**Strona internetowa:** [fundacja-testowa.pl](https://fundacja-testowa.pl)" in text
    assert "**E-mail:** biuro@fundacja-testowa.pl" in text
    assert "**Telefon:** +48 166 211 234" in text
    assert "KRS 0000012345" in text and "NIP 1234563218" in text
    # The address is shown as text, never autolinked (a joiner breaks the "@").
    contact = next(m for m in markdown if "E-mail" in m)
    assert "biuro\u2060@" in contact

    at = open_page({"partner": "evil"})
    contact = next(m.value for m in at.markdown if "E-mail" in m.value)
    # Every markdown/HTML metacharacter arrives backslash-escaped.
    assert not re.search(r"(?<!\\)[<>\[\]()]", contact.replace("](https://", ""))
    assert "\\<img" in contact and "\\[x\\]" in contact
    shown_text = unescape(contact).replace("\u2060", "")
    assert hostile_email in shown_text and "<b>16</b> 621 12 34" in shown_text
    # A website that is not http(s) is no link.
    assert "](javascript" not in "\n".join(m.value for m in at.markdown)
