"""The partner directory: which organisations are listed, and filtering them.

Pure functions over the frame of :meth:`catalogue.storage.CatalogueStore.partners_frame`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from catalogue.taxonomy import Sector
from geodata import DISTRICT_TERYTS, fold_text


@dataclass(frozen=True)
class PartnerFilter:
    """Sectors and districts (TERYT) to keep, and a case/diacritics-insensitive text."""

    sectors: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    text: str = ""

    def __post_init__(self) -> None:
        for sector in self.sectors:
            Sector(sector)
        for teryt in self.districts:
            if teryt not in DISTRICT_TERYTS:
                raise ValueError(f"unknown district {teryt!r}; expected one of {DISTRICT_TERYTS}")


def listed_partners(partners: pd.DataFrame, products: pd.DataFrame | None = None) -> pd.DataFrame:
    """Partners shown publicly: those with a published offering, and cluster members.

    Adds ``district_teryt`` (from the partner's gmina), ``districts`` (that district plus
    those of its published ``products``, a frame with ``partner_id`` and
    ``district_teryt``) and ``search_text``.
    """
    if partners.empty:
        return partners.assign(
            district_teryt=pd.Series(dtype=str),
            districts=pd.Series(dtype=object),
            search_text=pd.Series(dtype=str),
        )
    count = pd.to_numeric(partners["published_count"], errors="coerce").fillna(0)
    member = partners["member"].fillna(False).astype(bool)
    out = partners[(count > 0) | member].copy()
    out["district_teryt"] = out["gmina_teryt"].fillna("").astype(str).str[:4]
    # An organisation seated in Przemyśl that runs a workshop in a village of powiat
    # przemyski belongs to both districts for a visitor looking for it.
    offered: dict[str, set[str]] = {}
    if products is not None and not products.empty:
        for pid, district in zip(products["partner_id"], products["district_teryt"], strict=True):
            if isinstance(pid, str) and pid and isinstance(district, str) and district:
                offered.setdefault(pid, set()).add(district)
    out["districts"] = [
        frozenset({d for d in [seat] if d} | offered.get(pid, set()))
        for pid, seat in zip(out["id"], out["district_teryt"], strict=True)
    ]
    text_cols = ["name", "legal_form", "description_pl", "description_en", "description_uk"]
    # Column-wise concatenation: a row-wise agg(" ".join) was most of this function.
    joined = out[text_cols[0]].fillna("").astype(str)
    for col in text_cols[1:]:
        joined = joined + " " + out[col].fillna("").astype(str)
    out["search_text"] = [fold_text(s) for s in joined.tolist()]
    return out


def filter_partners(partners: pd.DataFrame, flt: PartnerFilter) -> pd.DataFrame:
    """Rows of a :func:`listed_partners` frame matching ``flt``, sorted by folded name."""
    if partners.empty:
        return partners
    mask = pd.Series(True, index=partners.index)
    if flt.sectors:
        mask &= partners["sector"].isin(flt.sectors)
    if flt.districts:
        wanted = set(flt.districts)
        mask &= partners["districts"].map(lambda ds: bool(ds & wanted)).astype(bool)
    for word in fold_text(flt.text).split():
        mask &= partners["search_text"].str.contains(word, regex=False)
    out = partners[mask]
    order = sorted(out.index, key=lambda i: fold_text(str(out.at[i, "name"])))
    return out.loc[order]


def sector_counts(partners: pd.DataFrame) -> dict[str, int]:
    """Number of partners per sector (every sector present, zero included)."""
    counts = partners["sector"].value_counts() if not partners.empty else pd.Series(dtype=int)
    return {s.value: int(counts.get(s.value, 0)) for s in Sector}
