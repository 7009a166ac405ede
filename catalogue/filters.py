"""Filtering, searching and sorting products: pure functions over DataFrames.

The frame is what :meth:`catalogue.storage.CatalogueStore.products_frame` returns, prepared
once per catalogue version by :func:`prepare_frame` (search text folded, months as masks).
Nothing here touches Streamlit, so every rule is tested directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from catalogue.events import UPCOMING_VIEWS, running_mask, upcoming_window
from catalogue.localise import localised_column
from catalogue.model import ACCESS_FACTS
from catalogue.opening_hours import is_open_at, is_open_on
from catalogue.taxonomy import BADGE_BY_SLUG, CATEGORY_SLUGS, Sector, wheelchair_level
from geodata import distance_km, fold_text

LOCAL_TIMEZONE = ZoneInfo("Europe/Warsaw")
SORT_ORDERS: tuple[str, ...] = ("name", "category", "district", "distance")
_ACCESS_FLAGS: tuple[str, ...] = ("family", "pets")
# What a tourist can ask of wheelchair access: "" any, "yes" fully accessible, "limited" at
# least partly accessible (yes or limited). The levels are catalogue.taxonomy.WHEELCHAIR_LEVELS.
WHEELCHAIR_FILTERS: tuple[str, ...] = ("", "yes", "limited")
WHEELCHAIR_FILTER_LABELS: dict[str, dict[str, str]] = {
    "": {"pl": "Bez znaczenia", "en": "Any", "uk": "Неважливо"},
    "yes": {
        "pl": "Dostępne dla wózków",
        "en": "Wheelchair accessible",
        "uk": "Доступно для візків",
    },
    "limited": {
        "pl": "Choć częściowo dostępne dla wózków",
        "en": "At least partly wheelchair accessible",
        "uk": "Хоча б частково доступно для візків",
    },
}


def wheelchair_filter_value(value: object) -> str:
    """A :data:`WHEELCHAIR_FILTERS` value from session state; a session from before the
    wheelchair levels held a checkbox (``True`` = fully accessible). Anything else is ""."""
    if value is True:
        return "yes"
    return value if isinstance(value, str) and value in WHEELCHAIR_FILTERS else ""


_WHEELCHAIR_ACCEPTS: dict[str, frozenset[str]] = {
    "yes": frozenset({"yes"}),
    "limited": frozenset({"yes", "limited"}),
}
_FACTS: frozenset[str] = frozenset(ACCESS_FACTS)
_SEARCH_SOURCES: tuple[str, ...] = (
    "name_pl",
    "name_en",
    "name_uk",
    "description_pl",
    "description_en",
    "description_uk",
    "tags",
    "partner_name",
    "address",
)


@dataclass(frozen=True)
class ProductFilter:
    """What a tourist asked for. Empty tuples and ``None`` mean "no restriction".

    ``month`` is 1–12; ``date_from``/``date_to`` bound events by their dates and other
    products by their months; ``text`` is matched case- and diacritics-insensitively.
    ``open_now`` keeps what its opening hours say is open at the moment of filtering
    (Polish time, Polish public holidays) and ``open_on`` what opens at some time that day;
    both also keep events running then, and drop what states no opening hours (unknown).
    """

    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    gminy: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    month: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    free_only: bool = False
    wheelchair: str = ""  # one of WHEELCHAIR_FILTERS
    family: bool = False
    pets: bool = False
    access: tuple[str, ...] = ()  # facts of catalogue.model.ACCESS_FACTS that must be true
    badges: tuple[str, ...] = ()  # slugs of catalogue.taxonomy.BADGES; any one of them
    upcoming: str | None = None  # an event view of catalogue.events.UPCOMING_VIEWS
    open_now: bool = False
    open_on: date | None = None
    text: str = ""
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for slug in self.categories:
            if slug not in CATEGORY_SLUGS:
                raise ValueError(f"unknown category {slug!r}; expected one of {CATEGORY_SLUGS}")
        for sector in self.sectors:
            Sector(sector)  # raises ValueError for an unknown sector
        if self.upcoming is not None and self.upcoming not in UPCOMING_VIEWS:
            raise ValueError(f"unknown upcoming view {self.upcoming!r}; expected {UPCOMING_VIEWS}")
        for badge in self.badges:
            if badge not in BADGE_BY_SLUG:
                raise ValueError(f"unknown badge {badge!r}; expected one of {tuple(BADGE_BY_SLUG)}")
        if self.wheelchair not in WHEELCHAIR_FILTERS:
            raise ValueError(
                f"unknown wheelchair filter {self.wheelchair!r}; expected {WHEELCHAIR_FILTERS}"
            )
        for fact in self.access:
            if fact not in _FACTS:
                raise ValueError(f"unknown accessibility fact {fact!r}; expected {ACCESS_FACTS}")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month!r} outside 1–12")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return self == ProductFilter()

    # -- shareable URL state -------------------------------------------------------------

    def to_query_params(self) -> dict[str, str]:
        """Compact query-string form (only what is set), for links and QR codes."""
        params: dict[str, str] = {}
        for key, value in (
            ("cat", self.categories),
            ("district", self.districts),
            ("gmina", self.gminy),
            ("sector", self.sectors),
        ):
            if value:
                params[key] = ",".join(value)
        if self.month:
            params["month"] = str(self.month)
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        for key in ("free_only", "family", "pets"):
            if getattr(self, key):
                params[key.removesuffix("_only")] = "1"
        if self.wheelchair:
            params["wheelchair"] = self.wheelchair
        if self.access:
            params["access"] = ",".join(self.access)
        if self.badges:
            params["badge"] = ",".join(self.badges)
        if self.upcoming:
            params["upcoming"] = self.upcoming
        if self.open_now:
            params["open"] = "now"
        if self.open_on:
            params["open_on"] = self.open_on.isoformat()
        if self.text.strip():
            params["q"] = self.text.strip()
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, str]) -> ProductFilter:
        """Rebuild a filter from query parameters, dropping values that are not valid.

        A hand-edited or stale link must still open the map, so unknown values are ignored
        rather than raised.
        """

        def listed(key: str, accept) -> tuple[str, ...]:
            raw = params.get(key) or ""
            return tuple(v for v in dict.fromkeys(raw.split(",")) if v and accept(v))

        def day(key: str) -> date | None:
            try:
                return date.fromisoformat(params.get(key) or "")
            except ValueError:
                return None

        month = query_int(params.get("month"), 1, 12)
        date_from, date_to = day("from"), day("to")
        if date_from and date_to and date_to < date_from:
            date_from, date_to = date_to, date_from
        return cls(
            categories=listed("cat", CATEGORY_SLUGS.__contains__),
            districts=listed("district", _ALL_DISTRICTS.__contains__),
            gminy=listed("gmina", lambda v: len(v) == 7 and _ASCII_INT.fullmatch(v) is not None),
            sectors=listed("sector", _SECTORS.__contains__),
            month=month,
            date_from=date_from,
            date_to=date_to,
            free_only=params.get("free") == "1",
            # "1" is what links printed before wheelchair levels (migration 0101) carry.
            wheelchair={"1": "yes", "yes": "yes", "limited": "limited"}.get(
                params.get("wheelchair") or "", ""
            ),
            family=params.get("family") == "1",
            pets=params.get("pets") == "1",
            access=listed("access", _FACTS.__contains__),
            badges=listed("badge", BADGE_BY_SLUG.__contains__),
            upcoming=params.get("upcoming") if params.get("upcoming") in UPCOMING_VIEWS else None,
            open_now=params.get("open") == "now",
            open_on=day("open_on"),
            text=(params.get("q") or "")[:200],
        )


_ASCII_INT = re.compile(r"[0-9]{1,9}")
_ASCII_DECIMAL = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,12})?")


def query_int(raw: object, low: int, high: int, *, clamp: bool = False) -> int | None:
    """An integer URL value within ``low..high``, else None (or the nearest bound if ``clamp``).

    Only ASCII digits count: ``str.isdigit()`` accepts "²" and "٣", which ``int()`` refuses
    or reads differently. Anything else (signs, spaces, decimals, empty) gives None.
    """
    text = raw if isinstance(raw, str) else ""
    if not _ASCII_INT.fullmatch(text):
        return None
    value = int(text)
    if clamp:
        return min(high, max(low, value))
    return value if low <= value <= high else None


def query_point(raw: object) -> tuple[float, float] | None:
    """``lat,lon`` (degrees, ASCII decimals) from a URL value, else None."""
    parts = raw.split(",") if isinstance(raw, str) else []
    if len(parts) != 2 or not all(_ASCII_DECIMAL.fullmatch(p.strip()) for p in parts):
        return None
    lat, lon = float(parts[0]), float(parts[1])
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


_ALL_DISTRICTS: tuple[str, ...] = ("1804", "1809", "1813", "1814", "1862")
_SECTORS: tuple[str, ...] = tuple(s.value for s in Sector)


def filter_fields() -> tuple[str, ...]:
    """Names of the filter's fields (for UI wiring)."""
    return tuple(f.name for f in fields(ProductFilter) if f.name != "extra")


