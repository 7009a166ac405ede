"""The committed schematic base map: reproducible, inside the region, labels that never collide."""

from __future__ import annotations

import itertools

import pytest
import shapely

from geodata import basemap as bm
from geodata import load_districts
from geodata.build import DEFAULT_SOURCE, GMINA_SEATS


@pytest.fixture(scope="module")
def features():
    return bm.load_basemap()["features"]


@pytest.fixture(scope="module")
def places(features):
    return [
        bm.Place(
            geonameid=p["geonameid"],
            name_pl=p["name_pl"],
            name_uk=p["name_uk"],
            lat=f["geometry"]["coordinates"][1],
            lon=f["geometry"]["coordinates"][0],
            population=p["population"],
            cls=p["class"],
            min_zoom=p["min_zoom"],
            anchor=p["anchor"],
        )
        for f in features
        if (p := f["properties"])["kind"] == "place"
    ]


def test_rebuild_gives_the_committed_bytes(tmp_path):
    out = bm.build_basemap(DEFAULT_SOURCE, tmp_path)
    assert out.read_bytes() == (bm.PACKAGE_DIR / bm.BASEMAP_FILE).read_bytes()
    assert out.stat().st_size < 60_000


def test_places_lie_in_the_five_districts(places):
    region = shapely.buffer(shapely.union_all(load_districts().geometry.values), 0.02)
    assert 70 <= len(places) <= 140
    assert all(shapely.contains_xy(region, p.lon, p.lat) for p in places)
    # cities500 holds places of 500 people or more, and administrative seats (Krasiczyn, 440).
    seats = {seat.place.rstrip("*") for seat in GMINA_SEATS.values()}
    assert all(p.population >= 500 or p.name_pl in seats for p in places)
    assert len({p.geonameid for p in places}) == len(places)


def test_seats_are_labelled_from_the_regions_view(places):
    seats = {p.name_pl: p for p in places if p.cls == "seat"}
    assert set(seats) == {"Przemyśl", "Jarosław", "Przeworsk", "Lubaczów"}
    # The app opens the region at zoom 9-9.5; every seat shows there.
    assert all(p.min_zoom <= 9 for p in seats.values())
    assert seats["Przemyśl"].name_uk == "Перемишль"
    assert seats["Lubaczów"].name_uk == "Любачів"


@pytest.mark.parametrize("zoom", range(bm.MIN_ZOOM, bm.MAX_PLACED_ZOOM + 1))
def test_no_two_shown_labels_overlap(places, zoom):
    shown = [p for p in places if p.min_zoom <= zoom]
    boxes = [bm.label_box(p, zoom) for p in shown]
    clashes = [
        (a.name_pl, b.name_pl)
        for (a, box_a), (b, box_b) in itertools.combinations(zip(shown, boxes, strict=True), 2)
        if box_a[0] < box_b[2]
        and box_b[0] < box_a[2]
        and box_a[1] < box_b[3]
        and box_b[1] < box_a[3]
    ]
    assert not clashes


def test_more_places_as_the_map_zooms_in(places):
    counts = [sum(p.min_zoom <= z for p in places) for z in range(8, 13)]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    assert counts[-1] == len(places)  # at zoom 12 every place is named


def test_river_and_border(features):
    by_kind = {f["properties"]["kind"]: f for f in features if f["properties"]["kind"] != "place"}
    san = shapely.geometry.shape(by_kind["river"]["geometry"])
    border = shapely.geometry.shape(by_kind["state_border"]["geometry"])
    assert by_kind["river"]["properties"]["name"] == "San"
    for lat, lon in [(49.7839, 22.7678), (50.0161, 22.6777)]:  # Przemyśl, Jarosław
        assert shapely.distance(san, shapely.Point(lon, lat)) < 0.035
    # The border runs along the districts' outline, east of the San.
    outline = shapely.boundary(shapely.union_all(load_districts().geometry.values))
    assert shapely.length(shapely.intersection(border, shapely.buffer(outline, 0.001))) > 0.9 * (
        shapely.length(border)
    )
    assert shapely.bounds(border)[0] > 22.6


@pytest.mark.parametrize(
    ("alternates", "expected"),
    [
        (["Peremyshl'", "Перемишль", "Перемышль", "Пшемисл", "Пшемишъл", "פשמישל"], "Перемишль"),
        (["Prukhnik", "Порохник", "Прухник", "Прухнік", "Прухњик"], "Прухнік"),
        (["Jaroslaw", "Јарослав", "Ярослав"], "Ярослав"),
        (["Oleszyce"], ""),
        ([""], ""),
        (["Gmina Narol", "Гміна Наріль", "Нароль"], "Нароль"),
    ],
)
def test_ukrainian_name(alternates, expected):
    assert bm.ukrainian_name(alternates) == expected


def test_district_names_keep_clear_of_the_seats():
    points = bm.district_label_points()
    assert set(points) == {"1804", "1809", "1813", "1814", "1862"}
    districts = load_districts().set_index("teryt")
    for teryt, (lat, lon) in points.items():
        assert shapely.contains_xy(districts.loc[teryt, "geometry"], lon, lat)
        if teryt != bm.CITY_TERYT:
            for seat in bm.SEAT_POINTS.values():
                assert abs(seat.lat - lat) + abs(seat.lon - lon) > 0.08, (teryt, seat.place)
