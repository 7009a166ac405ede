"""A column added to catalogue.columns reaches the offering form and the statistics by itself.

A throwaway yes/no column (bicycle parking) is put into the registry for one test; the form's
values round trip, its widget list and the statistics' completeness must carry it with no
other edit, and must not know it without it.
"""

from __future__ import annotations

from dataclasses import field, make_dataclass

import pandas as pd
import pytest

from catalogue import columns
from catalogue.columns import Column
from catalogue.model import Product
from fairkit.stats import OFFERING_FIELD_LABELS, completeness_by_field, offering_field_labels
from ui.form_values import product_to_values, profile_fields, values_to_record
from ui.form_words import F, field_label
from ui.product_form import LAID_OUT

BIKE_PARKING = Column(
    "bike_parking",
    "parking rowerowy",
    aliases=("stojaki na rowery",),
    kind="yes_no",
    help_pl="Parking dla rowerów: tak / nie / puste.",
    label={"pl": "Parking rowerowy", "en": "Bicycle parking", "uk": "Велопарковка"},
    form="yes_no",
    completeness=True,
)
# What the migration and the model would add for the new column.
BikeProduct = make_dataclass(
    "BikeProduct",
    [("bike_parking", bool | None, field(default=None, kw_only=True))],
    bases=(Product,),
)


def bike_product(parking: bool | None) -> Product:
    return BikeProduct(
        id="rowery", name_pl="Wypożyczalnia rowerów", category="active", lat=50.0163,
        lon=22.6777, address="Rynek 1", bike_parking=parking,
    )  # fmt: skip


@pytest.fixture
def with_bike_parking(monkeypatch):
    monkeypatch.setattr(columns, "COLUMN_REGISTRY", (*columns.COLUMN_REGISTRY, BIKE_PARKING))


def test_a_new_column_rides_the_form_values_round_trip(with_bike_parking):
    values = product_to_values(bike_product(True))
    assert values["bike_parking"] == "tak"
    assert product_to_values(bike_product(None))["bike_parking"] == ""
    assert "bike_parking" in profile_fields()
    record = values_to_record(values)
    assert record["bike_parking"] == "tak" and record["address"] == "Rynek 1"
    assert values_to_record({**values, "bike_parking": "nie"})["bike_parking"] == "nie"
    with pytest.raises(ValueError, match="bike_parking"):
        values_to_record({**values, "bike_parking": "może"})
    # The form asks it (no section places it) under the registry's label in each language.
    assert "bike_parking" not in LAID_OUT and "bike_parking" not in F
    assert [field_label(BIKE_PARKING, lang) for lang in ("pl", "en", "uk")] == [
        "Parking rowerowy", "Bicycle parking", "Велопарковка",
    ]  # fmt: skip


def test_without_the_column_the_form_does_not_carry_it():
    assert "bike_parking" not in product_to_values(bike_product(True))
    assert "bike_parking" not in values_to_record({"bike_parking": "tak"})
    assert "bike_parking" not in profile_fields()


def test_a_new_column_is_counted_in_the_completeness_statistics(with_bike_parking):
    labels = offering_field_labels()
    assert labels["bike_parking"] == BIKE_PARKING.label
    assert "bike_parking" not in OFFERING_FIELD_LABELS  # the registry as the app imported it
    frame = pd.DataFrame({"bike_parking": [True, False, None, None], "address": ["a", "", "", ""]})
    table = completeness_by_field(frame, labels, "en").set_index("field")
    assert table.loc["Bicycle parking", "filled"] == 2  # "no" states something too
    assert table.loc["Bicycle parking", "share_pct"] == 50.0
    assert table.loc["Address", "filled"] == 1


def test_the_form_lays_out_only_registry_columns_and_labels_each():
    names = {c.name for c in columns.form_columns()}
    assert LAID_OUT <= names  # no section places a column the registry no longer has
    for column in columns.form_columns():
        for lang in ("pl", "en", "uk"):
            assert field_label(column, lang).strip()
