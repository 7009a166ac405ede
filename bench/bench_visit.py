"""Server CPU and script runs per new visit of the map, headless Chromium against `streamlit run`.

``.venv/bin/python -m bench.bench_visit [--sizes sample,10000] [--visits 5]``

For each catalogue (``sample``: the bundled sample the app loads into an empty database;
a number: a synthetic catalogue of that many offerings) it starts the app on a free port and
opens the map in fresh browser contexts (no cache, no cookies: a new visitor each time):

* the first visit of the process (imports, caches filled);
* ``--visits`` warm visits: median server CPU seconds (user + system, from ``/proc``) from
  the page request until the map is drawn and the page has been idle for 1.5 s;
* one real write (a product's description saved, which bumps the catalogue version), then
  the first visit after it, then warm visits again.

Script runs per visit are counted from the websocket (see ``bench.visit_probe``).

``--nginx-confs A,B`` instead compares nginx configurations side by side (say
``deploy/nginx-app.conf`` and an earlier commit's copy from ``git show``): new visitors
through nginx in front of one process started by deploy/run-processes.sh, the app process's
CPU only, the configurations taken in turn for ``--rounds`` rounds; with ``--app-dir`` each
configuration also in front of that export's app, in the same rounds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import REPO_ROOT, log  # noqa: F401  (puts the repository on sys.path)
from bench.visit_probe import (
    cpu_seconds,
    group_cpu_seconds,
    launch_chromium,
    load_average,
    open_map,
    start_server,
    touch_catalogue,
)


def one_visit(
    browser, base: str, pid, context=None, pause: float = 1.0
) -> tuple[float, int, int, float]:
    """(server CPU seconds, runs requested, runs completed, wall seconds until the map is
    drawn and idle) of one new visitor: a new browser context (empty cache), or a new tab
    of ``context`` (Streamlit's files cached). It comes ``pause`` seconds after the last.
    ``pid`` is the server's process id, or a function returning its CPU seconds so far."""
    server_cpu = pid if callable(pid) else (lambda: cpu_seconds(pid))
    time.sleep(pause)  # let the previous visitor's session wind down first
    before = server_cpu()
    started = time.perf_counter()
    page, counter = open_map(browser, base, context=context)
    wall = time.perf_counter() - started
    spent = server_cpu() - before
    if context is None:
        page.context.close()
    else:
        page.close()
    return spent, counter.requested, counter.completed, wall


def measure(browser, db_path: Path, visits: int, app_dir: Path | None = None) -> dict:
    from harness.browser import offline_page
    from harness.processes import stop_app

    proc, base = start_server(db_path, app_dir)
    try:
        pid = proc.pid
        first = one_visit(browser, base, pid)
        warm = [one_visit(browser, base, pid) for _ in range(visits)]
        returning = offline_page(browser).context  # one browser that comes back
        one_visit(browser, base, pid, returning)  # fills the browser's cache
        cached = [one_visit(browser, base, pid, returning) for _ in range(visits)]
        returning.close()
        time.sleep(1.0)
        touch_catalogue(db_path)
        after_write = one_visit(browser, base, pid)
        warm_after = [one_visit(browser, base, pid) for _ in range(max(2, visits // 2))]
        # A write from another process is seen by the app's cache warmer within its period
        # (ui.state.WARM_EVERY_S, 2 s) and prepared in the background: a visitor who comes
        # after that should find the catalogue ready.
        time.sleep(1.0)
        touch_catalogue(db_path)
        after_warmup = one_visit(browser, base, pid, pause=WARMUP_WAIT_S)
    finally:
        stop_app(proc)
    warm_all = warm + warm_after
    return {
        "first": first,
        "after_warmup": after_warmup,
        "warm_wall": statistics.median(v[3] for v in warm_all),
        "warm_cpu": statistics.median(v[0] for v in warm_all),
        "warm_cpus": [round(v[0], 3) for v in warm_all],
        "warm_runs": sorted({(v[1], v[2]) for v in warm_all}),
        "after_write": after_write,
        "cached_cpu": statistics.median(v[0] for v in cached),
        "cached_runs": sorted({(v[1], v[2]) for v in cached}),
    }


def measure_behind_nginx(
    browser, db_path: Path, visits: int, conf: Path, app_dir: Path | None = None
) -> dict:
    """New visitors through nginx running ``conf`` in front of one app process
    (deploy/run-processes.sh, as in production; from ``app_dir`` when given): the server CPU
    counted is the app process's only, so what nginx serves from disk costs it nothing."""
    from harness.nginx import start_nginx, start_processes
    from harness.processes import stop_process_group

    work = db_path.parent / f"nginx-{len(list(db_path.parent.glob('nginx-*')))}"
    work.mkdir()
    apps, bases = start_processes(
        1, {"DATABASE_URL": f"sqlite:///{db_path}", "CATALOGUE_PHOTOS": str(work)}, app_dir
    )
    try:
        nginx, base = start_nginx(work, [int(bases[0].rsplit(":", 1)[1])], conf=conf)
        try:
            cpu = lambda: group_cpu_seconds(apps)  # noqa: E731
            one_visit(browser, base, cpu)  # the process's first visit: imports, caches
            warm = [one_visit(browser, base, cpu) for _ in range(visits)]
        finally:
            stop_process_group(nginx)
    finally:
        stop_process_group(apps)
    return {
        "warm_cpu": statistics.median(v[0] for v in warm),
        "warm_cpus": [round(v[0], 3) for v in warm],
        "warm_wall": statistics.median(v[3] for v in warm),
        "warm_runs": sorted({(v[1], v[2]) for v in warm}),
    }


def compare_nginx_confs(
    sizes: list[str],
    visits: int,
    confs: list[Path],
    rounds: int,
    app_dirs: list[Path | None] = (None,),
) -> None:
    """The same new visitors through each of ``confs`` in front of the app of each of
    ``app_dirs`` (None: this checkout) in turn, ``rounds`` times, so a change in the
    machine's load hits every set-up alike; one table."""
    from playwright.sync_api import sync_playwright

    results: dict[tuple[str, Path, Path | None], list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-visit-") as tmp, sync_playwright() as pw:
        browser = launch_chromium(pw)
        for size in sizes:
            db_path = database_for(size, Path(tmp))
            for _ in range(rounds):
                for app_dir in app_dirs:
                    for conf in confs:
                        result = measure_behind_nginx(browser, db_path, visits, conf, app_dir)
                        results.setdefault((size, conf, app_dir), []).append(result)
                        log(f"{size} {conf} {app_dir or 'this checkout'}: {result}")
        browser.close()
    print(f"load average at the end: {load_average()}")
    print("| catalogue | app | nginx configuration | runs per visit | new visitor through nginx, "
          "app process CPU s (median) | wall s (median) | every visit's CPU s |")  # fmt: skip
    print("|---|---|---|---|---:|---:|---|")
    for (size, conf, app_dir), rows in results.items():
        cpus = [c for r in rows for c in r["warm_cpus"]]
        walls = [r["warm_wall"] for r in rows]
        runs = ", ".join(f"{a}/{c}" for a, c in sorted({x for r in rows for x in r["warm_runs"]}))
        print(
            f"| {size} | {app_dir or 'this checkout'} | {conf} | {runs} "
            f"| {statistics.median(cpus):.3f} "
            f"| {statistics.median(walls):.2f} | {' '.join(f'{c:.2f}' for c in cpus)} |"
        )


# How long after another process's write the visitor of "after the warm-up" comes: the
# warmer's period (2 s) plus what preparing 10,000 offerings takes on this machine.
WARMUP_WAIT_S = 8.0


def database_for(size: str, root: Path) -> Path:
    if size == "sample":
        return root / "sample.sqlite"  # the app loads the sample into an empty database
    from bench.synthetic import build_db

    path = root / f"synthetic-{size}.sqlite"
    build_db(path, int(size)).dispose()
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_visit", description=__doc__)
    parser.add_argument("--sizes", default="sample,10000")
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=None,
        help="run the app from this directory (an export of another commit) instead",
    )
    parser.add_argument(
        "--nginx-confs",
        default=None,
        help="comma-separated nginx configurations (deploy/nginx-app.conf and, say, an "
        "earlier commit's copy) to compare: new visitors through each in front of one process",
    )
    parser.add_argument("--rounds", type=int, default=2, help="with --nginx-confs: rounds")
    args = parser.parse_args(argv)
    if args.nginx_confs:
        confs = [Path(c).resolve() for c in args.nginx_confs.split(",")]
        apps = [None] + ([args.app_dir.resolve()] if args.app_dir else [])
        compare_nginx_confs(args.sizes.split(","), args.visits, confs, args.rounds, apps)
        return
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-visit-") as tmp, sync_playwright() as pw:
        browser = launch_chromium(pw)
        for size in args.sizes.split(","):
            load_before = load_average()
            result = measure(browser, database_for(size, Path(tmp)), args.visits, args.app_dir)
            rows.append((size, result, load_before, load_average()))
            log(f"{size}: {result}")
        browser.close()
    print("| catalogue | runs per visit (asked/completed) | first visit of the process, CPU s "
          "| new visitor, CPU s (median) | new tab, files cached, CPU s (median) "
          "| first visit 1 s after a write, CPU s | after write / new visitor "
          "| new visitor, wall s (median) | visit 1 s after a write, wall s "
          f"| visit {WARMUP_WAIT_S:.0f} s after a write, wall s (ratio) "
          "| load average before → after |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for size, r, load_before, load_after in rows:
        runs = ", ".join(f"{a}/{c}" for a, c in r["warm_runs"])
        ratio = r["after_write"][0] / r["warm_cpu"] if r["warm_cpu"] else float("nan")
        late = r["after_warmup"][3] / r["warm_wall"] if r["warm_wall"] else float("nan")
        print(
            f"| {size} | {runs} | {r['first'][0]:.2f} | {r['warm_cpu']:.3f} "
            f"| {r['cached_cpu']:.3f} "
            f"| {r['after_write'][0]:.3f} ({r['after_write'][1]}/{r['after_write'][2]} runs) "
            f"| {ratio:.2f}× | {r['warm_wall']:.2f} | {r['after_write'][3]:.2f} "
            f"| {r['after_warmup'][3]:.2f} ({late:.2f}×) | {load_before} → {load_after} |"
        )
        print(f"<!-- {size} warm CPU s: {r['warm_cpus']} -->")


if __name__ == "__main__":
    main()
