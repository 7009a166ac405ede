"""In the browser: page load to markers and filter change to updated markers, headless Chromium.

The app is started with ``tests.e2e.conftest.start_app`` on the synthetic catalogue's
database; pages come from ``offline_page`` (only the app's own server is reachable, so OSM
tiles are refused and do not add network noise). Markers are counted as the browser tests do:
``window.productCluster.getLayers().length`` inside the ``st_folium`` iframe. The cluster
adds markers in chunks, so that count grows from the first chunk ("first markers") to the
whole catalogue ("all markers").
"""

from __future__ import annotations

import time

from bench.common import Options, Section, Target, Workspace, frame_for, log, median, seconds, table

SEARCH = "agroturystyka"
CHROMIUM = "/usr/bin/chromium"
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


def _search(page, text: str) -> float:
    box = page.get_by_role("textbox", name="Szukaj")
    box.fill(text)
    start = time.perf_counter()
    box.press("Enter")
    return start


def measure_size(browser, db_path, total: int, searched: int, repeats: int, filters: bool):
    from tests.e2e.conftest import MAP_FRAME, offline_page, start_app, stop_app

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
                    t1 = _search(page, SEARCH)
                    changes.append(_wait_count(page, MAP_FRAME, searched) - t1)
                    t2 = _search(page, "")
                    changes.append(_wait_count(page, MAP_FRAME, total) - t2)
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
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
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
        r["change"] = median(r["changes"])
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
        f"typing `{SEARCH}` and clearing it again (two changes per page)."
    )
    if 10_000 in results:
        change = results[10_000]["change"]
        section.targets.append(
            Target(
                "10,000: filter change → updated markers in the browser",
                seconds(change),
                "< 1 s",
                change < 1.0,
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
    return section
