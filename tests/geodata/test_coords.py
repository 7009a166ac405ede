"""parse_coordinates on what partners actually paste, and the CLI exit codes."""

from __future__ import annotations

import pytest

from geodata import CoordinateError, ParsedCoordinates, parse_coordinates

from .conftest import run_cli, run_cli_process

LAT, LON = 50.0163, 22.6777
# 50°00'58.7"N 22°40'39.7"E and 50° 0.978' / 22° 40.662' are the same point to ~3 m.
DMS_TOL = 5e-5

FORMATS = [
    ("50.0163, 22.6777", 1e-9),
    ("50.0163,22.6777", 1e-9),
    ("50.0163 22.6777", 1e-9),
    ("  50.0163 ,  22.6777  ", 1e-9),
    ("(50.0163, 22.6777)", 1e-9),
    ("50,0163 22,6777", 1e-9),
    ("50,0163; 22,6777", 1e-9),
    ("50,0163;22,6777", 1e-9),
    ("50.0163; 22.6777", 1e-9),
    ("50,0163, 22,6777", 1e-9),
    ("50.0163N 22.6777E", 1e-9),
    ("50.0163 N, 22.6777 E", 1e-9),
    ("N50.0163 E22.6777", 1e-9),
    ("N 50.0163, E 22.6777", 1e-9),
    ("E22.6777 N50.0163", 1e-9),
    ("lat: 50.0163, lon: 22.6777", 1e-9),
    ("lon=22.6777 lat=50.0163", 1e-9),
    ("50°00'58.7\"N 22°40'39.7\"E", DMS_TOL),
    ("50°00'58.7\"N, 22°40'39.7\"E", DMS_TOL),
    ("50° 00' 58.7\" N 22° 40' 39.7\" E", DMS_TOL),
    ("50 ° 00 ' 58.7 \" N   22 ° 40 ' 39.7 \" E", DMS_TOL),
    ("50°00′58.7″N 22°40′39.7″E", DMS_TOL),
    ("50°00’58.7”N 22°40’39.7”E", DMS_TOL),
    ("50°00'58.7''N 22°40'39.7''E", DMS_TOL),
    ("50°00'58,7\"N 22°40'39,7\"E", DMS_TOL),
    ("N 50°00'58.7\" E 22°40'39.7\"", DMS_TOL),
    ("50°00'58.7\" 22°40'39.7\"", DMS_TOL),
    ("N 50° 0.978' E 22° 40.662'", DMS_TOL),
    ("N50°0.978' E22°40.662'", DMS_TOL),
    ("50° 0.978′ N, 22° 40.662′ E", DMS_TOL),
    ("50 0 58.7 N 22 40 39.7 E", DMS_TOL),
    ("50 0 58.7 22 40 39.7", DMS_TOL),
    ("50 00 58.7N, 22 40 39.7E", DMS_TOL),
    ("50°00′58.7″ пн. ш. 22°40′39.7″ сх. д.", DMS_TOL),
    ("50°00'58.7\" szer. płn., 22°40'39.7\" dł. wsch.", DMS_TOL),
    ("50.0163\u00a0N\u2009 22.6777\u00a0E", 1e-9),
    ("https://www.google.com/maps/@50.0163,22.6777,15z", 1e-9),
    ("https://www.google.com/maps?q=50.0163,22.6777", 1e-9),
    ("https://maps.google.com/?q=50.0163%2C22.6777", 1e-9),
    ("https://www.google.com/maps/search/?api=1&query=50.0163,22.6777", 1e-9),
    (
        "https://www.google.com/maps/place/Ratusz/@50.0100,22.6700,17z/"
        "data=!3m1!4b1!4m6!3m5!1s0x0:0x0!8m2!3d50.0163!4d22.6777",
        1e-9,
    ),
    ("https://www.openstreetmap.org/#map=15/50.0163/22.6777", 1e-9),
    ("https://www.openstreetmap.org/?mlat=50.0163&mlon=22.6777#map=17/50.01/22.67", 1e-9),
    ("geo:50.0163,22.6777", 1e-9),
    ("geo:50.0163,22.6777;u=35", 1e-9),
    ("geo:0,0?q=50.0163,22.6777(Jaroslaw)", 1e-9),
]


@pytest.mark.parametrize(("text", "tol"), FORMATS, ids=[f[0] for f in FORMATS])
def test_formats(text, tol):
    parsed = parse_coordinates(text)
    assert isinstance(parsed, ParsedCoordinates)
    assert parsed.lat == pytest.approx(LAT, abs=tol)
    assert parsed.lon == pytest.approx(LON, abs=tol)
    assert not parsed.swapped
    assert parsed.warning is None
    assert parsed.warning_message("en") is None


def test_unpacks_as_lat_lon():
    lat, lon = parse_coordinates("50.0163, 22.6777")
    assert (lat, lon) == (LAT, LON)
    assert tuple(parse_coordinates("1, 2")) == (1.0, 2.0)


def test_dms_value_exact():
    parsed = parse_coordinates("49°47'02\"N 22°46'04\"E")
    assert parsed.lat == pytest.approx(49 + 47 / 60 + 2 / 3600)
    assert parsed.lon == pytest.approx(22 + 46 / 60 + 4 / 3600)


@pytest.mark.parametrize(
    "text", ["22.6777, 50.0163", "22,6777; 50,0163", "22.6777 50.0163", "22°40'39.7\" 50°00'58.7\""]
)
def test_swapped_order_is_fixed_with_warning(text):
    parsed = parse_coordinates(text)
    assert parsed.lat == pytest.approx(LAT, abs=DMS_TOL)
    assert parsed.lon == pytest.approx(LON, abs=DMS_TOL)
    assert parsed.swapped
    assert parsed.warning and "Swapped" in parsed.warning and "Zamieniono" in parsed.warning
    assert parsed.warning_message("uk").startswith("Порядок")


