"""``python -m publish [--out DIR] [--import FILE] [--full]``: build the static site.

Reads the catalogue from ``CATALOGUE_DB``/``DATABASE_URL`` like the app. ``--import FILE``
first imports a CSV/XLSX/GeoJSON through the catalogue's importer (as ``python -m catalogue
import`` does; that CLI cannot publish, being a layer below), then builds.
"""

from __future__ import annotations

import argparse
import logging
import sys

from catalogue.importing import import_file
from catalogue.storage import CatalogueStore
from publish.opendata import LICENCES
from publish.site import build_site, default_out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m publish", description=__doc__)
    parser.add_argument("--out", default=None, help=f"site directory (default {default_out_dir()})")
    parser.add_argument("--base-url", default=None, help="the app's address (PUBLIC_BASE_URL)")
    parser.add_argument("--site-url", default=None, help="the site's address (PUBLIC_SITE_URL)")
    parser.add_argument(
        "--licence", default=None, choices=sorted(LICENCES), help="open data licence"
    )
    parser.add_argument("--import", dest="import_path", default=None, help="import FILE first")
    parser.add_argument("--valid-only", action="store_true", help="with --import: skip bad rows")
    parser.add_argument("--full", action="store_true", help="re-render every page")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    store = CatalogueStore()
    store.create_schema()
    if args.import_path:
        result = import_file(store, args.import_path, valid_only=args.valid_only, lang="en")
        print(result.summary("en"))
        if not result.report.ok and not args.valid_only:
            return 1
    try:
        build = build_site(
            store,
            args.out,
            base_url=args.base_url,
            site_url=args.site_url,
            licence=args.licence,
            full=args.full,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{build.offerings} offerings → {build.out_dir} ({build.version_dir.name}): "
        f"{len(build.written)} files written, {build.kept} unchanged, "
        f"{len(build.removed)} removed, {build.seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
