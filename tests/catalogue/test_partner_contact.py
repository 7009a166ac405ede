"""The partner's public contact (e-mail, phone): partners file, storage, shared rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalogue.columns import MAX_LENGTHS
from catalogue.contacts import normalise_email
from catalogue.model import Partner
from catalogue.sample_loading import SAMPLE_PARTNERS, SampleDataError, read_partners_file
from catalogue.validation.rows import validate_records

HEADER = "id,name,sector,website,email,phone\n"


def partners_file(tmp_path, *rows: str):
    path = tmp_path / "partners.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_partners_file_reads_email_and_phone_as_the_product_import_does(tmp_path):
    path = partners_file(
        tmp_path,
        "p1,Fundacja Testowa,ngo,,mailto:biuro@fundacja-testowa.pl,16 621 12 34",
        "p2,Stowarzyszenie Bez Kontaktu,ngo,,,",
    )
    first, second = read_partners_file(path)
    assert (first.email, first.phone) == ("biuro@fundacja-testowa.pl", "+48 166 211 234")
    assert (second.email, second.phone) == ("", "")
    # The same normalisation as the product columns of the same name.
    products, report = validate_records(
        [{"name": "x", "category": "food", "coordinates": "50.0163, 22.6777",
          "email": "mailto:biuro@fundacja-testowa.pl", "phone": "16 621 12 34"}]
    )  # fmt: skip
    assert report.ok, report.to_text("en")
    assert (products[0].email, products[0].phone) == (first.email, first.phone)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("biuro(at)fundacja.pl,", r"row 3: bad email 'biuro\(at\)fundacja.pl'"),
        (",123", r"row 3: bad phone '123'"),
        (",+49 30 1234567", r"row 3: bad phone '\+49 30 1234567'"),
    ],
)
def test_a_bad_email_or_phone_names_the_row_and_column(tmp_path, cells, expected):
    path = partners_file(tmp_path, "p1,Dobra,ngo,,,", f"p2,Zła,ngo,,{cells}")
    with pytest.raises(SampleDataError, match=expected):
        read_partners_file(path)


def test_every_bad_row_is_listed_at_once(tmp_path):
    path = partners_file(tmp_path, "p1,A,ngo,,x@,", "p2,B,ngo,,,12")
    with pytest.raises(SampleDataError) as caught:
        read_partners_file(path)
    assert "row 2: bad email 'x@'" in str(caught.value)
    assert "row 3: bad phone '12'" in str(caught.value)


def test_normalise_email_is_the_import_rule():
    assert normalise_email("  MAILTO:a@b.pl ") == "a@b.pl"
    assert normalise_email(None) == normalise_email("  ") == ""
    too_long = "a" * MAX_LENGTHS["email"] + "@b.pl"
    for bad in ("a@b", "a..b@c.pl", "<script>@x.pl", too_long):
        with pytest.raises(ValueError):
            normalise_email(bad)


def test_sample_partners_invent_no_contact():
    partners = read_partners_file(SAMPLE_PARTNERS)
    assert partners and all(p.email == "" and p.phone == "" for p in partners)


def test_partner_contact_round_trips_through_storage(store):
    partner = Partner(
        id="fundacja",
        name="Fundacja Testowa",
        sector="ngo",
        website="https://fundacja-testowa.pl",
        email="biuro@fundacja-testowa.pl",
        phone="+48 166 211 234, +48 600 100 200",
        nip="1234563218",
    )
    store.save_partners([partner], "staff")
    assert store.get_partner("fundacja") == partner
    row = store.partners_frame().set_index("id").loc["fundacja"]
    assert (row["email"], row["phone"]) == (partner.email, partner.phone)
    store.save_partners([replace(partner, email="", phone="+48 166 211 234")], "staff")
    again = store.get_partner("fundacja")
    assert (again.email, again.phone, again.nip) == ("", "+48 166 211 234", "1234563218")
