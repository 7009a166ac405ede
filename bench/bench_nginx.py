"""Bytes per first visit: straight to a Streamlit process vs through deploy/nginx-app.conf.

Run once: ``.venv/bin/python -m bench.bench_nginx``. Starts two processes with
``deploy/run-processes.sh`` on a throwaway SQLite file (the bytes do not depend on the
database), Debian's nginx with the deploy config (ports substituted, as in
tests/deploy/test_two_processes.py), then opens the map in a fresh Chromium context each way and
sums ``encodedDataLength`` of every HTTP response (CDP ``Network.loadingFinished``) until the
markers are drawn and the network is idle. Websocket frames are not counted (Streamlit
compresses them itself).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from harness.browser import MAP_FRAME
from harness.nginx import start_nginx, start_processes
from harness.processes import stop_process_group


def first_visit(browser, url: str) -> tuple[int, int]:
    """(requests, transferred bytes) of one first visit to ``url`` with an empty cache."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort(),
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(url, wait_until="domcontentloaded")
    page.frame_locator(MAP_FRAME).locator(".pm, .marker-cluster").first.wait_for(timeout=120_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2000)
    context.close()
    return len(sizes), sum(sizes.values())


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-nginx."))
    apps, bases = start_processes(
        2,
        {
            "DATABASE_URL": f"sqlite:///{work / 'catalogue.sqlite'}",
            "CATALOGUE_PHOTOS": str(work / "photos"),
        },
    )
    nginx = None
    try:
        nginx, proxied = start_nginx(work, [int(b.rsplit(":", 1)[1]) for b in bases])
        direct, proxied = f"{bases[0]}/", f"{proxied}/"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-dev-shm-usage"],
            )
            first_visit(browser, direct)  # the process's own first run, not measured
            rows = [("direct to one process", *first_visit(browser, direct))]
            rows.append(("through nginx (gzip)", *first_visit(browser, proxied)))
            browser.close()
    finally:
        if nginx is not None:
            stop_process_group(nginx)
        stop_process_group(apps)
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print("| first visit, sample catalogue | requests | transferred |")
    print("|---|---|---|")
    for name, count, size in rows:
        print(f"| {name} | {count} | {size / 1e6:.2f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
