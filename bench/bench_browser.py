"""In the browser: page load to markers and filter change to updated markers, headless Chromium.

The app is started with ``harness.processes.start_app`` on the synthetic catalogue's
database; pages come from ``offline_page`` (only the app's own server is reachable, so OSM
tiles are refused and do not add network noise). Markers are counted as the browser tests do:
``window.productCluster.getLayers().length`` inside the ``st_folium`` iframe. The cluster
adds markers in chunks, so that count grows from the first chunk ("first markers") to the
whole catalogue ("all markers").
"""

from __future__ import annotations

import time

from bench.common import Options, Section, Target, Workspace, frame_for, log, median, seconds, table
from harness.browser import CHROMIUM, CHROMIUM_ARGS

SEARCH = "agroturystyka"
TIMEOUT_MS = 240_000

_COUNT_JS = """([sel, wanted]) => {
    const f = document.querySelector(sel);
    const w = f && f.contentWindow;
    if (!w || !w.productCluster) { return false; }
    const n = w.productCluster.getLayers().length;
    return wanted < 0 ? n > 0 : n === wanted;
}"""


def _wait_count(page, frame_selector: str, wanted: int) -> float:
    """Block until the product cluster holds ``wanted`` markers (-1: any); returns the time."""
    page.wait_for_function(_COUNT_JS, arg=[frame_selector, wanted], polling=20, timeout=TIMEOUT_MS)
    return time.perf_counter()


_CREATED = "__benchCreated"
# Records (in the map iframe) when the page's product layer script creates its cluster: the
# split between "the rerun reached the browser and its script ran" and "markers clustered".
_HOOK_JS = """(sel) => {
    const w = document.querySelector(sel).contentWindow;
    if (w.__benchHooked) { return; }
    w.__benchHooked = true;
    w.__benchCreated = null;
    const original = w.L.markerClusterGroup;
    w.L.markerClusterGroup = function (options) {
        w.__benchCreated = Date.now();
        return original.call(this, options);
    };
}"""


def _search(page, text: str) -> tuple[float, float]:
    """Type ``text`` and press Enter; (perf_counter, wall clock in ms) of the key press."""
    box = page.get_by_role("textbox", name="Szukaj")
    box.fill(text)
    start, wall_ms = time.perf_counter(), time.time() * 1000
    box.press("Enter")
    return start, wall_ms


def _filter_change(page, frame_selector: str, text: str, wanted: int) -> dict:
    page.evaluate(
        f"(s) => {{ document.querySelector(s).contentWindow.{_CREATED} = null; }}", frame_selector
    )
    start, wall_ms = _search(page, text)
    total = _wait_count(page, frame_selector, wanted) - start
    created = page.evaluate(
        f"(s) => document.querySelector(s).contentWindow.{_CREATED}", frame_selector
    )
    # Same machine, same clock: the browser's Date.now() against ours.
    to_script = (created - wall_ms) / 1000 if created else float("nan")
    return {"total": total, "to_script": to_script, "clustering": total - to_script}


def measure_size(browser, db_path, total: int, searched: int, repeats: int, filters: bool):
    from harness.browser import MAP_FRAME, offline_page
    from harness.processes import start_app, stop_app

    start = time.perf_counter()
    proc, base = start_app(db_path)
    health = time.perf_counter() - start
    loads, changes = [], []
    try:
        # Load 0 meets a server whose catalogue cache is cold; 1..repeats are warm loads.
        for i in range(repeats + 1):
            page = offline_page(browser)
            try:
                t0 = time.perf_counter()
                page.goto(base + "/", wait_until="commit", timeout=TIMEOUT_MS)
                # Streamlit's own start (JS bundle, websocket, script run) ends when the
                # component's iframe exists; the rest is the map and its markers.
                page.wait_for_selector(MAP_FRAME, state="attached", timeout=TIMEOUT_MS)
                iframe = time.perf_counter() - t0
                first = _wait_count(page, MAP_FRAME, -1) - t0
                full = _wait_count(page, MAP_FRAME, total) - t0
                loads.append({"iframe": iframe, "first": first, "all": full, "cold": i == 0})
                if filters and i > 0:
                    page.evaluate(_HOOK_JS, MAP_FRAME)
                    changes.append(_filter_change(page, MAP_FRAME, SEARCH, searched))
                    changes.append({**_filter_change(page, MAP_FRAME, "", total), "clear": True})
            finally:
                page.context.close()
    finally:
        stop_app(proc)
    return {"health": health, "loads": loads, "changes": changes}


