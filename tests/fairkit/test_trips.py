"""Trips: nearest-neighbour order, distances, the trip link value, GPX 1.1 and the PDF."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from fairkit.trips import (
    GPX_NS,
    MAX_STOPS,
    order_trip,
    parse_trip_param,
    trip_distance_km,
    trip_gpx,
    trip_legs_km,
    trip_param,
    trip_pdf,
)
from geodata import distance_km

HOSTILE = "<img src=x onerror=alert(1)>${alert(2)}` & ]]>"
G = f"{{{GPX_NS}}}"


def _row(pid: str, lat: float, lon: float, name: str, **extra) -> dict:
    base = {
        "id": pid,
        "lat": lat,
        "lon": lon,
        "name_pl": name,
        "name_en": "",
        "name_uk": "",
        "description_pl": f"Opis {name}",
        "description_en": "",
        "description_uk": "",
        "address": "",
        "website": "",
        "category": "heritage",
    }
    base.update(extra)
    return base


@pytest.fixture
def line() -> pd.DataFrame:
    """Four stops on the parallel 50° N at 22.0, 22.3, 22.1 and 22.25° E (listed A, B, C, D).

    No two gaps are equal, so no order depends on how a floating-point tie falls.
    """
    return pd.DataFrame(
        [
            _row("a", 50.0, 22.0, "A"),
            _row("b", 50.0, 22.3, "B", name_en="B in English", website="https://b.example/"),
            _row("c", 50.0, 22.1, "C", website="javascript:alert(1)"),
            _row("d", 50.0, 22.25, HOSTILE, address="ul. <Zamkowa> 1 & 2"),
        ]
    )


def test_nearest_neighbour_from_the_first_stop(line):
    assert order_trip(line, ["a", "b", "c", "d"]) == ["a", "c", "d", "b"]
    # Starting elsewhere in the list starts there.
    assert order_trip(line, ["b", "a", "c", "d"]) == ["b", "d", "c", "a"]


def test_nearest_neighbour_from_a_given_point(line):
    # (lat, lon) just east of B: B is the nearest first stop, then westwards.
    assert order_trip(line, ["a", "b", "c", "d"], start=(50.0, 22.35)) == ["b", "d", "c", "a"]
    # Just west of C.
    assert order_trip(line, ["a", "b", "c", "d"], start=(50.01, 22.09)) == ["c", "a", "d", "b"]


def test_nearest_neighbour_is_greedy_not_optimal():
    # From X the nearest is Y (east); the far west point W comes last, although going
    # W-first would be shorter overall. This documents the algorithm, not a wish.
    frame = pd.DataFrame(
        [
            _row("x", 50.0, 22.0, "X"),
            _row("y", 50.0, 22.05, "Y"),
            _row("w", 50.0, 21.94, "W"),
            _row("z", 50.0, 22.2, "Z"),
        ]
    )
    assert order_trip(frame, ["x", "w", "y", "z"]) == ["x", "y", "w", "z"]


def test_unknown_duplicate_and_single_stops(line):
    assert order_trip(line, []) == []
    assert order_trip(line, ["zz"]) == []
    assert order_trip(line, ["c"]) == ["c"]
    assert order_trip(line, ["a", "zz", "a", "b"]) == ["a", "b"]
    assert order_trip(line.iloc[0:0], ["a"]) == []


def test_distance_is_the_sum_of_great_circle_legs(line):
    order = ["a", "c", "d", "b"]
    legs = trip_legs_km(line, order)
    # One tenth of a degree of longitude at 50° N, computed independently (on one parallel
    # the great-circle legs add up almost exactly like the longitude differences).
    tenth = float(distance_km(50.0, 22.0, [50.0], [22.1])[0])
    assert legs == pytest.approx([tenth, 1.5 * tenth, 0.5 * tenth], rel=1e-3)
    assert 7.0 < tenth < 7.3
    assert trip_distance_km(line, order) == pytest.approx(3 * tenth, rel=1e-6)
    assert trip_distance_km(line, ["a", "b", "c", "d"]) == pytest.approx(6.5 * tenth, rel=1e-3)
    assert trip_distance_km(line, ["a"]) == 0
    with_start = trip_distance_km(line, ["a"], start=(50.0, 21.9))
    assert with_start == pytest.approx(tenth, rel=1e-3)


def test_trip_param_round_trip_and_hostile_values():
    assert parse_trip_param("sample-001,sample-002") == ["sample-001", "sample-002"]
    assert parse_trip_param(trip_param(["a", "b"])) == ["a", "b"]
    assert parse_trip_param(" a , a ,,b,<script>,c d,../x") == ["a", "b"]
    assert parse_trip_param(None) == []
    assert len(parse_trip_param(",".join(f"p{i}" for i in range(200)))) == MAX_STOPS
    assert parse_trip_param("x" * 65) == []


# -- GPX 1.1 ----------------------------------------------------------------------------------

# Child elements of wptType and rteType in the order of the GPX 1.1 schema (xsd:sequence).
WPT_ORDER = [
    "ele", "time", "magvar", "geoidheight", "name", "cmt", "desc", "src", "link", "sym",
    "type", "fix", "sat", "hdop", "vdop", "pdop", "ageofdgpsdata", "dgpsid", "extensions",
]  # fmt: skip
RTE_ORDER = ["name", "cmt", "desc", "src", "link", "number", "type", "extensions", "rtept"]
GPX_ORDER = ["metadata", "wpt", "rte", "trk", "extensions"]
METADATA_ORDER = [
    "name", "desc", "author", "copyright", "link", "time", "keywords", "bounds", "extensions",
]  # fmt: skip


def _local(el: ET.Element) -> str:
    assert el.tag.startswith(G), f"{el.tag} is outside the GPX 1.1 namespace"
    return el.tag[len(G) :]


def _assert_sequence(parent: ET.Element, order: list[str]) -> None:
    names = [_local(child) for child in parent]
    assert all(n in order for n in names), names
    positions = [order.index(n) for n in names]
    assert positions == sorted(positions), f"{_local(parent)} children out of order: {names}"


def _check_point(el: ET.Element) -> tuple[float, float]:
    _assert_sequence(el, WPT_ORDER)
    lat, lon = float(el.attrib["lat"]), float(el.attrib["lon"])
    assert -90 <= lat <= 90 and -180 <= lon < 180
    for link in el.findall(f"{G}link"):
        assert link.attrib["href"].startswith(("http://", "https://"))
    return lat, lon


def test_gpx_is_valid_gpx_1_1_with_the_trip_in_order(line):
    order = order_trip(line, ["a", "b", "c", "d"])
    data = trip_gpx(line, order, "Wycieczka <1> & co", link="https://example.org/wycieczka?trip=a")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(data)
    assert root.tag == f"{G}gpx"
    assert root.attrib["version"] == "1.1"
    assert root.attrib["creator"]
    _assert_sequence(root, GPX_ORDER)
    meta = root.find(f"{G}metadata")
    _assert_sequence(meta, METADATA_ORDER)
    assert meta.findtext(f"{G}name") == "Wycieczka <1> & co"
    assert meta.find(f"{G}link").attrib["href"] == "https://example.org/wycieczka?trip=a"

    by_id = line.set_index("id")
    expected = [(float(by_id.at[i, "lat"]), float(by_id.at[i, "lon"])) for i in order]
    wpts = root.findall(f"{G}wpt")
    assert [_check_point(w) for w in wpts] == expected
    routes = root.findall(f"{G}rte")
    assert len(routes) == 1
    _assert_sequence(routes[0], RTE_ORDER)
    rtepts = routes[0].findall(f"{G}rtept")
    assert [_check_point(p) for p in rtepts] == expected
    names = [p.findtext(f"{G}name") for p in rtepts]
    assert names == ["1. A", "2. C", f"3. {HOSTILE}", "4. B"]
    # Hostile text stays text; the non-http website of C is left out.
    hostile = rtepts[2]
    assert "ul. <Zamkowa> 1 & 2" in hostile.findtext(f"{G}desc")
    assert rtepts[1].find(f"{G}link") is None
    assert rtepts[3].find(f"{G}link").attrib["href"] == "https://b.example/"
    assert b"<img" not in data and b"&lt;img" in data


def test_gpx_language_and_bad_link(line):
    data = trip_gpx(line, ["b"], "Trip", lang="en", link="javascript:alert(1)")
    root = ET.fromstring(data)
    assert root.find(f"{G}metadata/{G}link") is None
    assert root.findtext(f"{G}wpt/{G}name") == "1. B in English"
    with pytest.raises(ValueError):
        trip_gpx(line, ["b"], "Trip", lang="de")


def test_gpx_of_an_empty_trip_is_still_valid(line):
    root = ET.fromstring(trip_gpx(line, [], "Pusta"))
    assert root.findall(f"{G}wpt") == []
    assert root.find(f"{G}rte") is not None


def test_pdf_lists_the_stops(line):
    data = trip_pdf(
        line, ["a", "c", "d"], "Wycieczka po Przemyślu", lang="uk", link="https://x.pl/w"
    )
    assert data.startswith(b"%PDF-") and len(data) > 1000