def prepare_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the derived columns filtering needs; run once per catalogue version.

    Adds ``search_text`` (folded names, descriptions, tags, partner, address) and
    ``sort_name`` (the folded Polish name, which :func:`sort_products` would otherwise fold on
    every rerun) and makes missing text empty, so filters never meet NaN.
    """
    out = frame.copy()
    for col in _SEARCH_SOURCES + ("partner_sector", "gmina_teryt", "district_teryt", "category"):
        if col not in out.columns:
            out[col] = ""
        out[col] = out[col].fillna("").astype(str)
    if "months_mask" not in out.columns:
        out["months_mask"] = 0
    out["months_mask"] = pd.to_numeric(out["months_mask"], errors="coerce").fillna(0).astype(int)
    for col in ("event_start", "event_end"):
        if col not in out.columns:
            out[col] = None
        out[col] = pd.to_datetime(out[col], errors="coerce")
    for col in ("free", *_ACCESS_FLAGS):
        if col not in out.columns:
            out[col] = None
    if "wheelchair" not in out.columns:
        out["wheelchair"] = ""
    out["wheelchair"] = [wheelchair_cell(value) for value in out["wheelchair"]]
    # Column-wise concatenation; a row-wise agg(" ".join) took 4 s for 50,000 products.
    first, *rest = (out[col] for col in _SEARCH_SOURCES)
    joined = first.str.cat(rest, sep=" ") if len(out) else pd.Series([], dtype=str)
    ids = out["id"].astype(str).tolist() if "id" in out.columns else [""] * len(out)
    out["search_text"] = _SEARCH_FOLDS.fold(ids, joined.tolist())
    out["sort_name"] = _NAME_FOLDS.fold(ids, out["name_pl"].tolist())
    return out


class _FoldMemo:
    """Folded text of the last prepared catalogue, reused for products whose text is unchanged.

    After one approval only that product is folded again, so the first visitor after a write
    does not pay for folding the whole catalogue. Keyed by (product id, hash of the text);
    holds only the entries of the most recent frame, so it never outgrows one catalogue.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, int], str] = {}

    def fold(self, ids: list[str], texts: list[str]) -> list[str]:
        previous, current = self._entries, {}
        out = []
        for pid, text in zip(ids, texts, strict=True):
            key = (pid, hash(text))
            folded = previous.get(key)
            if folded is None:
                folded = fold_text(text)
            current[key] = folded
            out.append(folded)
        self._entries = current  # one assignment: concurrent readers see old or new
        return out


