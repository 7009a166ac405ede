"""Data completeness per field, for offerings and partners (counted against the rows)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore
from fairkit.stats import (
    OFFERING_FIELD_LABELS,
    PARTNER_FIELD_LABELS,
    completeness_by_field,
    localise_columns,
)


def test_hand_made_rows_count_what_is_stated():
    frame = pd.DataFrame(
        [
            {"description_pl": "Opis", "opening_hours": "24/7", "wheelchair": "limited",
             "step_free": False, "months_mask": 0, "event_start": None, "free": None,
             "price": "10 zł", "text_licence": "CC-BY-4.0"},
            {"description_pl": "", "opening_hours": "", "wheelchair": "", "step_free": None,
             "months_mask": 0, "event_start": date(2027, 8, 1), "free": True, "price": "",
             "text_licence": ""},
            {"description_pl": "  ", "opening_hours": "", "wheelchair": None, "step_free": None,
             "months_mask": 0xFFF, "event_start": None, "free": None, "price": "",
             "text_licence": ""},
        ]
    )  # fmt: skip
    table = completeness_by_field(frame, OFFERING_FIELD_LABELS, "en").set_index("field")
    assert table.loc["Description (PL)", "filled"] == 1  # blank text is not a description
    assert table.loc["Opening hours", "filled"] == 1
    assert table.loc["Wheelchair access", "filled"] == 1  # "limited" is an answer
    assert table.loc["Step-free entrance", "filled"] == 1  # "no" is an answer too
    assert table.loc["Months or dates", "filled"] == 2
    assert table.loc["Price or free", "filled"] == 2
    assert table.loc["Licence of the texts", "share_pct"] == 33.3
    assert set(table["rows"]) == {3}
    assert list(localise_columns(table.reset_index(), "pl").columns) == [
        "Pole", "Wypełnione", "Wszystkich", "Udział %",
    ]  # fmt: skip


def test_sample_completeness_matches_a_row_by_row_count(tmp_path):
    store = CatalogueStore(f"sqlite:///{tmp_path / 'c.sqlite'}")
    store.create_schema()
    load_sample_catalogue(store)
    products, partners = store.products_frame(), store.partners_frame()
    store.dispose()
    offers = completeness_by_field(products, OFFERING_FIELD_LABELS, "pl").set_index("field")
    hours = int((products["opening_hours"].fillna("") != "").sum())
    assert hours > 0 and offers.loc["Godziny otwarcia", "filled"] == hours
    assert offers.loc["Opis (PL)", "filled"] == int((products["description_pl"] != "").sum())
    people = completeness_by_field(partners, PARTNER_FIELD_LABELS, "pl").set_index("field")
    assert people.loc["Forma prawna", "rows"] == len(partners)
    assert people.loc["Forma prawna", "filled"] == int((partners["legal_form_code"] != "").sum())
    assert people.loc["NIP", "filled"] == int((partners["nip"] != "").sum())
