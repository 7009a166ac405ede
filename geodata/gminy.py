"""The 39 gminy (municipalities) of the five districts and name resolution for them."""

from __future__ import annotations

import csv
import functools
import math
import re
from pathlib import Path

import pandas as pd

from .names import check_teryt
from .text import fold_text

GMINY_FILE = Path(__file__).resolve().parent / "gminy.csv"

KIND_URBAN = "miejska"
KIND_RURAL = "wiejska"
KIND_URBAN_RURAL = "miejsko-wiejska"
KINDS: tuple[str, ...] = (KIND_URBAN, KIND_RURAL, KIND_URBAN_RURAL)
PREFER_OPTIONS: tuple[str, ...] = ("urban", "rural")

# Longest first, so "gmina wiejska" wins over "gmina". The hint says which kind the
# partner meant when a name exists twice (town and surrounding rural gmina).
_PREFIXES: tuple[tuple[str, str | None], ...] = (
    ("miasto i gmina", "urban"),
    ("gmina miejsko-wiejska", "urban"),
    ("gmina miejsko wiejska", "urban"),
    ("gmina miejska", "urban"),
    ("gmina wiejska", "rural"),
    ("gmina", "rural"),
    ("gm.", "rural"),
    ("miasto", "urban"),
    ("m.", "urban"),
)
_PAREN = re.compile(r"\(([^)]*)\)")
_TERYT7 = re.compile(r"^\d{7}$")


