"""Command line: ``python -m geodata locate "50.0163, 22.6777"`` ``python -m geodata build`` and
``python -m geodata basemap``.

Exit codes of ``locate``: 0 located, 2 coordinates not understood, 3 outside the districts.
"""

from __future__ import annotations

import argparse
import sys

from .names import LANGUAGES, district_name

EXIT_OK = 0
EXIT_UNPARSEABLE = 2
EXIT_OUTSIDE = 3

_NOTES = {
    "near": {
        "pl": "Uwaga: punkt leży {km:.1f} km poza granicą pięciu powiatów; przypisano najbliższy.",
        "en": "Note: the point lies {km:.1f} km outside the five districts; the nearest was used.",
        "uk": "Увага: точка лежить за {km:.1f} км поза межами п'яти повітів; обрано найближчий.",
    },
    "uncertain": {
        "pl": "Uwaga: blisko granicy z: {other}; o przynależności powinna zdecydować podana gmina.",
        "en": "Note: close to the boundary with {other}; a declared gmina should decide.",
        "uk": "Увага: поблизу межі з: {other}; належність має визначити вказана гміна.",
    },
    "outside": {
        "pl": "Punkt leży poza pięcioma powiatami; najbliższy jest {name}, {km:.1f} km dalej.",
        "en": "The point is outside the five districts; nearest is {name}, {km:.1f} km away.",
        "uk": "Точка поза межами п'яти повітів; найближчий — {name}, за {km:.1f} км.",
    },
}


def _cmd_locate(args: argparse.Namespace) -> int:
    from .coords import CoordinateError, parse_coordinates
    from .districts import locate, nearest_district

    lang = args.lang
    text = " ".join(args.text)
    try:
        parsed = parse_coordinates(text)
    except CoordinateError as err:
        print(err.message(lang), file=sys.stderr)
        return EXIT_UNPARSEABLE
    notes = []
    if parsed.swapped:
        notes.append(parsed.warning_message(lang))
    found = locate(parsed.lat, parsed.lon)
    if found is None:
        teryt, km = nearest_district(parsed.lat, parsed.lon)
        for note in notes:
            print(note, file=sys.stderr)
        name = district_name(teryt, lang)
        print(_NOTES["outside"][lang].format(name=name, km=km), file=sys.stderr)
        return EXIT_OUTSIDE
    print(f"{found.teryt} {district_name(found.teryt, lang)}")
    if found.near_boundary:
        notes.append(_NOTES["near"][lang].format(km=found.distance_km))
    if found.uncertain and found.alternative_teryt:
        other = district_name(found.alternative_teryt, lang)
        notes.append(_NOTES["uncertain"][lang].format(other=other))
    for note in notes:
        print(note)
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build, summary

    print(summary(build(args.source, args.out)))
    return EXIT_OK


def _cmd_basemap(args: argparse.Namespace) -> int:
    from .basemap import build_basemap, summary

    print(summary(build_basemap(args.source, args.out)))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m geodata", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    loc = sub.add_parser("locate", help="which district a pasted coordinate pair falls in")
    loc.add_argument("text", nargs="+", help='coordinates, e.g. "50.0163, 22.6777" or a map link')
    loc.add_argument("--lang", choices=LANGUAGES, default="pl", help="language of names and notes")
    loc.set_defaults(func=_cmd_locate)

    # Both rebuild commands read a source (folder or file) and write into the package.
    rebuilds = [
        (
            "build",
            "rebuild districts.geojson and gminy.csv from PRG sources",
            "directory with the sources or the GeoJSON file (default ../shared/geodata)",
            _cmd_build,
        ),
        (
            "basemap",
            "rebuild basemap.geojson (places, the San, state border) from packages",
            "directory with the PRG districts file, or the file (default ../shared/geodata)",
            _cmd_basemap,
        ),
    ]
    for name, help_text, source_help, command in rebuilds:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("source", nargs="?", default=None, help=source_help)
        cmd.add_argument("--out", default=None, help="output directory (default: the package)")
        cmd.set_defaults(func=command)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
