"""AppTest of a partner's identity and public contact (issue: partner identity).

A new organisation typed into the submission form gets its legal form from the fixed list,
NIP, REGON, KRS, e-mail and phone, checked by the import's rules with the message under
the field; staff edit a partner's e-mail and phone in the registry.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from catalogue import staff
from catalogue.identity import check_krs, check_nip, check_regon
from catalogue.messages import format_message
from tests.app.test_submission_flow import (
    PASSWORD,
    POINT,
    consent,
    login,
    new_app,
    open_page,
    shown,
)
from tests.app.widgets import choice

SUBMIT = "ui/pages/submit_page.py"
# Valid by catalogue.identity's checksums (asserted below); WRONG_NIP differs in the check
# digit only.
NIP = "1234563218"
WRONG_NIP = "1234563219"
REGON = "123456785"
KRS = "12345"


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


def test_staff_record_legal_identity_and_social_enterprise_listing(db):
    from datetime import date

    from fairkit.stats import legal_forms_by_district

    staff.add_staff(db, "anna", PASSWORD, role="admin")
    at = new_app()
    login(at)
    choice(at, "selectbox", "mod_p_pick").select("partner-001").run()
    before = db.get_partner("partner-001")
    at.text_input(key="mod_p_nip").input(WRONG_NIP).run()
    at.button(key="mod_p_save").click().run()
    errors = shown(at.error)
    assert any(m.startswith(f"NIP: numer NIP „{WRONG_NIP}” ma błędną cyfrę") for m in errors), (
        errors
    )
    assert db.get_partner("partner-001") == before  # nothing half-written

    at.text_input(key="mod_p_nip").input(f"PL {NIP[:3]}-{NIP[3:6]}-{NIP[6:]}").run()
    at.text_input(key="mod_p_krs").input(KRS).run()
    choice(at, "selectbox", "mod_p_legal_form_code").set_value("spoldzielnia_socjalna").run()
    choice(at, "radio", "mod_p_se_status").set_value("yes").run()
    at.text_input(key="mod_p_se_decision_number").input("ES-TEST/7/2025").run()
    at.date_input(key="mod_p_se_decision_date").set_value(date(2025, 3, 14)).run()
    at.text_input(key="mod_p_owes").input("OWES testowy").run()
    at.button(key="mod_p_save").click().run()
    assert not at.exception and not at.error, shown(at.error)
    after = db.get_partner("partner-001")
    assert (after.nip, after.krs, after.legal_form_code) == (
        NIP,
        "0000012345",
        "spoldzielnia_socjalna",
    )
    assert (after.social_enterprise, after.se_decision_number, after.se_decision_date) == (
        True, "ES-TEST/7/2025", date(2025, 3, 14),
    )  # fmt: skip
    assert after.owes == "OWES testowy" and after.name == before.name
    # The statistics count it as a social enterprise where it is seated.
    table = legal_forms_by_district(db.partners_frame(), "pl")
    assert int(table.iloc[-1]["social_enterprises"]) == 1
    # Shown again as stored; "unknown" is a choice back.
    assert choice(at, "radio", "mod_p_se_status").value == "yes"
    choice(at, "radio", "mod_p_se_status").set_value("").run()
    at.button(key="mod_p_save").click().run()
    assert db.get_partner("partner-001").social_enterprise is None


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def right_under(at: AppTest, key: str) -> str:
    """The text of the element right after the text input ``key`` (as displayed)."""
    nodes = [n for n in at.main if getattr(n, "type", "") not in ("", "flex_container")]
    nodes = [n for n in nodes if n.__class__.__name__ != "Block"]
    index = next(i for i, n in enumerate(nodes) if getattr(n, "key", None) == key)
    following = nodes[index + 1]
    assert following.type == "alert" or following.__class__.__name__ == "Error", following
    return shown([following])[0]


def new_organisation(at: AppTest, nip: str, **fields) -> None:
    """A new organisation with its identity and contact, and an offering ready to send."""
    open_page(at, SUBMIT)
    choice(at, "radio", "sub_partner_mode").set_value("new").run()
    at.text_input(key="sub_partner_name").input("Spółdzielnia Socjalna Testowa").run()
    choice(at, "selectbox", "sub_partner_sector").select("social_economy").run()
    code = choice(at, "selectbox", "sub_partner_legal_form_code")
    code.select(fields.pop("legal_form_code", "spoldzielnia_socjalna")).run()
    values = {
        "partner_legal_form": "spółdzielnia socjalna osób prawnych",
        "partner_nip": nip,
        "partner_regon": REGON,
        "partner_krs": KRS,
        "partner_email": "biuro@spoldzielnia-testowa.example.pl",
        "partner_phone": "16 621 12 34",
        **fields,
    }
    for key, value in values.items():
        at.text_input(key=f"sub_{key}").input(value).run()
    at.text_input(key="sub_name").input("Catering Testowy").run()
    choice(at, "selectbox", "sub_category").select("food").run()
    at.text_input(key="sub_coordinates").input(POINT).run()
    at.text_input(key="sub_website").input("https://spoldzielnia-testowa.example.pl").run()
    consent(at)


def test_new_organisation_with_a_wrong_nip_is_refused_then_stored_with_its_identity(db):
    at = new_app()
    partners_before = set(db.partners_frame()["id"])
    new_organisation(at, nip="123-456-32-19")
    nip_message = format_message(
        "bad_identity_checksum", "pl", {"value": "123-456-32-19", "kind": "NIP", "digits": "10"}
    )
    # Right under the NIP field, as soon as it is typed, in the form's words.
    assert right_under(at, "sub_partner_nip") == sentence(nip_message)
    at.button(key="sub_send").click().run()
    assert not at.exception
    assert "sub_token" not in at.session_state
    assert right_under(at, "sub_partner_nip") == sentence(nip_message)
    assert any(m.startswith("- NIP: ") and "cyfrę kontrolną" in m for m in shown(at.markdown))
    # Nothing stored; everything typed is still there.
    assert set(db.partners_frame()["id"]) == partners_before
    assert db.count_products("pending") == 0
    assert at.text_input(key="sub_partner_nip").value == "123-456-32-19"
    assert at.text_input(key="sub_partner_regon").value == REGON
    assert at.text_input(key="sub_partner_email").value == "biuro@spoldzielnia-testowa.example.pl"
    assert at.session_state["sub_partner_legal_form_code"] == "spoldzielnia_socjalna"

    at.text_input(key="sub_partner_nip").input(f"PL {NIP}").run()
    assert not at.error, shown(at.error)
    at.button(key="sub_send").click().run()
    assert not at.exception
    token = at.session_state["sub_token"]
    partner = db.get_partner(db.product_for_token(token).partner_id)
    assert partner.name == "Spółdzielnia Socjalna Testowa"
    assert (partner.sector, partner.legal_form_code) == ("social_economy", "spoldzielnia_socjalna")
    assert partner.legal_form == "spółdzielnia socjalna osób prawnych"
    assert (partner.nip, partner.regon, partner.krs) == (NIP, REGON, "0000012345")
    assert partner.email == "biuro@spoldzielnia-testowa.example.pl"
    assert partner.phone == "+48 166 211 234"
    assert partner.source == "partner_form"


@pytest.mark.parametrize(
    ("lang", "field", "value", "code", "params"),
    [
        ("en", "partner_nip", "12345", "bad_identity_form", {"kind": "NIP", "digits": "10"}),
        ("uk", "partner_regon", "123456784", "bad_identity_checksum",
         {"kind": "REGON", "digits": "9 / 14"}),
        ("pl", "partner_krs", "12345678901", "bad_identity_form", {"kind": "KRS", "digits": "10"}),
        ("en", "partner_email", "biuro(at)example.pl", "bad_email", {}),
        ("uk", "partner_phone", "+49 30 1234567", "bad_phone", {}),
    ],
)  # fmt: skip
def test_each_new_organisation_field_is_checked_in_the_users_language(
    db, lang, field, value, code, params
):
    at = new_app()
    choice(at.sidebar, "radio", "lang").set_value(lang).run()
    new_organisation(at, nip=NIP, **{field: value})
    message = sentence(format_message(code, lang, {"value": value, **params}))
    assert right_under(at, f"sub_{field}") == message
    assert shown(at.error) == [message]
    at.button(key="sub_send").click().run()
    assert "sub_token" not in at.session_state and db.count_products("pending") == 0
    assert at.text_input(key=f"sub_{field}").value == value


def test_identity_fields_of_a_new_organisation_are_not_sent_for_a_known_partner(db):
    at = new_app()
    new_organisation(at, nip="1234563219")  # wrong, but then the partner is a known one
    choice(at, "radio", "sub_partner_mode").set_value("existing").run()
    choice(at, "selectbox", "sub_partner_id").set_value("partner-001").run()
    assert not at.error, shown(at.error)
    at.button(key="sub_send").click().run()
    token = at.session_state["sub_token"]
    assert db.product_for_token(token).partner_id == "partner-001"
    assert db.get_partner("partner-001").nip == ""


def test_form_values_of_a_new_organisation_become_the_import_columns():
    from catalogue.validation.rows import validate_records
    from ui.form_values import complete_new_partners, values_to_record

    values = {
        "name": "Catering Testowy", "category": "food", "coordinates": POINT,
        "partner_mode": "new", "partner_name": "Fundacja Testowa", "partner_sector": "ngo",
        "partner_legal_form": " fundacja rodzinna ", "partner_legal_form_code": "fundacja",
        "partner_nip": NIP, "partner_regon": REGON, "partner_krs": KRS,
        "partner_email": "MAILTO:biuro@fundacja.example.pl", "partner_phone": "016 621 12 34",
    }  # fmt: skip
    record = values_to_record(values)
    assert record["partner_legal_form"] == "fundacja"  # the import's column takes the code
    assert (record["partner_nip"], record["partner_regon"], record["partner_krs"]) == (
        NIP,
        REGON,
        KRS,
    )
    _, report = validate_records([record], header=list(record), unquote=False)
    assert report.ok, report.to_text("en")
    assert complete_new_partners(values, report) == []
    (partner,) = report.new_partners
    assert (partner.legal_form_code, partner.legal_form) == ("fundacja", "fundacja rodzinna")
    assert (partner.nip, partner.regon, partner.krs) == (NIP, REGON, "0000012345")
    assert (partner.email, partner.phone) == ("biuro@fundacja.example.pl", "+48 166 211 234")
    # A known partner: none of it goes into the record.
    known = values_to_record({**values, "partner_mode": "existing", "partner_id": "p1"})
    assert all(known[c] == "" for c in ("partner_legal_form", "partner_nip", "partner_krs"))
    assert complete_new_partners({**values, "partner_mode": "existing"}, report) == []