_SEARCH_FOLDS = _FoldMemo()
_NAME_FOLDS = _FoldMemo()


def wheelchair_cell(value: object) -> str:
    """A wheelchair level from a frame cell (or a pre-0101 yes/no flag); NULL/NaN is ""."""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return wheelchair_level(value)


def local_now() -> datetime:
    """The wall-clock time in Poland now, naive (what opening hours are written in)."""
    return datetime.now(LOCAL_TIMEZONE).replace(tzinfo=None)


def apply_filter(
    frame: pd.DataFrame, flt: ProductFilter, now: datetime | None = None
) -> pd.DataFrame:
    """Rows of a :func:`prepare_frame` frame that match ``flt``, in the frame's order.

    ``now`` (naive Polish time, default the clock) is the moment ``open_now`` asks about.
    """
    if frame.empty:
        return frame
    # A plain boolean array: combining aligned pandas Series costs more than the tests.
    mask = np.ones(len(frame), dtype=bool)
    if flt.categories:
        mask &= frame["category"].isin(flt.categories).to_numpy(dtype=bool)
    if flt.districts:
        mask &= frame["district_teryt"].isin(flt.districts).to_numpy(dtype=bool)
    if flt.gminy:
        mask &= frame["gmina_teryt"].isin(flt.gminy).to_numpy(dtype=bool)
    if flt.sectors:
        mask &= frame["partner_sector"].isin(flt.sectors).to_numpy(dtype=bool)
    if flt.free_only:
        mask &= _true(frame["free"]).to_numpy(dtype=bool)
    for flag in _ACCESS_FLAGS:
        if getattr(flt, flag):
            mask &= _true(frame[flag]).to_numpy(dtype=bool)
    if flt.wheelchair:
        accepted = _WHEELCHAIR_ACCEPTS[flt.wheelchair]
        levels = frame["wheelchair"] if "wheelchair" in frame else pd.Series("", index=frame.index)
        mask &= levels.isin(accepted).to_numpy(dtype=bool)
    if flt.badges:
        held = frame["badges"].fillna("").astype(str) if "badges" in frame else None
        if held is None:
            return frame.iloc[0:0]
        wanted = set(flt.badges)
        has = held.map(lambda text: bool(wanted & set(text.split(";"))))
        mask &= has.to_numpy(dtype=bool)
    for fact in flt.access:
        # Unknown (missing column or NULL) is not a yes.
        if fact not in frame:
            return frame.iloc[0:0]
        mask &= _true(frame[fact]).to_numpy(dtype=bool)
    if flt.month is not None:
        period = _month_bounds(flt.month, flt.date_from or date.today())
        mask &= open_in_period(frame, *period).to_numpy(dtype=bool)
    if flt.date_from or flt.date_to:
        mask &= open_in_period(frame, flt.date_from, flt.date_to).to_numpy(dtype=bool)
    if flt.upcoming:
        first, last = upcoming_window(flt.upcoming, (now or local_now()).date())
        mask &= running_mask(frame, first, last).to_numpy(dtype=bool)
    if flt.open_now:
        moment = now or local_now()
        mask &= open_mask(frame, lambda rule: is_open_at(rule, moment), moment.date())
    if flt.open_on:
        day = flt.open_on
        mask &= open_mask(frame, lambda rule: is_open_on(rule, day), day)
    if flt.text.strip():
        mask &= text_matches(frame["search_text"], flt.text).to_numpy(dtype=bool)
    return frame[mask]


