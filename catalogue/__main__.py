"""Command line for the catalogue: ``python -m catalogue COMMAND``.

Commands::

    init                                  create the schema; load the sample into an empty DB
    validate FILE [--lang pl|en|uk]       exit 0 when valid (warnings allowed), 1 on errors
    import FILE [--valid-only] [--pending] [--actor NAME] [--lang pl|en|uk]
                                          files up to 200 MB / 250,000 rows (CLI_BUDGET)
    partners FILE [--actor NAME]          add or update partners (partners.csv columns)
    export --format csv|xlsx|geojson --out FILE [--status STATUS ...]
    template --out FILE.xlsx
    stats                                 counts by status, category, district and sector
    backup --out FILE                     one file of the database and photos (app may run)
    restore FILE [--force]                into an empty database (--force replaces its data)
    staff ...                             staff accounts, provided by catalogue/staff.py

The database is ``CatalogueStore()``'s: ``DATABASE_URL`` if set, else SQLite at
``CATALOGUE_DB`` (default ``data/catalogue.sqlite``).

``staff`` lives in its own module: ``catalogue/staff.py`` defines
``add_cli(subparsers)``, which adds the ``staff`` sub-parser and sets ``func`` on it to a
callable ``(args, store) -> int`` exit code. Until that module exists the command says so.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import replace

from catalogue.exporting import EXPORT_FORMATS, export_catalogue
from catalogue.file_reading import DEFAULT_BUDGET
from catalogue.importing import import_file, validate_file
from catalogue.sample_loading import SampleDataError, load_sample_catalogue, read_partners_file
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import LANGUAGES, Source, Status, category_label, sector_label
from catalogue.template import write_template

Handler = Callable[[argparse.Namespace, CatalogueStore], int]

# Staff import whole catalogues from the command line: files far over the browser's upload
# cap (DEFAULT_BUDGET), still bounded so a wrong file cannot exhaust the machine.
_MIB = 1024 * 1024
CLI_BUDGET = replace(
    DEFAULT_BUDGET,
    max_file_bytes=200 * _MIB,
    max_rows=250_000,
    max_cells=250_000 * DEFAULT_BUDGET.max_columns,
    max_seconds=600.0,
    max_part_bytes=1024 * _MIB,
    max_unpacked_bytes=2048 * _MIB,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m catalogue", description="Tourism product catalogue: data and exchange."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create the schema and load the sample if empty")
    init.set_defaults(func=cmd_init)

    validate = commands.add_parser("validate", help="check a CSV/XLSX/GeoJSON file")
    validate.add_argument("file")
    validate.add_argument("--lang", choices=LANGUAGES, default="pl")
    validate.set_defaults(func=cmd_validate)

    imp = commands.add_parser("import", help="import a CSV/XLSX/GeoJSON file")
    imp.add_argument("file")
    imp.add_argument(
        "--valid-only", action="store_true", help="import the valid rows, list the skipped ones"
    )
    imp.add_argument(
        "--pending", action="store_true", help="send to moderation instead of publishing"
    )
    imp.add_argument("--actor", default="cli", help="who is importing (audit log)")
    imp.add_argument("--lang", choices=LANGUAGES, default="pl")
    imp.set_defaults(func=cmd_import)

    partners = commands.add_parser(
        "partners",
        help="add or update partners from a CSV (the sample's partners.csv columns: id, name, "
        "sector, legal_form_code, gmina, website, nip, regon, krs, social_enterprise, "
        "se_decision_number, se_decision_date, owes…)",
    )
    partners.add_argument("file")
    partners.add_argument("--actor", default="cli", help="who is importing (audit log)")
    partners.set_defaults(func=cmd_partners)

    export = commands.add_parser("export", help="export the catalogue")
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True, dest="fmt")
    export.add_argument("--out", required=True)
    export.add_argument(
        "--status",
        action="append",
        choices=[s.value for s in Status],
        help="statuses to export (repeatable; default: published)",
    )
    export.set_defaults(func=cmd_export)

    template = commands.add_parser("template", help="write the partner XLSX template")
    template.add_argument("--out", required=True)
    template.set_defaults(func=cmd_template, needs_store=False)

    stats = commands.add_parser("stats", help="counts by status, category, district, sector")
    stats.set_defaults(func=cmd_stats)

    backup = commands.add_parser("backup", help="one file of the database and the photos")
    backup.add_argument("--out", required=True, help="the backup file to write (.zip)")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("file")
    restore.add_argument(
        "--force", action="store_true", help="replace the data of a database that has some"
    )
    restore.set_defaults(func=cmd_restore)

    _add_staff(commands)
    return parser


def _add_staff(commands) -> None:
    # find_spec rather than try/except ImportError, so that a broken staff module fails loudly
    # instead of looking absent.
    if importlib.util.find_spec("catalogue.staff") is not None:
        importlib.import_module("catalogue.staff").add_cli(commands)
        return
    staff = commands.add_parser("staff", help="staff accounts (not available yet)")
    staff.add_argument("rest", nargs=argparse.REMAINDER)
    staff.set_defaults(func=_staff_missing, needs_store=False)


def _staff_missing(args: argparse.Namespace, store: CatalogueStore | None) -> int:
    print("staff commands are not available yet (catalogue/staff.py)", file=sys.stderr)
    return 2


def cmd_init(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Create the schema; load the sample catalogue into an empty database."""
    store.create_schema()
    print(f"Schema ready: {_safe_url(store.url)}")
    try:
        count = load_sample_catalogue(store)
    except SampleDataError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"No sample catalogue to load: {exc.filename}", file=sys.stderr)
        return 0
    if count:
        print(f"Loaded the sample catalogue: {count} products.")
    else:
        total = store.count_products()
        print(f"The database already has {total} products; sample not loaded.")
    return 0


