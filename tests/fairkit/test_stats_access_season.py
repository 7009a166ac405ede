"""Offerings per district by accessibility fact and opening season, against counts made
here row by row from the sample catalogue and from hand-made rows."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pandas as pd
from openpyxl import load_workbook

from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore
from fairkit.stats import access_season_by_district, localise_columns, to_xlsx_bytes
from geodata import DISTRICT_TERYTS


def _row(pid: str, teryt: str, months: list[int] | None = None, **facts) -> dict:
    mask = sum(1 << (m - 1) for m in months or [])
    return {"id": pid, "district_teryt": teryt, "months_mask": mask,
            "event_start": None, "event_end": None, "wheelchair": None, "step_free": None,
            "accessible_toilet": None, "disabled_parking": None, "info_blind": None,
            "info_deaf": None, "pets": None, **facts}  # fmt: skip


def test_counts_of_hand_made_rows():
    frame = pd.DataFrame(
        [
            _row("a", "1804", list(range(1, 13)), wheelchair="yes", step_free=True),
            _row("b", "1804", [6, 7, 8], wheelchair="no"),  # stated no: known, not counted
            _row("c", "1809", [12], pets=True, wheelchair="limited"),
            _row("d", "1809"),  # nothing stated
            _row("e", "1862", event_start=date(2027, 8, 14), event_end=date(2027, 8, 16)),
        ]
    )
    table = access_season_by_district(frame, "en")
    total = table.iloc[-1]
    table = table.iloc[:-1].set_index("teryt")
    jar, lub = table.loc["1804"], table.loc["1809"]
    assert (jar["products"], jar["wheelchair"], jar["step_free"], jar["access_unknown"]) == (
        2,
        1,
        1,
        0,
    )
    assert (jar["all_year"], jar["seasonal"], jar["summer"], jar["winter"]) == (1, 1, 2, 1)
    assert (lub["pets"], lub["access_unknown"], lub["winter"], lub["summer"]) == (1, 1, 1, 0)
    assert (lub["wheelchair"], lub["wheelchair_limited"], jar["wheelchair_limited"]) == (0, 1, 0)
    assert (lub["season_unknown"], lub["seasonal"]) == (1, 1)
    city = table.loc["1862"]
    assert (city["events"], city["season_unknown"], city["summer"]) == (1, 0, 0)
    assert total["products"] == 5 and total["access_unknown"] == 2 and total["events"] == 1


def test_sample_counts_match_a_row_by_row_count(tmp_path):
    store = CatalogueStore(f"sqlite:///{tmp_path / 'c.sqlite'}")
    store.create_schema()
    load_sample_catalogue(store)
    frame = store.products_frame()
    store.dispose()
    rows = frame.to_dict("records")
    table = access_season_by_district(frame, "pl")
    by_teryt = table.iloc[:-1].set_index("teryt")

    def yes(value) -> bool:
        return value is True or value == 1

    for teryt in DISTRICT_TERYTS:
        mine = [r for r in rows if r["district_teryt"] == teryt]
        dated = [r for r in mine if pd.notna(r["event_start"]) or pd.notna(r["event_end"])]
        undated = [r for r in mine if r not in dated]
        got = by_teryt.loc[teryt]
        assert got["products"] == len(mine)
        assert got["pets"] == sum(yes(r["pets"]) for r in mine)
        assert got["wheelchair"] == sum(r["wheelchair"] == "yes" for r in mine)
        assert got["wheelchair_limited"] == sum(r["wheelchair"] == "limited" for r in mine)
        assert got["events"] == len(dated)
        assert got["all_year"] == sum(int(r["months_mask"]) == 4095 for r in undated)
        assert got["season_unknown"] == sum(int(r["months_mask"]) == 0 for r in undated)
        july = Counter(bool(int(r["months_mask"]) & (1 << 6)) for r in undated)[True]
        assert got["summer"] >= july
    assert table.iloc[-1]["products"] == len(rows)
    # The report's sheet, with Polish headers.
    data = to_xlsx_bytes({"Dostępność i sezon": localise_columns(table, "pl")})
    sheet = load_workbook(io.BytesIO(data))["Dostępność i sezon"]
    headers = [c.value for c in sheet[1]]
    assert "Ze zwierzętami" in headers and "Otwarte latem (VI–VIII)" in headers