def open_mask(frame: pd.DataFrame, rule_open, day: date) -> np.ndarray:
    """Boolean array: the row's opening-hours rule answers ``rule_open(rule) is True``, or
    the row has no rule and is an event running on ``day``. Each distinct rule is asked
    once."""
    rules = frame["opening_hours"] if "opening_hours" in frame else pd.Series("", frame.index)
    rules = rules.fillna("").astype(str)
    answers = {rule: rule_open(rule) is True for rule in rules.unique() if rule}
    by_rule = rules.map(lambda rule: answers.get(rule, False)).to_numpy(dtype=bool)
    running = open_in_period(frame, day, day).to_numpy(dtype=bool)
    is_event = (frame["event_start"].notna() | frame["event_end"].notna()).to_numpy(dtype=bool)
    return by_rule | ((rules == "").to_numpy(dtype=bool) & is_event & running)


def text_matches(search_text: pd.Series, query: str) -> pd.Series:
    """Every word of ``query`` occurs in ``search_text`` (already folded)."""
    mask = pd.Series(True, index=search_text.index)
    for word in fold_text(query).split():
        mask &= search_text.str.contains(word, regex=False)
    return mask


def open_in_period(frame: pd.DataFrame, start: date | None, end: date | None) -> pd.Series:
    """Products available at some point between ``start`` and ``end`` (inclusive).

    Events count by their dates; others by their months. A product with no months stated is
    kept: most sights are open all year, and hiding unknowns would hide most partner data.
    """
    start_ts = pd.Timestamp(start) if start else pd.Timestamp.min
    end_ts = pd.Timestamp(end) if end else pd.Timestamp.max
    ev_start, ev_end = frame["event_start"], frame["event_end"]
    is_event = ev_start.notna() | ev_end.notna()
    ev_from = ev_start.fillna(ev_end)
    ev_to = ev_end.fillna(ev_start)
    event_ok = is_event & (ev_from <= end_ts) & (ev_to >= start_ts)
    wanted = _period_mask(start, end)
    months = frame["months_mask"].astype(int)
    month_ok = ~is_event & ((months == 0) | ((months & wanted) != 0))
    return event_ok | month_ok


def _period_mask(start: date | None, end: date | None) -> int:
    if start is None or end is None or (end - start).days >= 365:
        return 0xFFF
    mask, year, month = 0, start.year, start.month
    while (year, month) <= (end.year, end.month):
        mask |= 1 << (month - 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return mask


def _month_bounds(month: int, reference: date) -> tuple[date, date]:
    """First and last day of ``month`` in the year of ``reference`` or the next one."""
    year = reference.year if month >= reference.month else reference.year + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - pd.Timedelta(days=1)).day
    return date(year, month, 1), date(year, month, last)


def _true(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is True or v == 1).astype(bool)


