"""AppTest of a partner's identity and public contact (issue: partner identity).

A new organisation typed into the submission form gets its legal form from the fixed list,
NIP, REGON, KRS, e-mail and phone, checked by the import's rules with the message under
the field; staff edit a partner's e-mail and phone in the registry.
"""

from __future__ import annotations

import re

import pytest

from catalogue import staff
from catalogue.identity import check_krs, check_nip, check_regon
from catalogue.storage import CatalogueStore
from tests.app.test_submission_flow import PASSWORD, login, new_app
from tests.app.widgets import choice

SUBMIT = "ui/pages/submit_page.py"
# Valid by catalogue.identity's checksums (asserted below); WRONG_NIP differs in the check
# digit only.
NIP = "1234563218"
WRONG_NIP = "1234563219"
REGON = "123456785"
KRS = "12345"


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh database (and photo directory) for this test; AppTest caches per URL."""
    path = tmp_path / "catalogue.sqlite"
    monkeypatch.setenv("CATALOGUE_DB", str(path))
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    store = CatalogueStore(f"sqlite:///{path}")
    store.create_schema()
    yield store
    store.dispose()


def shown(elements) -> list[str]:
    """Texts as displayed: markdown escapes and the autolink-breaking joiners removed."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)).replace("\u2060", "") for e in elements]


def test_the_test_numbers_are_what_they_claim():
    assert check_nip(NIP) == NIP and check_regon(REGON) == REGON
    assert check_krs(KRS) == "0000012345"
    with pytest.raises(ValueError):
        check_nip(WRONG_NIP)


def test_staff_edit_a_partners_email_and_phone_and_keep_its_identity(db):
    staff.add_staff(db, "anna", PASSWORD, role="admin")
    at = new_app()  # loads the sample catalogue
    before = db.get_partner("partner-001")
    assert before.legal_form_code == "gmina" and before.email == ""
    login(at)
    choice(at, "selectbox", "mod_p_pick").select("partner-001").run()
    at.text_input(key="mod_p_email").input("biuro(at)example.pl").run()
    at.text_input(key="mod_p_phone").input("123").run()
    at.button(key="mod_p_save").click().run()
    assert not at.exception
    errors = shown(at.error)
    assert any(
        m.startswith("E-mail organizacji (publiczny): „biuro(at)example.pl” nie jest")
        for m in errors
    ), errors
    assert any(
        m.startswith("Telefon organizacji (publiczny): „123” nie jest polskim") for m in errors
    )
    # Nothing half-written: the partner is as it was, what was typed is still there.
    assert db.get_partner("partner-001") == before
    assert at.text_input(key="mod_p_email").value == "biuro(at)example.pl"

    at.text_input(key="mod_p_email").input("mailto:biuro@example.pl").run()
    at.text_input(key="mod_p_phone").input("16 621 12 34").run()
    at.button(key="mod_p_save").click().run()
    assert not at.exception and not at.error
    after = db.get_partner("partner-001")
    assert (after.email, after.phone) == ("biuro@example.pl", "+48 166 211 234")
    # Fields the registry form does not show keep their values.
    assert after.legal_form_code == "gmina" and after.name == before.name
    # Shown again after the save, normalised.
    assert at.text_input(key="mod_p_phone").value == "+48 166 211 234"

    at.text_input(key="mod_p_email").input("").run()
    at.button(key="mod_p_save").click().run()
    assert db.get_partner("partner-001").email == ""
