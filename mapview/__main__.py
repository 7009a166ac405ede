"""``python -m mapview assets``: copy Leaflet, plugins and pmtiles into static/vendor/."""

from __future__ import annotations

import argparse
import sys

from mapview.assets import VENDOR_DIR, MissingAssetError, ensure_local_assets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapview")
    sub = parser.add_subparsers(dest="command", required=True)
    assets = sub.add_parser("assets", help="copy Leaflet and plugins into static/vendor/")
    assets.add_argument("--force", action="store_true", help="copy even files already there")
    args = parser.parse_args(argv)
    if args.command == "assets":
        try:
            written = ensure_local_assets(force=args.force, require_npm=True)
        except MissingAssetError as err:
            print(err, file=sys.stderr)
            return 1
        print(
            f"{len(written)} file(s) written to {VENDOR_DIR}"
            if written
            else f"{VENDOR_DIR} is up to date"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