def relevance(names: list[str], query: str) -> list[tuple[int, int]]:
    """Rank of each folded name for the search ``query``: lower is more relevant.

    Tiers: 0 the name is the query, 1 it starts with it, 2 every query word starts a word
    of the name, 3 the name contains every word, 4 only other fields match; within a tier a
    shorter name (more of it matched) comes first.
    """
    q = " ".join(fold_text(query).split())
    words = q.split()
    ranks = []
    for name in names:
        name = " ".join(str(name).split())
        name_words = name.split()
        if not words:
            tier = 4
        elif name == q:
            tier = 0
        elif name.startswith(q):
            tier = 1
        elif all(any(nw.startswith(w) for nw in name_words) for w in words):
            tier = 2
        elif all(w in name for w in words):
            tier = 3
        else:
            tier = 4
        ranks.append((tier, len(name)))
    return ranks


def sort_products(
    frame: pd.DataFrame,
    order: str = "name",
    origin: tuple[float, float] | None = None,
    lang: str = "pl",
    query: str = "",
) -> pd.DataFrame:
    """Sort by ``order`` (one of :data:`SORT_ORDERS`); ``distance`` needs ``origin`` (lat, lon).

    With a search ``query`` the most relevant names come first (see :func:`relevance`) and
    ``order`` only breaks ties. Adds ``distance_km`` when an origin is given.
    """
    if order not in SORT_ORDERS:
        raise ValueError(f"unknown sort order {order!r}; expected one of {SORT_ORDERS}")
    if order == "distance" and origin is None:
        raise ValueError("sorting by distance needs an origin (lat, lon)")
    # The keys are sorted in a small frame and the products taken once in that order: copying
    # and sorting the whole frame (descriptions, search text) was most of a rerun.
    keys = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    distance = None
    if origin is not None:
        distance = (
            distance_km(origin[0], origin[1], frame["lat"], frame["lon"]) if len(frame) else []
        )
    if order == "distance":
        keys["distance_km"] = distance
        keys["id"] = frame["id"].reset_index(drop=True)
        by = ["distance_km", "id"]
    else:
        keys["_sort_name"] = _sort_names(frame, lang)
        by = {
            "name": ["_sort_name"],
            "category": ["category", "_sort_name"],
            "district": ["district_teryt", "_sort_name"],
        }[order]
        for col in by[:-1]:
            keys[col] = frame[col].reset_index(drop=True)
    if query.strip():
        names = keys["_sort_name"] if "_sort_name" in keys else _sort_names(frame, lang)
        ranks = relevance(list(names), query)
        keys["_tier"] = [r[0] for r in ranks]
        keys["_length"] = [r[1] for r in ranks]
        by = ["_tier", "_length", *by]
    positions = keys.sort_values(by, kind="stable").index.to_numpy()
    out = frame.take(positions)
    if distance is not None:
        out["distance_km"] = np.asarray(distance, dtype=float)[positions] if len(frame) else []
    return out


def _sort_names(frame: pd.DataFrame, lang: str) -> list[str]:
    """Folded display names in ``lang`` (Polish where the translation is blank)."""
    name_col = f"name_{lang}" if f"name_{lang}" in frame.columns else "name_pl"
    names = localised_column(frame, "name", lang)
    if "sort_name" not in frame.columns:
        return [fold_text(str(n)) for n in names]
    # prepare_frame folded the Polish names; only real translations are folded here.
    folded = frame["sort_name"].tolist()
    if name_col != "name_pl":
        translated = (frame[name_col].astype(str).str.strip() != "").to_numpy(dtype=bool)
        for i in np.flatnonzero(translated):
            folded[i] = fold_text(str(names.iloc[i]))
    return folded


def nearby_products(
    frame: pd.DataFrame,
    lat: float,
    lon: float,
    radius_km: float = 5.0,
    exclude_id: str | None = None,
) -> pd.DataFrame:
    """Products within ``radius_km`` of (``lat``, ``lon``), nearest first, with ``distance_km``."""
    if frame.empty:
        return frame.assign(distance_km=pd.Series(dtype=float))
    dist = distance_km(lat, lon, frame["lat"], frame["lon"])
    out = frame.assign(distance_km=dist)
    out = out[out["distance_km"] <= radius_km]
    if exclude_id is not None:
        out = out[out["id"] != exclude_id]
    return out.sort_values(["distance_km", "id"], kind="stable")


def with_text(flt: ProductFilter, text: str) -> ProductFilter:
    """A copy of ``flt`` with another search text."""
    return replace(flt, text=text)
