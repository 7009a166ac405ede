"""``python -m mapview assets``: copy Leaflet and plugins into static/vendor/."""

from __future__ import annotations

import argparse

from mapview.assets import VENDOR_DIR, ensure_local_assets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapview")
    sub = parser.add_subparsers(dest="command", required=True)
    assets = sub.add_parser("assets", help="copy Leaflet and plugins into static/vendor/")
    assets.add_argument("--force", action="store_true", help="copy even files already there")
    args = parser.parse_args(argv)
    if args.command == "assets":
        written = ensure_local_assets(force=args.force)
        print(
            f"{len(written)} file(s) written to {VENDOR_DIR}"
            if written
            else f"{VENDOR_DIR} is up to date"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
