"""Pure tests of the partner directory rules: who is listed, filtering and search."""

from __future__ import annotations

import pandas as pd
import pytest

from catalogue.partners import PartnerFilter, filter_partners, listed_partners, sector_counts


@pytest.fixture
def partners() -> pd.DataFrame:
    rows = [
        ("muz", "Muzeum Narodowe Ziemi Przemyskiej", "public", "1862011", False, 3),
        ("coop", "Spółdzielnia Socjalna Żurawianka", "social_economy", "1813102", False, 1),
        ("wtz", "Warsztat Terapii Zajęciowej w Lubaczowie", "social_economy", "1809011", True, 0),
        ("idle", "Stowarzyszenie Bez Ofert", "ngo", "1804011", False, 0),
        ("hotel", "Hotel Przy Zamku", "business", "1813042", False, 2),
    ]
    frame = pd.DataFrame(
        rows, columns=["id", "name", "sector", "gmina_teryt", "member", "published_count"]
    )
    for col in ("legal_form", "description_pl", "description_en", "description_uk"):
        frame[col] = ""
    frame.loc[frame["id"] == "coop", "description_pl"] = "Catering i rękodzieło z Żurawicy"
    products = pd.DataFrame(
        {"partner_id": ["muz", "muz", "coop"], "district_teryt": ["1862", "1813", "1813"]}
    )
    return listed_partners(frame, products)


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["id"])


def test_listed_partners_have_offerings_or_membership(partners):
    assert set(ids(partners)) == {"muz", "coop", "wtz", "hotel"}
    assert "idle" not in ids(partners)  # no published offering, not a member


def test_district_is_derived_from_the_gmina(partners):
    assert dict(zip(partners["id"], partners["district_teryt"], strict=True))["coop"] == "1813"


def test_filter_by_sector_and_district(partners):
    flt = PartnerFilter(sectors=("social_economy",), districts=("1813",))
    assert ids(filter_partners(partners, flt)) == ["coop"]
    assert ids(filter_partners(partners, PartnerFilter(districts=("1862",)))) == ["muz"]


def test_partner_belongs_to_the_districts_of_its_offerings(partners):
    # Seated in the city, with an offering in powiat przemyski.
    in_county = ids(filter_partners(partners, PartnerFilter(districts=("1813",))))
    assert in_county == ["hotel", "muz", "coop"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zurawianka", ["coop"]),
        ("ŻURAWICY", ["coop"]),  # description, diacritics folded
        ("lubaczowie", ["wtz"]),
        ("muzeum przemyskiej", ["muz"]),
        ("nic", []),
    ],
)
def test_search_ignores_case_and_diacritics(partners, text, expected):
    assert ids(filter_partners(partners, PartnerFilter(text=text))) == expected


def test_results_sorted_by_folded_name(partners):
    assert ids(filter_partners(partners, PartnerFilter())) == ["hotel", "muz", "coop", "wtz"]


def test_sector_counts_include_zero(partners):
    assert sector_counts(partners) == {"public": 1, "business": 1, "ngo": 0, "social_economy": 2}


def test_empty_and_invalid(partners):
    empty = listed_partners(partners.iloc[0:0])
    assert filter_partners(empty, PartnerFilter(text="x")).empty
    assert sector_counts(empty) == {"public": 0, "business": 0, "ngo": 0, "social_economy": 0}
    with pytest.raises(ValueError):
        PartnerFilter(sectors=("church",))
    with pytest.raises(ValueError):
        PartnerFilter(districts=("1234",))
