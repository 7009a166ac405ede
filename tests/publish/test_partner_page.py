"""The static partner page shows the organisation's contact (website, e-mail, phones)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from catalogue.model import Partner, Product
from catalogue.storage import CatalogueStore
from publish import build_site
from publish.pages import phone_list
from tests.publish.conftest import APP, HOSTILE, SITE, parse_head

HOSTILE_EMAIL = f'x"onmouseover="alert(1)@evil.pl{HOSTILE}'


@pytest.fixture(scope="module")
def site(tmp_path_factory, photo_env):
    root = tmp_path_factory.mktemp("partner-site")
    store = CatalogueStore(f"sqlite:///{root / 'catalogue.sqlite'}")
    store.create_schema()
    partners = [
        Partner(id="fund", name="Fundacja Testowa", sector="ngo",
                website="https://fundacja-testowa.pl", email="biuro@fundacja-testowa.pl",
                phone="+48 166 211 234, +48 600 100 200", nip="1234563218", regon="123456785",
                krs="0000012345", legal_form_code="fundacja", legal_form="fundacja rodzinna",
                social_enterprise=True, se_decision_number="ES-TEST/1/2024",
                se_decision_date=date(2024, 5, 6), owes="OWES testowy"),
        Partner(id="quiet", name="Stowarzyszenie Bez Kontaktu", sector="ngo"),
        # Stored past the validation (an old database, a script): autoescaped all the same.
        Partner(id="evil", name="Stowarzyszenie Złe", sector="ngo", email=HOSTILE_EMAIL,
                phone="<b>16</b>", website="javascript:alert(3)", nip="123", owes=HOSTILE),
    ]  # fmt: skip
    products = [
        Product(id=f"o-{p.id}", name_pl=f"Oferta {p.id}", category="heritage", lat=50.0163,
                lon=22.6777, district_teryt="1804", gmina_teryt="1804011", partner_id=p.id,
                status="published")
        for p in partners
    ]  # fmt: skip
    store.save_products(products, actor="test", partners=partners)
    out = root / "site"
    build_site(store, out, base_url=APP, site_url=SITE)
    yield out
    store.dispose()


def organisation(page: str) -> dict:
    docs = [json.loads(block) for block in parse_head(page).jsonld]
    return next(d for d in docs if d.get("@type") == "Organization")


def test_partner_page_shows_website_email_and_every_phone(site):
    page = (site / "pl" / "partner" / "fund.html").read_text()
    assert '<p class="contact">Kontakt: ' in page
    assert '<a href="https://fundacja-testowa.pl" rel="nofollow noopener">' in page
    assert '<a href="mailto:biuro@fundacja-testowa.pl">biuro@fundacja-testowa.pl</a>' in page
    assert '<a href="tel:+48166211234">+48 166 211 234</a>' in page
    assert '<a href="tel:+48600100200">+48 600 100 200</a>' in page
    doc = organisation(page)
    assert doc["email"] == "biuro@fundacja-testowa.pl"
    assert doc["telephone"] == ["+48 166 211 234", "+48 600 100 200"]
    assert doc["sameAs"] == "https://fundacja-testowa.pl"
    english = (site / "en" / "partner" / "fund.html").read_text()
    assert "Contact: " in english and ">Website</a>" in english


def test_partner_page_shows_legal_form_listing_and_registers(site):
    page = (site / "pl" / "partner" / "fund.html").read_text()
    assert " · fundacja</p>" in page  # the fixed list's label, not the free text
    assert "★ Przedsiębiorstwo społeczne (wykaz wojewody" in page
    assert "decyzja nr ES-TEST/1/2024 z dnia 06.05.2024" in page
    assert "Wsparcie OWES: OWES testowy" in page
    assert (
        '<a href="https://wyszukiwarka-krs.ms.gov.pl/" rel="noopener">KRS 0000012345 — '
        "wyszukiwarka KRS" in page
    )
    assert "REGON 123456785 — wyszukiwarka REGON (GUS)" in page
    assert "NIP 1234563218 — wyszukiwarka REGON (GUS, szukaj po NIP)" in page
    doc = organisation(page)
    assert doc["taxID"] == "1234563218"
    assert doc["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "KRS", "value": "0000012345"},
        {"@type": "PropertyValue", "propertyID": "REGON", "value": "123456785"},
    ]
    english = (site / "en" / "partner" / "fund.html").read_text()
    assert "Registration data" in english and "decision no. ES-TEST/1/2024 of 06.05.2024" in english
    # A number stored past the checks (an old database) is left out, never shown wrong.
    evil = (site / "pl" / "partner" / "evil.html").read_text()
    assert "NIP 123" not in evil and "taxID" not in organisation(evil)
    assert "Wsparcie OWES: &lt;/script&gt;&lt;img src=x" in evil  # and its text is escaped


def test_partner_without_contact_has_no_contact_line(site):
    page = (site / "pl" / "partner" / "quiet.html").read_text()
    assert 'class="contact"' not in page and "mailto:" not in page and "tel:" not in page
    assert "email" not in organisation(page) and "telephone" not in organisation(page)


def test_hostile_contact_is_escaped_in_html_and_jsonld(site):
    page = (site / "pl" / "partner" / "evil.html").read_text()
    assert "<img" not in page and "<b>16" not in page and 'onmouseover="' not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;b&gt;16&lt;/b&gt;" in page
    assert "javascript:" not in page  # not an http(s) website: no link at all
    doc = organisation(page)  # JSON-LD still parses and carries the text as text
    assert doc["email"] == HOSTILE_EMAIL and doc["telephone"] == "<b>16</b>"


def test_offer_pages_split_phones_the_way_the_import_joins_them():
    assert phone_list("+48 166 211 234, +48 600 100 200") == ["+48 166 211 234", "+48 600 100 200"]
    assert phone_list("+48 166 211 234; +48 600 100 200") == ["+48 166 211 234", "+48 600 100 200"]
    assert phone_list(None) == phone_list(float("nan")) == phone_list(" ") == []
