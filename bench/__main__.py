"""Run the benchmark suite: ``.venv/bin/python -m bench [--quick] [--only …] [--out FILE]``.

A full run (no ``--quick``, no ``--only``) prints every table and writes ``BENCHMARKS.md``
at the repository root; ``--quick`` measures 1,000 and 10,000 products once each and writes
nothing unless ``--out`` is given. Nothing here is part of the pytest run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.common import (
    REPO_ROOT,
    Options,
    Section,
    Target,
    Workspace,
    load_average,
    log,
    seconds,
)
from bench.synthetic import SEED, SIZES

SECTIONS: tuple[str, ...] = (
    "map",
    "streamlit",
    "browser",
    "locate",
    "import",
    "cold",
    "prepare",
    "publish",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1,000 and 10,000 products, one repeat each (about a minute); writes nothing "
        "unless --out is given",
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})",
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="runs per measurement (default 3, quick 1)"
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help="comma-separated catalogue sizes (default 1000,10000,50000; quick 1000,10000)",
    )
    naive = parser.add_mutually_exclusive_group()
    naive.add_argument(
        "--skip-naive-50k",
        dest="naive_50k",
        action="store_false",
        help="do not build the naive folium map for 50,000 products (the default: ~70 s, 1.7 GB)",
    )
    naive.add_argument(
        "--naive-50k",
        dest="naive_50k",
        action="store_true",
        help="build the naive map for 50,000 products too (once)",
    )
    parser.set_defaults(naive_50k=False)
    parser.add_argument(
        "--profile", action="store_true", help="add pyinstrument profiles even for met targets"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="markdown report to write (default BENCHMARKS.md for a full run, none otherwise)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the synthetic databases here and reuse them next time (default: a temporary "
        "directory, removed afterwards)",
    )
    return parser.parse_args(argv)


def _locate_section(options: Options) -> Section:
    from bench import bench_locate

    log("locate: 100,000 points")
    rows = bench_locate.run(repeats=options.repeats)
    speedup = rows[0]["speedup"]
    section = Section(
        "4. Locate: geodata.locate_many vs the naive loop", bench_locate.markdown(rows)
    )
    section.notes.append(
        f"{rows[0]['points']:,} seeded points over the districts' bounding box (bench/bench_locate.py). "
        f"Points inside a district on which the two disagree: {rows[0]['mismatches']} (all "
        f"within {rows[0]['mismatch_max_m']:.1f} m of an edge: the loop tests in lon/lat, "
        "locate_many in EPSG:2180)."
    )
    section.targets.append(
        Target(
            "100,000 points: locate_many ≥ 20× faster than naive",
            f"{speedup:.0f}× ({seconds(rows[0]['seconds'])} vs {seconds(rows[1]['seconds'])})",
            "≥ 20×",
            speedup >= 20,
        )
    )
    if speedup < 20 or options.profile:
        from bench.common import profile_text
        from geodata import locate_many

        lats, lons = bench_locate._points()
        section.profiles["locate_many, 100,000 points"] = profile_text(
            lambda: locate_many(lats, lons)
        )
    return section


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SECTIONS))
    if unknown:
        print(f"unknown section(s) {unknown}; choose from {SECTIONS}", file=sys.stderr)
        return 2
    sizes = SIZES[:2] if args.quick else SIZES
    if args.sizes:
        sizes = tuple(int(v.replace("_", "")) for v in args.sizes.split(",") if v.strip())
    full = not args.quick and set(wanted) == set(SECTIONS) and set(sizes) == set(SIZES)
    out = args.out or (REPO_ROOT / "BENCHMARKS.md" if full else None)
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="rkesi-bench-")) if temporary else args.workdir
    options = Options(
        sizes=sizes,
        repeats=args.repeats or (1 if args.quick else 3),
        quick=args.quick,
        naive_50k=args.naive_50k and not args.quick,
        profile=args.profile,
        workdir=workdir,
        browser_sizes=sizes,
    )
    workspace = Workspace(workdir)
    command = " ".join([".venv/bin/python -m bench", *_shown_args(argv)])
    started, load_before = time.perf_counter(), load_average()
    sections: list[Section] = []
    failed: list[str] = []
    try:
        for size in options.sizes:
            log(f"synthetic catalogue: {size:,} products")
            workspace.db(size)
        for name in wanted:
            try:
                if name == "locate":
                    section = _locate_section(options)
                else:
                    module = __import__(f"bench.bench_{name}", fromlist=["run"])
                    section = module.run(options, workspace)
            except Exception as exc:  # one broken section must not lose the others' results
                log(f"{name}: failed: {exc!r}")
                section = Section(f"{name}: FAILED", f"```text\n{traceback.format_exc()}```")
                failed.append(name)
            sections.append(section)
            print(f"\n## {section.title}\n\n{section.body}\n", flush=True)
    finally:
        if temporary:
            workspace.cleanup()
    elapsed = time.perf_counter() - started
    from bench.report import render_report, targets_table

    print("## Targets\n\n" + targets_table(sections) + "\n")
    print(
        f"Suite wall time: {seconds(elapsed)}; load average before/after: {load_before} → "
        f"{load_average()}"
    )
    if out:
        out.write_text(
            render_report(
                sections,
                options,
                command=command,
                elapsed=elapsed,
                load=(load_before, load_average()),
                build_seconds=workspace.build_seconds,
                seed=SEED,
            ),
            encoding="utf-8",
        )
        log(f"wrote {out}")
    return 1 if failed else 0


def _shown_args(argv: list[str] | None) -> list[str]:
    """The command-line arguments that change what is measured (not --out or --workdir)."""
    args = list(argv if argv is not None else sys.argv[1:])
    shown, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("--out", "--workdir"):
            skip = True
            continue
        if arg.startswith(("--out=", "--workdir=")):
            continue
        shown.append(arg)
    return shown


if __name__ == "__main__":
    raise SystemExit(main())
