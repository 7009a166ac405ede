"""Command line for fair material: ``python -m fairkit COMMAND``.

Commands::

    brochure --out FILE.pdf [--format a4|a5] [--district TERYT] [--category SLUG]
             [--sector SECTOR] [--lang pl|en|uk] [--title TEXT] [--base-url URL]
    card PRODUCT_ID --out FILE.pdf [--lang pl|en|uk] [--base-url URL]
    offline-map --out FILE.html [same filters as brochure] [--lang pl|en|uk] [--title TEXT]

``--district``, ``--category`` and ``--sector`` may be repeated. The catalogue is read like
the app reads it: ``DATABASE_URL`` if set, else SQLite at ``CATALOGUE_DB`` (default
``data/catalogue.sqlite``); an empty database gets the bundled sample catalogue. Printed links
start with ``--base-url``, else ``PUBLIC_BASE_URL``, else ``http://localhost:8501``.

Exit codes: 0 written; 1 nothing to print (a filter that matches nothing, an unknown or
unpublished product) or the fonts are missing; 2 bad arguments or a missing component.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
from pathlib import Path

import pandas as pd

from catalogue.filters import ProductFilter, apply_filter, prepare_frame
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import CATEGORY_SLUGS, LANGUAGES, Sector, category_label, sector_label
from fairkit.pdf_common import (
    BASE_URL_ENV,
    BROCHURE_FORMATS,
    FontMissingError,
    public_base_url,
    write_atomic,
)
from geodata import DISTRICT_TERYTS, district_name

SECTORS: tuple[str, ...] = tuple(s.value for s in Sector)


class NothingToPrint(LookupError):
    """The selection is empty, or the product cannot be printed."""


def _base_url(value: str) -> str:
    try:
        return public_base_url(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--district",
        action="append",
        choices=DISTRICT_TERYTS,
        metavar="TERYT",
        help=f"district TERYT code, repeatable; one of {', '.join(DISTRICT_TERYTS)}",
    )
    parser.add_argument(
        "--category",
        action="append",
        choices=CATEGORY_SLUGS,
        metavar="SLUG",
        help=f"category, repeatable; one of {', '.join(CATEGORY_SLUGS)}",
    )
    parser.add_argument(
        "--sector",
        action="append",
        choices=SECTORS,
        metavar="SECTOR",
        help=f"partner sector, repeatable; one of {', '.join(SECTORS)}",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="pl", help="pl, en or uk")
    parser.add_argument("--title", help="title on the cover (default: the standard one)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m fairkit", description="Material for tourism fairs: print and export."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    brochure = commands.add_parser("brochure", help="PDF catalogue of the (filtered) products")
    brochure.add_argument("--out", required=True, help="the PDF file to write")
    brochure.add_argument("--format", choices=BROCHURE_FORMATS, default="a4", dest="fmt")
    _add_filters(brochure)
    brochure.add_argument("--base-url", type=_base_url, help="start of the printed links")
    brochure.set_defaults(func=cmd_brochure)

    card = commands.add_parser("card", help="A6 card of one product with a large QR code")
    card.add_argument("product_id")
    card.add_argument("--out", required=True, help="the PDF file to write")
    card.add_argument("--lang", choices=LANGUAGES, default="pl", help="pl, en or uk")
    card.add_argument("--base-url", type=_base_url, help="start of the printed link")
    card.set_defaults(func=cmd_card)

    offline = commands.add_parser("offline-map", help="self-contained HTML map for a USB stick")
    offline.add_argument("--out", required=True, help="the HTML file to write")
    _add_filters(offline)
    offline.set_defaults(func=cmd_offline_map)
    return parser


# -- reading the catalogue ----------------------------------------------------------------


def open_store() -> CatalogueStore:
    """The configured store with its schema; an empty one gets the sample catalogue."""
    from catalogue.sample_loading import load_sample_catalogue

    store = CatalogueStore()
    store.create_schema()
    load_sample_catalogue(store)
    return store


def filter_from_args(args: argparse.Namespace) -> ProductFilter:
    """The :class:`ProductFilter` of the ``--district/--category/--sector`` options."""
    return ProductFilter(
        categories=tuple(dict.fromkeys(args.category or ())),
        districts=tuple(dict.fromkeys(args.district or ())),
        sectors=tuple(dict.fromkeys(args.sector or ())),
    )


def describe_args(flt: ProductFilter) -> str:
    """The filter as the user typed it, with names: ``--district 1809 (powiat …)``."""
    parts = [f"--district {d} ({district_name(d)})" for d in flt.districts]
    parts += [f"--category {c} ({category_label(c)})" for c in flt.categories]
    parts += [f"--sector {s} ({sector_label(s)})" for s in flt.sectors]
    return " ".join(parts) or "(no filter)"


def selected_products(store: CatalogueStore, flt: ProductFilter) -> pd.DataFrame:
    """Published products matching ``flt``; :class:`NothingToPrint` if there are none."""
    frame = store.products_frame()
    if frame.empty:
        raise NothingToPrint("the catalogue has no published products")
    chosen = apply_filter(prepare_frame(frame), flt)
    if chosen.empty:
        raise NothingToPrint(
            f"no published products match the filter {describe_args(flt)}; "
            "remove a filter or choose other values"
        )
    return chosen


# -- commands -----------------------------------------------------------------------------


def warn_if_no_public_url(args: argparse.Namespace) -> None:
    """Say loudly on stderr when printed QR codes will lead to the default local address."""
    if args.base_url or os.environ.get(BASE_URL_ENV, "").strip():
        return
    print(
        f"WARNING: {BASE_URL_ENV} is not set and --base-url not given: the QR codes and links "
        f"in this PDF lead to {public_base_url()}, which works only on this computer. "
        f"Set {BASE_URL_ENV}=https://the-public-address (or pass --base-url) before printing.",
        file=sys.stderr,
    )


def cmd_brochure(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Write the PDF catalogue of the products matching the filters."""
    from fairkit.brochure import build_brochure

    warn_if_no_public_url(args)

    flt = filter_from_args(args)
    products = selected_products(store, flt)
    started = time.perf_counter()
    result = build_brochure(
        products,
        fmt=args.fmt,
        lang=args.lang,
        base_url=args.base_url,
        flt=flt,
        title=args.title,
    )
    write_atomic(args.out, result.data)
    print(
        f"wrote {args.out}: {args.fmt.upper()}, {result.pages} pages, {len(products)} products, "
        f"{len(result.data) / 1024:.0f} KB in {time.perf_counter() - started:.1f} s"
    )
    return 0


