"""Pure tests of filtering, searching and sorting products (no Streamlit)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from catalogue.filters import (
    ProductFilter,
    apply_filter,
    nearby_products,
    prepare_frame,
    sort_products,
)
from catalogue.model import months_to_mask

SUMMER = months_to_mask([5, 6, 7, 8, 9])


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "id": "",
        "name_pl": "",
        "name_en": "",
        "category": "heritage",
        "lat": 49.78,
        "lon": 22.77,
        "district_teryt": "1813",
        "gmina_teryt": "1813042",
        "partner_sector": "public",
        "months_mask": 0,
        "free": None,
        "wheelchair": None,
        "family": None,
        "pets": None,
        "event_start": None,
        "event_end": None,
        "tags": "",
        "description_pl": "",
    }
    return prepare_frame(pd.DataFrame([base | r for r in rows]))


@pytest.fixture
def products() -> pd.DataFrame:
    return frame(
        [
            {"id": "castle", "name_pl": "Zamek w Krasiczynie", "name_en": "Krasiczyn Castle", "tags": "zamek;renesans", "free": False, "wheelchair": True},
            {"id": "square", "name_pl": "Rynek w Przemyślu", "district_teryt": "1862", "gmina_teryt": "1862011", "lat": 49.7836, "lon": 22.7678, "free": True, "months_mask": 0xFFF, "wheelchair": "limited"},
            {"id": "coop", "name_pl": "Ser kozi, gmina Żurawica", "category": "local_products", "partner_sector": "social_economy", "gmina_teryt": "1813102", "lat": 49.82, "lon": 22.79, "months_mask": SUMMER, "family": True, "wheelchair": "no"},
            {"id": "fest", "name_pl": "Festiwal", "category": "events", "district_teryt": "1804", "gmina_teryt": "1804011", "lat": 50.016, "lon": 22.678, "event_start": "2027-08-10", "event_end": "2027-08-15", "pets": True},
            {"id": "lub", "name_pl": "Cerkiew w Radrużu", "district_teryt": "1809", "gmina_teryt": "1809032", "lat": 50.187, "lon": 23.383, "partner_sector": "social_economy", "description_pl": "Drewniana cerkiew UNESCO"},
        ]
    )  # fmt: skip


def ids(df: pd.DataFrame) -> list[str]:
    return list(df["id"])


def test_empty_filter_keeps_everything_in_order(products):
    assert ids(apply_filter(products, ProductFilter())) == [
        "castle",
        "square",
        "coop",
        "fest",
        "lub",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("krasiczyn", ["castle"]),
        ("KRASICZYN", ["castle"]),
        ("przemysl", ["square"]),
        ("zurawica", ["coop"]),
        ("ŻURAWICA", ["coop"]),
        ("renesans", ["castle"]),  # tag
        ("unesco radruz", ["lub"]),  # every word, description + name
        ("castle", ["castle"]),  # English name
        ("nothing-like-this", []),
    ],
)
def test_text_search_ignores_case_and_diacritics(products, query, expected):
    assert ids(apply_filter(products, ProductFilter(text=query))) == expected


def test_category_district_gmina_and_sector(products):
    assert ids(apply_filter(products, ProductFilter(categories=("events", "local_products")))) == [
        "coop",
        "fest",
    ]
    assert ids(apply_filter(products, ProductFilter(districts=("1813", "1809")))) == [
        "castle",
        "coop",
        "lub",
    ]
    assert ids(apply_filter(products, ProductFilter(gminy=("1813102",)))) == ["coop"]
    flt = ProductFilter(sectors=("social_economy",), districts=("1809",))
    assert ids(apply_filter(products, flt)) == ["lub"]


def test_flags_keep_only_known_true_values(products):
    assert ids(apply_filter(products, ProductFilter(free_only=True))) == ["square"]
    # The castle's flag is a pre-0101 True (read as "yes"); the square is "limited".
    assert ids(apply_filter(products, ProductFilter(wheelchair="yes"))) == ["castle"]
    assert ids(apply_filter(products, ProductFilter(wheelchair="limited"))) == ["castle", "square"]
    assert ids(apply_filter(products, ProductFilter(family=True))) == ["coop"]
    assert ids(apply_filter(products, ProductFilter(pets=True))) == ["fest"]


def test_wheelchair_filter_is_checked_and_travels_in_links():
    with pytest.raises(ValueError, match="wheelchair"):
        ProductFilter(wheelchair=True)
    with pytest.raises(ValueError, match="wheelchair"):
        ProductFilter(wheelchair="no")  # "not accessible" is no filter a tourist asks for
    for wanted in ("yes", "limited"):
        flt = ProductFilter(wheelchair=wanted)
        assert flt.to_query_params() == {"wheelchair": wanted}
        assert ProductFilter.from_query_params(flt.to_query_params()) == flt
    # A link printed before the levels ("wheelchair=1") still asks for full access.
    assert ProductFilter.from_query_params({"wheelchair": "1"}).wheelchair == "yes"
    assert ProductFilter.from_query_params({"wheelchair": "maybe"}).wheelchair == ""


def test_month_uses_months_and_event_dates(products):
    # January: the summer-only cheese and the August festival drop out; unknown months stay.
    assert ids(apply_filter(products, ProductFilter(month=1))) == ["castle", "square", "lub"]
    august = ProductFilter(date_from=date(2027, 8, 1), date_to=date(2027, 8, 31))
    assert ids(apply_filter(products, august)) == ["castle", "square", "coop", "fest", "lub"]
    after_festival = ProductFilter(date_from=date(2027, 8, 16), date_to=date(2027, 8, 20))
    assert "fest" not in ids(apply_filter(products, after_festival))


def test_empty_frame_and_no_match(products):
    empty = products.iloc[0:0]
    assert apply_filter(empty, ProductFilter(text="x")).empty
    assert apply_filter(products, ProductFilter(categories=("food",))).empty


def test_missing_values_do_not_break_filters():
    df = frame(
        [{"id": "a", "name_pl": None, "tags": None, "partner_sector": None, "free": float("nan")}]
    )
    assert ids(apply_filter(df, ProductFilter(text=""))) == ["a"]
    assert apply_filter(df, ProductFilter(text="zamek")).empty
    assert apply_filter(df, ProductFilter(free_only=True)).empty
    assert apply_filter(df, ProductFilter(sectors=("ngo",))).empty


def test_invalid_options_raise_value_error():
    with pytest.raises(ValueError, match="unknown category"):
        ProductFilter(categories=("castles",))
    with pytest.raises(ValueError):
        ProductFilter(sectors=("church",))
    with pytest.raises(ValueError):
        ProductFilter(month=13)
    with pytest.raises(ValueError):
        ProductFilter(date_from=date(2027, 5, 2), date_to=date(2027, 5, 1))


def test_query_params_round_trip():
    flt = ProductFilter(
        categories=("museum", "heritage"),
        districts=("1809",),
        gminy=("1809032",),
        sectors=("social_economy",),
        month=7,
        date_from=date(2027, 7, 1),
        date_to=date(2027, 7, 9),
        free_only=True,
        family=True,
        text="cerkiew drewniana",
    )
    assert ProductFilter.from_query_params(flt.to_query_params()) == flt
    assert ProductFilter().to_query_params() == {}


def test_query_params_drop_junk_instead_of_failing():
    flt = ProductFilter.from_query_params(
        {
            "cat": "museum,<script>,heritage",
            "district": "9999,1862",
            "month": "13",
            "from": "x",
            "gmina": "12;drop",
        }
    )
    assert flt == ProductFilter(categories=("museum", "heritage"), districts=("1862",))


def test_sort_by_name_localised_and_by_distance(products):
    assert ids(sort_products(products, "name"))[:2] == ["lub", "fest"]
    by_distance = sort_products(products, "distance", origin=(50.016, 22.678))
    assert ids(by_distance)[0] == "fest"
    assert by_distance["distance_km"].is_monotonic_increasing
    with pytest.raises(ValueError):
        sort_products(products, "distance")
    with pytest.raises(ValueError):
        sort_products(products, "price")


def test_nearby_within_radius_excludes_self(products):
    near = nearby_products(products, 49.78, 22.77, radius_km=5, exclude_id="castle")
    assert ids(near) == ["square", "coop"]
    assert (near["distance_km"] <= 5).all()
    assert nearby_products(products.iloc[0:0], 49.78, 22.77).empty


def test_prepare_frame_folds_again_only_what_changed(monkeypatch):
    import catalogue.filters as filters_module

    rows = [
        {"id": f"p{i}", "name_pl": f"Miejsce {i}", "description_pl": f"Opis źródłowy {i}"}
        for i in range(50)
    ]
    frame(rows)  # the previous catalogue version: everything folded once
    folded: list[str] = []
    real_fold = filters_module.fold_text
    monkeypatch.setattr(
        filters_module, "fold_text", lambda text: folded.append(text) or real_fold(text)
    )
    rows[7] = rows[7] | {"description_pl": "Nowy opis: Łańcut"}
    prepared = frame(rows)
    # One product changed: its search text is folded again, nothing else is.
    assert len(folded) == 1 and "Łańcut" in folded[0]
    assert ids(apply_filter(prepared, ProductFilter(text="lancut"))) == ["p7"]
    matching_old_text = ids(apply_filter(prepared, ProductFilter(text="zrodlowy")))
    assert "p7" not in matching_old_text and len(matching_old_text) == 49


def test_search_ranks_exact_then_prefix_name_matches_first():
    rows = frame(
        [
            {"id": "hotel", "name_pl": "Hotel w Zamku Krasiczyn"},
            {"id": "canoe", "name_pl": "Spływ kajakowy z Krasiczyna"},
            {"id": "castle", "name_pl": "Zamek w Krasiczynie"},
            {"id": "other", "name_pl": "Park Krajobrazowy", "description_pl": "Krasiczyn"},
            {"id": "exact", "name_pl": "Krasiczyn"},
            {"id": "prefix", "name_pl": "Krasiczyn – zespół zamkowo-parkowy"},
        ]
    )
    found = apply_filter(rows, ProductFilter(text="KRASICZYN"))
    ranked = ids(sort_products(found, "name", query="KRASICZYN"))
    assert ranked[:2] == ["exact", "prefix"]
    assert ranked[2] == "castle", "the shortest name of those with a word starting so"
    assert ranked[-1] == "other", "a match in the description only comes last"
    # Without a search text the chosen order rules.
    assert ids(sort_products(found, "name"))[0] == "hotel"


def test_accessibility_facts_filter_and_unknown_is_not_yes():
    rows = frame(
        [
            {"id": "ramp", "step_free": True, "info_blind": True},
            {"id": "stairs", "step_free": False, "info_blind": True},
            {"id": "unknown", "step_free": None, "info_blind": None},
        ]
    )
    found = apply_filter(rows, ProductFilter(access=("step_free",)))
    assert list(found["id"]) == ["ramp"]
    both = apply_filter(rows, ProductFilter(access=("step_free", "info_blind")))
    assert list(both["id"]) == ["ramp"]
    assert list(apply_filter(rows, ProductFilter(access=("info_blind",)))["id"]) == [
        "ramp",
        "stairs",
    ]
    params = ProductFilter(access=("step_free", "info_deaf")).to_query_params()
    assert params["access"] == "step_free,info_deaf"
    assert ProductFilter.from_query_params({"access": "step_free,bogus"}).access == ("step_free",)
    with pytest.raises(ValueError, match="accessibility fact"):
        ProductFilter(access=("lift",))