def cmd_validate(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Check a file against the catalogue; the report goes to stdout."""
    try:
        report = validate_file(store, args.file, lang=args.lang, budget=CLI_BUDGET)
    except (OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if report.issues:
        print(report.to_text(args.lang))
    valid, checked = len(report.valid_rows), len(report.checked_rows)
    errors, warnings = len(report.errors), len(report.warnings)
    if args.lang == "pl":
        summary = (
            f"Poprawne wiersze: {valid} z {checked}; błędy: {errors}, ostrzeżenia: {warnings}."
        )
    else:
        summary = f"Valid rows: {valid} of {checked}; errors: {errors}, warnings: {warnings}."
    print(summary)
    return 0 if report.ok else 1


def cmd_import(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Import a file (published unless --pending); nothing is stored if it has errors."""
    store.create_schema()
    status = Status.PENDING.value if args.pending else Status.PUBLISHED.value
    try:
        result = import_file(
            store,
            args.file,
            valid_only=args.valid_only,
            status=status,
            actor=args.actor,
            lang=args.lang,
            budget=CLI_BUDGET,
        )
    except (OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if result.report.issues:
        print(result.report.to_text(args.lang))
    if not result.report.ok and not args.valid_only:
        print(
            "Plik ma błędy: nic nie zaimportowano (użyj --valid-only, aby pominąć błędne wiersze)."
            if args.lang == "pl"
            else "The file has errors: nothing was imported (use --valid-only to skip the "
            "rows with errors)."
        )
        return 1
    print(result.summary(args.lang))
    return 0


def cmd_partners(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Add or update the partners of a file by id; nothing is stored if a row is wrong."""
    store.create_schema()
    try:
        found = read_partners_file(args.file, source=Source.IMPORT.value)
    except (OSError, ValueError) as exc:  # SampleDataError names every bad row and column
        print(str(exc), file=sys.stderr)
        return 1
    count = store.save_partners(found, actor=args.actor)
    print(f"partners saved: {count}")
    return 0


def cmd_export(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Write the catalogue to a file."""
    statuses = args.status or [Status.PUBLISHED.value]
    count = export_catalogue(store, args.fmt, args.out, statuses=statuses)
    print(f"Exported {count} products to {args.out}.")
    return 0


def cmd_template(args: argparse.Namespace, store: CatalogueStore | None) -> int:
    """Write the partner template."""
    write_template(args.out)
    print(f"Template written to {args.out}.")
    return 0


def cmd_stats(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Print counts by status, category, district and partner sector."""
    from geodata import DISTRICT_TERYTS, district_name

    frame = store.products_frame(statuses=[s.value for s in Status])
    print(f"Products: {len(frame)}")
    _print_counts("Status", frame["status"], {s.value: s.value for s in Status})
    published = frame[frame["status"] == Status.PUBLISHED.value]
    print(f"\nPublished: {len(published)}")
    _print_counts(
        "Category",
        published["category"],
        {c: f"{c} ({category_label(c, 'en')})" for c in published["category"].unique()},
    )
    _print_counts(
        "District",
        published["district_teryt"],
        {t: f"{t} {district_name(t, 'en')}" for t in DISTRICT_TERYTS},
    )
    sectors = published["partner_sector"].replace("", "(no partner)")
    _print_counts(
        "Partner sector",
        sectors,
        {s: f"{s} ({sector_label(s, 'en')})" for s in sectors.unique() if s != "(no partner)"},
    )
    return 0


def cmd_backup(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Write one backup file of the database and the photos."""
    from catalogue.backup import BackupError, backup

    try:
        manifest = backup(store, args.out)
    except (BackupError, OSError) as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return 1
    rows = manifest["rows"]
    print(
        f"Backup written to {args.out}: {rows['products']} products, {rows['revisions']} "
        f"revisions, {rows['photos']} photos ({len(manifest['photos'])} files)."
    )
    return 0


def cmd_restore(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Restore a backup file into the configured database and photo directory."""
    from catalogue.backup import BackupError, restore

    try:
        manifest = restore(store, args.file, force=args.force)
    except (BackupError, OSError) as exc:
        print(f"Restore refused: {exc}", file=sys.stderr)
        return 1
    print(
        f"Restored the backup of {manifest['created_at']}: {manifest['rows']['products']} "
        f"products, {len(manifest['photos'])} photo files, into {_safe_url(store.url)}."
    )
    return 0


def _print_counts(title: str, values, labels: dict[str, str]) -> None:
    counts = values.fillna("").astype(str).value_counts()
    print(f"\n{title}:")
    if counts.empty:
        print("  (none)")
    for key, count in counts.sort_index().items():
        print(f"  {labels.get(key, key or '(empty)')}: {count}")


def _safe_url(url: str) -> str:
    # Never print a database password.
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    if not getattr(args, "needs_store", True):
        return args.func(args, None)
    store = CatalogueStore()
    try:
        if args.command != "init":
            store.create_schema()
        return args.func(args, store)
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
