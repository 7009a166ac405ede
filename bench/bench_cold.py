"""Cold start: the app's first full script run in a fresh process, and a warm rerun.

Each measurement is a new ``python -c`` process that imports AppTest and runs ``app.py``
once (the map page, the default) and then again. Two cases: a fresh database (the app
creates the schema and imports the bundled sample catalogue through validation, as on a
first install) and the same database again (an app restart). A browser row adds what a
visitor sees on a fresh install: ``streamlit run`` until ``/_stcore/health`` answers, then
page load until the map has markers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import REPO_ROOT, Options, Section, Workspace, log, median, seconds, table

CHILD = r"""
import time
t0 = time.perf_counter()
import json, logging, os, sys
sys.path.insert(0, os.getcwd())
from streamlit.testing.v1 import AppTest
imported = time.perf_counter() - t0
logging.getLogger("streamlit").setLevel(logging.ERROR)
at = AppTest.from_file(os.path.join(os.getcwd(), "app.py"), default_timeout=600)
t = time.perf_counter(); at.run(); first = time.perf_counter() - t
if at.exception:
    raise SystemExit(f"app raised: {[e.value for e in at.exception]}")
warm = []
for _ in range(int(sys.argv[1])):
    t = time.perf_counter(); at.run(); warm.append(time.perf_counter() - t)
print(json.dumps({"import": imported, "first": first, "warm": warm}))
"""


def _child(db_path, warm_runs: int) -> dict:
    env = dict(os.environ, CATALOGUE_DB=str(db_path))
    env.pop("DATABASE_URL", None)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(warm_runs)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"cold-start child failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def _browser_fresh_install(workspace: Workspace) -> dict:
    from playwright.sync_api import sync_playwright

    from bench.bench_browser import TIMEOUT_MS, _wait_count
    from harness.browser import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, offline_page
    from harness.processes import start_app, stop_app

    db = workspace.root / "cold-browser.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            start = time.perf_counter()
            proc, base = start_app(db)
            health = time.perf_counter() - start
            try:
                page = offline_page(browser)
                t0 = time.perf_counter()
                page.goto(base + "/", wait_until="commit", timeout=TIMEOUT_MS)
                markers = _wait_count(page, MAP_FRAME, -1) - t0
                page.context.close()
            finally:
                stop_app(proc)
        finally:
            browser.close()
    return {"health": health, "markers": markers}


def run(options: Options, workspace: Workspace, browser: bool = True) -> Section:
    fresh, restart = [], []
    for i in range(options.repeats):
        db = workspace.root / f"cold-{i}.sqlite"
        log(f"cold start: fresh process, fresh database ({i + 1}/{options.repeats})")
        fresh.append(_child(db, options.repeats))
        log(f"cold start: fresh process, existing database ({i + 1}/{options.repeats})")
        restart.append(_child(db, options.repeats))

    def row(name: str, runs: list[dict]) -> list[str]:
        return [
            name,
            seconds(median([r["wall"] for r in runs])),
            seconds(median([r["import"] for r in runs])),
            seconds(median([r["first"] for r in runs])),
            seconds(median([median(r["warm"]) for r in runs])),
        ]

    rows = [
        row("fresh database (schema + sample catalogue import)", fresh),
        row("existing database (restart)", restart),
    ]
    body = table(
        [
            "case",
            "process wall time",
            "import streamlit.testing",
            "first script run",
            "warm rerun",
        ],
        rows,
        align="lrrrr",
    )
    if browser:
        log("cold start: browser on a fresh install")
        b = _browser_fresh_install(workspace)
        body += "\n\n" + table(
            ["browser, fresh install", "server start → health", "page load → markers", "total"],
            [
                [
                    "sample catalogue",
                    seconds(b["health"]),
                    seconds(b["markers"]),
                    seconds(b["health"] + b["markers"]),
                ]
            ],
        )
    section = Section("6. Cold start (sample catalogue)", body)
    section.notes.append(
        f"Medians of {options.repeats} fresh processes per case; the warm rerun is the median of "
        f"{options.repeats} further `at.run()` calls in each process. The first script run "
        "imports the app's own modules (folium, geopandas, …), builds the catalogue frame "
        "and renders the map."
    )
    return section