def run(options: Options, workspace: Workspace) -> Section:
    from playwright.sync_api import sync_playwright

    from catalogue.filters import ProductFilter, apply_filter

    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size in options.browser_sizes:
                db = workspace.db(size)
                frame = frame_for(db)
                searched = len(apply_filter(frame, ProductFilter(text=SEARCH)))
                log(f"browser: {size:,} products")
                results[size] = measure_size(
                    browser, db, len(frame), searched, options.repeats, filters=True
                )
                results[size]["searched"] = searched
        finally:
            browser.close()

    rows = []
    for size, r in results.items():
        cold = next(x for x in r["loads"] if x["cold"])
        warm = [x for x in r["loads"] if not x["cold"]]
        r["warm_all"] = median([x["all"] for x in warm])
        r["change"] = median([c["total"] for c in r["changes"]])
        r["clear"] = median([c["total"] for c in r["changes"] if c.get("clear")])
        r["to_script"] = median([c["to_script"] for c in r["changes"]])
        r["clustering"] = median([c["clustering"] for c in r["changes"]])
        rows.append(
            [
                f"{size:,}",
                seconds(r["health"]),
                seconds(cold["first"]),
                seconds(cold["all"]),
                seconds(median([x["iframe"] for x in warm])),
                seconds(median([x["first"] for x in warm])),
                seconds(r["warm_all"]),
                seconds(r["change"]),
                seconds(r["to_script"]),
                seconds(r["clustering"]),
                f"{r['searched']:,}",
            ]
        )
    body = table(
        [
            "products",
            "server start → health",
            "1st load: first markers",
            "1st load: all markers",
            "load: map iframe attached",
            "load: first markers",
            "load: all markers",
            "filter change → updated markers",
            "of which: Enter → layer script runs",
            "of which: markers built + clustered",
            f"markers for `{SEARCH}`",
        ],
        rows,
    )
    section = Section("3. In the browser (headless Chromium)", body)
    section.notes.append(
        "Times from `page.goto` (or from pressing Enter in the search box) until the count in "
        "the map iframe is reached. 1st load = the first visitor of a fresh server: it also "
        "reads and prepares the catalogue (cached per catalogue version afterwards). Other "
        f"loads and filter changes are medians of {options.repeats} pages; a filter change is "
        f"typing `{SEARCH}` and clearing it again (two changes per page). The split of a "
        "filter change: from Enter until the product layer's script creates its cluster in "
        "the iframe (Streamlit rerun on the server, the new `st_folium` arguments over the "
        "websocket, the layer script evaluated) and from there until every marker is "
        "clustered (marker objects, Leaflet.markercluster's chunked `addLayers`)."
    )
    if 10_000 in results:
        change = results[10_000]["change"]
        r10 = results[10_000]
        section.targets.append(
            Target(
                "10,000: filter change → updated markers in the browser",
                seconds(change),
                "< 1 s",
                change < 1.0,
                f"Enter → layer script {seconds(r10['to_script'])}, markers + clustering "
                f"{seconds(r10['clustering'])}",
            )
        )
    if 50_000 in results:
        load = results[50_000]["warm_all"]
        cold = next(x for x in results[50_000]["loads"] if x["cold"])["all"]
        section.targets.append(
            Target(
                "50,000: page load → all markers clustered",
                seconds(load),
                "< 10 s",
                load < 10.0,
                f"first visitor of a fresh server: {seconds(cold)}",
            )
        )
    if 100_000 in results:
        r100 = results[100_000]
        section.targets.append(
            Target(
                "100,000: page load → all markers clustered",
                seconds(r100["warm_all"]),
                "≤ 6 s",
                r100["warm_all"] <= 6.0,
            )
        )
        section.targets.append(
            Target(
                "100,000: filter cleared → all markers again",
                seconds(r100["clear"]),
                "≤ 2 s",
                r100["clear"] <= 2.0,
            )
        )
    return section