def cmd_card(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Write the A6 card of one published product."""
    from fairkit.card import build_card, photo_credit, photo_path

    warn_if_no_public_url(args)

    frame = store.products_frame()
    rows = frame[frame["id"] == args.product_id]
    if rows.empty:
        product = store.get_product(args.product_id)
        if product is None:
            raise NothingToPrint(f"no product with id {args.product_id!r}")
        raise NothingToPrint(
            f"product {args.product_id!r} is {product.status}, not published: only published "
            "products get a card (its link would open nothing on the public map)"
        )
    photo = photo_path(store, args.product_id)
    result = build_card(
        rows.iloc[0].to_dict(),
        lang=args.lang,
        base_url=args.base_url,
        photo=photo,
        photo_credit=photo_credit(store, args.product_id, args.lang),
    )
    write_atomic(args.out, result.data)
    with_photo = f"with photo {photo.name}" if photo else "no photo"
    print(f"wrote {args.out}: A6 card of {args.product_id}, {with_photo}")
    return 0


def cmd_offline_map(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Write the offline HTML map of the products matching the filters (fairkit.offline)."""
    # find_spec rather than try/except ImportError, so that a broken module fails loudly
    # instead of looking absent.
    if importlib.util.find_spec("fairkit.offline") is None:
        print(
            "the offline map is not available in this installation (fairkit/offline.py is missing)",
            file=sys.stderr,
        )
        return 2
    offline = importlib.import_module("fairkit.offline")
    flt = filter_from_args(args)
    products = selected_products(store, flt)
    out = Path(args.out)
    # export_offline_map writes through a temporary file and os.replace itself.
    offline.export_offline_map(products, out, lang=args.lang, title=args.title)
    size = out.stat().st_size
    print(f"wrote {out}: offline map of {len(products)} products, {size / 1024:.0f} KB")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from catalogue.sample_loading import SampleDataError

    args = build_parser().parse_args(argv)
    try:
        store = open_store()
    except SampleDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return args.func(args, store)
    except NothingToPrint as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except FontMissingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