def test_letters_decide_order_without_warning():
    parsed = parse_coordinates("22.6777E 50.0163N")
    assert (parsed.lat, parsed.lon) == (LAT, LON)
    assert not parsed.swapped


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("-33.8568, 151.2153", -33.8568, 151.2153),
        ("33.8568S 151.2153E", -33.8568, 151.2153),
        ("40.7128 N, 74.0060 W", 40.7128, -74.0060),
        ("S 34° 36' W 58° 22'", -(34 + 36 / 60), -(58 + 22 / 60)),
        ("−12.5, −45.25", -12.5, -45.25),
        ("0, 0", 0.0, 0.0),
        ("90, 180", 90.0, 180.0),
        ("51.5074, -0.1278", 51.5074, -0.1278),
    ],
)
def test_other_hemispheres(text, lat, lon):
    parsed = parse_coordinates(text)
    assert parsed.lat == pytest.approx(lat)
    assert parsed.lon == pytest.approx(lon)


def test_far_points_are_not_rejected():
    # Plausibility is locate's job: a valid point in Spain parses fine.
    assert tuple(parse_coordinates("40.4168, -3.7038")) == (40.4168, -3.7038)


def test_latitude_over_90_first_is_swapped():
    parsed = parse_coordinates("120.5, 45.2")
    assert (parsed.lat, parsed.lon, parsed.swapped) == (45.2, 120.5, True)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("hello", "unparseable"),
        ("Jarosław, Rynek 1", "unparseable"),
        ("50.0163", "unparseable"),
        ("50.0163, 22.6777, 11.2", "unparseable"),
        ("50°70'00\"N 22°40'00\"E", "unparseable"),
        ("50°00'75\"N 22°40'00\"E", "unparseable"),
        ("50.5°30' N 22° E", "unparseable"),
        ("50.0163N 22.6777N", "unparseable"),
        ("50.0163N 22.6777", "unparseable"),
        ("-50.0163N 22.6777E", "unparseable"),
        ("https://maps.app.goo.gl/abcDEF123", "unparseable"),
        ("https://www.google.com/maps/place/Jaros%C5%82aw", "unparseable"),
        ("95, 200", "out_of_range"),
        ("91N 10E", "out_of_range"),
        ("45, 181", "out_of_range"),
        ("geo:95,10", "out_of_range"),
    ],
)
def test_errors(text, code):
    with pytest.raises(CoordinateError) as info:
        parse_coordinates(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.code == code
    for lang in ("pl", "en", "uk"):
        assert err.message(lang)
    assert "50.0163, 22.6777" in err.message("en")  # an example is always given
    assert err.message("pl") in str(err) and err.message("en") in str(err)


def test_error_messages_name_what_was_expected():
    with pytest.raises(CoordinateError) as info:
        parse_coordinates("hello")
    assert "latitude and longitude" in info.value.message("en")
    assert "szerokości i długości" in info.value.message("pl")
    assert "широту й довготу" in info.value.message("uk")


def test_error_message_language_is_checked():
    with pytest.raises(CoordinateError) as info:
        parse_coordinates("")
    with pytest.raises(ValueError):
        info.value.message("de")


def test_python_dash_m_geodata_runs_the_command_line():
    # The one real process: the entry point, its exit codes and UTF-8 output.
    ok = run_cli_process("locate", "50.0163, 22.6777")
    assert ok.returncode == 0 and ok.stdout.splitlines() == ["1804 powiat jarosławski"]
    outside = run_cli_process("locate", "--lang", "en", "50.0375, 22.0047")
    assert outside.returncode == 3 and "Przeworsk County" in outside.stderr
    garbage = run_cli_process("locate", "not a coordinate")
    assert garbage.returncode == 2 and "Nie rozpoznano" in garbage.stderr


def test_cli_exit_codes():
    ok = run_cli("locate", "50.0163, 22.6777")
    assert ok.returncode == 0 and ok.stdout.splitlines() == ["1804 powiat jarosławski"]

    swapped = run_cli("locate", "22.6777, 50.0163")
    assert swapped.returncode == 0
    lines = swapped.stdout.splitlines()
    assert lines[0] == "1804 powiat jarosławski" and "Zamieniono" in lines[1]

    unquoted = run_cli("locate", "--lang", "en", "50.0163,", "22.6777")
    assert unquoted.returncode == 0 and unquoted.stdout.startswith("1804 Jarosław County")

    uk = run_cli("locate", "--lang", "uk", "49.7839 22.7678")
    assert uk.returncode == 0 and uk.stdout.startswith("1862 місто Перемишль")

    garbage = run_cli("locate", "not a coordinate")
    assert garbage.returncode == 2 and "Nie rozpoznano" in garbage.stderr

    empty = run_cli("locate", "")
    assert empty.returncode == 2

    out_of_range = run_cli("locate", "--lang", "en", "95, 200")
    assert out_of_range.returncode == 2 and "out of range" in out_of_range.stderr

    outside = run_cli("locate", "--lang", "en", "50.0375, 22.0047")
    assert outside.returncode == 3
    assert "nearest is Przeworsk County" in outside.stderr and "km away" in outside.stderr

    bad_lang = run_cli("locate", "--lang", "de", "50.0163, 22.6777")
    assert bad_lang.returncode == 2
