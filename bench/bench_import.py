"""Import: validating and importing a 10,000-row partner CSV.

The file is written as Excel in Poland saves "CSV (separated by semicolons)": Windows-1250,
``;``, decimal commas, the canonical Polish headers, Polish category and sector labels, new
partners named in the rows. It goes into a store holding the sample catalogue (as the app's
own database does). ``validate_file`` and ``import_file`` are timed separately; every
import starts from a fresh copy of that store.
"""

from __future__ import annotations

from bench.common import (
    Options,
    Section,
    Target,
    Workspace,
    copy_sqlite,
    log,
    median_time,
    profile_text,
    seconds,
    table,
)
from bench.synthetic import partner_csv_bytes

ROWS = 10_000


def _clear_caches() -> None:
    # Validation memoises folded text per process; each repeat must start as cold as the first.
    import catalogue.cells as cells

    cached = getattr(cells, "_fold", None)
    if hasattr(cached, "cache_clear"):
        cached.cache_clear()


def run(options: Options, workspace: Workspace) -> Section:
    from catalogue.importing import import_file, validate_file
    from catalogue.sample_loading import load_sample_catalogue
    from catalogue.storage import CatalogueStore
    from geodata import find_gmina, locate

    locate(50.0, 22.7)  # the district index is built once per process, as in the app
    find_gmina("Krasiczyn")
    csv_path = workspace.root / "partner-10000.csv"
    csv_path.write_bytes(partner_csv_bytes(ROWS))
    base_db = workspace.root / "import-base.sqlite"
    base = CatalogueStore(f"sqlite:///{base_db}")
    base.create_schema()
    load_sample_catalogue(base)
    base.dispose()

    def validate():
        _clear_caches()
        store = CatalogueStore(f"sqlite:///{base_db}")
        try:
            return validate_file(store, csv_path)
        finally:
            store.dispose()

    counter = iter(range(1000))

    def fresh_store() -> CatalogueStore:
        target = workspace.root / f"import-{next(counter)}.sqlite"
        copy_sqlite(base_db, target)
        return CatalogueStore(f"sqlite:///{target}")

    stores: list[CatalogueStore] = []
    write_spans: list[list[float]] = []  # [begin, commit] of every write transaction

    def do_import():
        import time

        import sqlalchemy as sa

        _clear_caches()
        store = fresh_store()
        stores.append(store)
        engine = store.write_engine
        sa.event.listen(engine, "begin", lambda _c: write_spans.append([time.perf_counter()]))
        sa.event.listen(engine, "commit", lambda _c: write_spans[-1].append(time.perf_counter()))
        return import_file(store, csv_path)

    log(f"import: validating {ROWS:,} rows")
    validate_s, _, report = median_time(validate, options.repeats)
    log(f"import: importing {ROWS:,} rows")
    import_s, _, result = median_time(do_import, options.repeats)
    # How long partners' writes would queue behind the import (the write lock is held for
    # the whole transaction; busy_timeout is 30 s).
    lock_s = max((span[1] - span[0] for span in write_spans if len(span) == 2), default=0.0)
    count = stores[-1].count_products()
    for store in stores:
        store.dispose()
    size_mb = csv_path.stat().st_size / 1_000_000
    body = table(
        ["step", "rows", "median", "rows/s", "result"],
        [
            [
                "validate_file (read cp1250 CSV + validate_records)",
                f"{ROWS:,}",
                seconds(validate_s),
                f"{ROWS / validate_s:,.0f}",
                f"ok={report.ok}, {len(report.errors)} errors, {len(report.warnings)} warnings",
            ],
            [
                "import_file (read + validate + save_products, one transaction)",
                f"{ROWS:,}",
                seconds(import_s),
                f"{ROWS / import_s:,.0f}",
                f"{result.imported:,} imported, {len(result.new_partner_ids)} new partners; "
                f"catalogue now {count:,}",
            ],
            [
                "longest write transaction (others' writes wait this long)",
                f"{ROWS:,}",
                seconds(lock_s),
                "",
                "rows prepared before it, executemany inside",
            ],
            [
                "of which storing (import − validate)",
                f"{ROWS:,}",
                seconds(import_s - validate_s),
                f"{ROWS / max(import_s - validate_s, 1e-9):,.0f}",
                "",
            ],
        ],
        align="lrrrl",
    )
    section = Section(f"5. Import of a {ROWS:,}-row partner CSV ({size_mb:.1f} MB)", body)
    section.targets.append(
        Target(
            "validate 10,000 CSV rows",
            seconds(validate_s),
            "< 5 s",
            validate_s < 5.0,
        )
    )
    section.targets.append(
        Target(
            "write lock held during a 10,000-row import",
            seconds(lock_s),
            "< 2 s",
            lock_s < 2.0,
        )
    )
    if validate_s >= 5.0 or options.profile:
        section.profiles["validate_file, 10,000 rows"] = profile_text(validate)
    if options.profile:
        section.profiles["import_file, 10,000 rows"] = profile_text(do_import, top=30)
    return section