@functools.cache
def _records() -> tuple[dict, ...]:
    with open(GMINY_FILE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        rec = dict(row)
        rec["seat_lat"] = float(rec["seat_lat"])
        rec["seat_lon"] = float(rec["seat_lon"])
        out.append(rec)
    return tuple(out)


def _copy(rec: dict) -> dict:
    return dict(rec)


def load_gminy() -> pd.DataFrame:
    """All gminy: teryt, powiat_teryt, name, kind, seat_lat, seat_lon (WGS84°), seat_place.

    Seat points are approximate (see geodata/README.md) and only meant for guessing a gmina.
    """
    frame = pd.DataFrame([_copy(r) for r in _records()])
    for col in ("teryt", "powiat_teryt", "name", "kind", "seat_place"):
        frame[col] = frame[col].astype("string")
    return frame


def gminy_of_district(teryt: str) -> list[dict]:
    """Gminy of one district as dicts (same keys as load_gminy columns), ordered by TERYT.

    :param teryt: 4-digit district code; ValueError if it is not one of the five.
    """
    code = check_teryt(teryt)
    return [_copy(r) for r in _records() if r["powiat_teryt"] == code]


def _is_urban(kind: str) -> bool:
    return kind in (KIND_URBAN, KIND_URBAN_RURAL)


def _parse_name(text: str) -> tuple[str, str | None]:
    """Folded bare name and a kind hint ("urban", "rural" or None) from a declared gmina."""
    folded = fold_text(text)
    hint = None
    paren = _PAREN.search(folded)
    if paren:
        inner = paren.group(1)
        folded = _PAREN.sub(" ", folded).strip()
        if "miejsko" in inner or "miejska" in inner or "miasto" in inner or "urban" in inner:
            hint = "urban"
        elif "wiejska" in inner or "rural" in inner or "gmina" in inner:
            hint = "rural"
    for prefix, prefix_hint in _PREFIXES:
        if folded.startswith(prefix + " ") or (prefix.endswith(".") and folded.startswith(prefix)):
            folded = folded[len(prefix) :].strip()
            hint = hint or prefix_hint
            break
    return _name_key(folded), hint


def _name_key(folded: str) -> str:
    # "Horyniec Zdrój" and "Horyniec-Zdrój" are the same name to a partner.
    return " ".join(folded.replace("-", " ").split())


def _by_teryt(code: str) -> dict | None:
    for rec in _records():
        if rec["teryt"] == code:
            return rec
    return None


def _candidates(name: str) -> list[dict]:
    return [r for r in _records() if _name_key(fold_text(r["name"])) == name]


def find_gmina(
    name_or_teryt: str, district_teryt: str | None = None, prefer: str = "urban"
) -> dict | None:
    """Resolve a gmina declared by a partner.

    Accepts a 7-digit TERYT code or a name, compared case- and diacritics-insensitively,
    optionally with a prefix: "miasto X"/"m. X" means the town, "gmina X"/"gmina wiejska X"
    the rural gmina (the usual Polish convention). For a bare name that exists twice
    (Jarosław, Radymno, Lubaczów, Przeworsk, Przemyśl) ``prefer`` decides.

    :param name_or_teryt: declared gmina name or TERYT code.
    :param district_teryt: if given, only gminy of that district match (ValueError if unknown).
    :param prefer: "urban" or "rural"; anything else raises ValueError.
    :returns: a dict like the rows of load_gminy, or None when nothing matches.
    """
    if prefer not in PREFER_OPTIONS:
        raise ValueError(f"prefer must be one of {', '.join(PREFER_OPTIONS)}, got {prefer!r}")
    district = check_teryt(district_teryt) if district_teryt is not None else None
    text = str(name_or_teryt or "").strip()
    if not text:
        return None
    compact = text.replace(" ", "")
    if _TERYT7.match(compact):
        rec = _by_teryt(compact)
        if rec is None or (district and rec["powiat_teryt"] != district):
            return None
        return _copy(rec)
    name, hint = _parse_name(text)
    found = _candidates(name)
    if district:
        found = [r for r in found if r["powiat_teryt"] == district]
    if not found:
        return None
    if len(found) > 1:
        want_urban = (hint or prefer) == "urban"
        preferred = [r for r in found if _is_urban(r["kind"]) == want_urban]
        found = preferred or found
    return _copy(sorted(found, key=lambda r: r["teryt"])[0])


def district_of_gmina(teryt_or_name: str) -> str:
    """District TERYT (4 digits) of a gmina given by 7-digit TERYT or by name.

    Names are matched like in find_gmina. A name used by both a town and its rural gmina
    (Jarosław, Radymno, Lubaczów, Przeworsk) is fine: both lie in the same district. Only
    "Przemyśl" spans two districts (the city 1862, the rural gmina 1813): there a prefix
    ("miasto Przemyśl" / "gmina Przemyśl") decides, and the bare name raises ValueError.
    Raises ValueError for an unknown gmina.
    """
    text = str(teryt_or_name or "").strip()
    compact = text.replace(" ", "")
    if _TERYT7.match(compact):
        rec = _by_teryt(compact)
        if rec is None:
            raise ValueError(f"unknown gmina TERYT {text!r}")
        return rec["powiat_teryt"]
    name, hint = _parse_name(text)
    found = _candidates(name)
    if not found:
        raise ValueError(
            f"unknown gmina {text!r}; expected one of the 39 gminy of the five districts"
        )
    if hint is not None:
        want_urban = hint == "urban"
        found = [r for r in found if _is_urban(r["kind"]) == want_urban] or found
    districts = {r["powiat_teryt"] for r in found}
    if len(districts) > 1:
        raise ValueError(
            f"gmina name {text!r} is ambiguous (districts {', '.join(sorted(districts))}); "
            f"write 'miasto {found[0]['name']}' or 'gmina {found[0]['name']}'"
        )
    return districts.pop()


def guess_gmina(lat: float, lon: float, district_teryt: str) -> str:
    """Best guess of the gmina (7-digit TERYT) for a point already known to be in a district.

    Picks the gmina whose approximate seat point is nearest; it is a fallback for partners
    who declare no gmina, not a boundary lookup. The city of Przemyśl has one gmina.

    :param lat: latitude, degrees WGS84.
    :param lon: longitude, degrees WGS84.
    :param district_teryt: 4-digit district code; ValueError if unknown.
    """
    code = check_teryt(district_teryt)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError("lat and lon must be finite numbers")
    scale = math.cos(math.radians(lat))

    def dist2(rec: dict) -> float:
        return (rec["seat_lat"] - lat) ** 2 + ((rec["seat_lon"] - lon) * scale) ** 2

    candidates = [r for r in _records() if r["powiat_teryt"] == code]
    return min(candidates, key=lambda r: (dist2(r), r["teryt"]))["teryt"]
