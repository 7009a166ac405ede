"""The static publisher: rebuild times and the fair's QR wave, the app against nginx.

Rebuilds: a synthetic catalogue of 10,000 offerings (``bench.synthetic``) built into an
empty site (30,000 offering pages plus lists, the map page, per-district map and search
data, open data), a forced full re-render of an existing site, the incremental build after
one approved edit and after one archive; CPU time of this process beside wall time.

The QR wave: N simulated phones (50, 200, 500) open an offering's QR link within 60 s,
arrivals spread evenly, against (a) the Streamlit app (``streamlit run app.py`` on the
sample catalogue) and (b) the offering's static page served by Debian's nginx with
``deploy/nginx-site.conf``, one after the other in one run, loopback only. A phone on (a)
loads the HTML of ``/?product=<id>``, opens the app's WebSocket and waits for the script
run to finish (one run; a real browser adds a second when the map component reports back,
NOTES.md, so this is the app's best case). A phone on (b) loads the page and its
stylesheet. A phone gives up after 60 s (an error), so every loop is bounded.
"""

from __future__ import annotations

import collections
import shutil
import statistics
import threading
import time
import urllib.request

from bench.common import Options, Section, Target, Workspace, load_average, log, seconds, table

WAVE_SIZES: tuple[int, ...] = (50, 200, 500)
WAVE_WINDOW_S = 60.0
PHONE_TIMEOUT_S = 60.0
REBUILD_SIZE = 10_000
QR_PRODUCT = "sample-001"


# -- rebuilds -------------------------------------------------------------------------------


def _rebuilds(options: Options, workspace: Workspace) -> dict:
    from catalogue.model import Product
    from catalogue.storage import CatalogueStore
    from publish import build_site

    db = workspace.copy_db(REBUILD_SIZE, f"publish-{REBUILD_SIZE}.sqlite")
    store = CatalogueStore(f"sqlite:///{db}")
    out = workspace.root / "publish-site"
    base = "https://mapa.example.org"
    try:
        log(f"publish: first build of {REBUILD_SIZE:,} offerings × 3 languages")
        cpu = time.process_time()
        first = build_site(store, out, base_url=base)
        first_cpu = time.process_time() - cpu
        log(f"publish: {first.files:,} files in {first.seconds:.1f} s ({first_cpu:.1f} s CPU)")
        full = []
        for _ in range(options.repeats - 1):  # a forced re-render only when repeats allow
            full.append(build_site(store, out, base_url=base, full=True).seconds)
        # One approved edit of a published offering, as the moderation page makes it.
        row = store.products_frame().iloc[REBUILD_SIZE // 2]
        product = Product(
            id="bench-edit", name_pl="Ratusz w Jarosławiu", category="heritage",
            lat=float(row["lat"]), lon=float(row["lon"]),
            district_teryt=str(row["district_teryt"]), gmina_teryt=str(row["gmina_teryt"]),
        )  # fmt: skip
        token = store.submit_new(product, submitted_by="bench")
        store.approve(store.pending_revision("bench-edit")["id"], actor="bench")
        build_site(store, out, base_url=base)
        incremental, incremental_cpu, written = [], [], []
        for n in range(options.repeats):
            edited = store.product_for_token(token)
            edited.description_pl = f"Opis po zmianie nr {n + 1}."
            store.submit_edit(token, edited)
            store.approve(store.pending_revision("bench-edit")["id"], actor="bench")
            cpu = time.process_time()
            result = build_site(store, out, base_url=base)
            incremental_cpu.append(time.process_time() - cpu)
            incremental.append(result.seconds)
            written.append(len(result.written))
            log(f"publish: incremental {result.seconds:.2f} s, {len(result.written)} written")
        # Taking the offering off the site: its pages go, its district's data and the open
        # data change.
        store.archive("bench-edit", "bench")
        cpu = time.process_time()
        archived = build_site(store, out, base_url=base)
        archive_cpu = time.process_time() - cpu
        log(f"publish: after an archive {archived.seconds:.2f} s, {len(archived.written)} written")
        return {
            "archive": archived.seconds,
            "archive_cpu": archive_cpu,
            "archive_written": len(archived.written),
            "load": load_average(),
            "first": first.seconds,
            "files": first.files,
            "first_cpu": first_cpu,
            "full": statistics.median(full) if full else None,
            "incremental": statistics.median(incremental),
            "incremental_cpu": statistics.median(incremental_cpu),
            "written": written,
        }
    finally:
        store.dispose()
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out.parent / f".{out.name}.versions", ignore_errors=True)


# -- the QR wave ----------------------------------------------------------------------------


def _get(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback http
        return response.read()


def _app_phone(base: str, timeout: float, query: str = f"product={QR_PRODUCT}") -> None:
    """One phone's visit: the page's HTML, a websocket session and one script run of the page
    opened with ``query`` (the QR link's by default) until ``script_finished``."""
    from ui.warmup import run_once

    deadline = time.monotonic() + timeout
    _get(f"{base}/?{query}" if query else f"{base}/", timeout)
    run_once(base, max(0.1, deadline - time.monotonic()), query)


def _static_phone(page_url: str, css_url: str, timeout: float) -> None:
    body = _get(page_url, timeout)
    if b"<title>" not in body:
        raise ValueError("no title in the static page")
    _get(css_url, timeout)


def wave(phone, n: int, window: float = WAVE_WINDOW_S) -> dict:
    """Start ``n`` phones evenly over ``window`` seconds; latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        start = time.perf_counter()
        try:
            phone()
        except Exception as exc:  # noqa: BLE001 - every failure of a phone is counted
            with lock:
                errors.append(type(exc).__name__)
            return
        with lock:
            latencies.append(time.perf_counter() - start)

    threads = []
    started = time.perf_counter()
    for i in range(n):
        delay = started + i * window / n - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one, daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(PHONE_TIMEOUT_S + 30)
    ordered = sorted(latencies)
    return {
        "n": n,
        "ok": len(ordered),
        "errors": len(errors) + sum(t.is_alive() for t in threads),
        # What the failed phones ran into, by exception name ("still waiting": never ended).
        "error_kinds": dict(
            collections.Counter(errors)
            + collections.Counter({"still waiting": sum(t.is_alive() for t in threads)})
        ),
        "p50": statistics.median(ordered) if ordered else float("nan"),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        if ordered
        else float("nan"),
        "wall": time.perf_counter() - started,
    }


def _waves(workspace: Workspace, sizes: tuple[int, ...]) -> list[dict]:
    from catalogue.sample_loading import load_sample_catalogue
    from catalogue.storage import CatalogueStore
    from harness.processes import start_app, stop_app
    from publish import build_site
    from publish.nginx import free_port, serve

    db = workspace.root / "publish-sample.sqlite"
    store = CatalogueStore(f"sqlite:///{db}")
    store.create_schema()
    load_sample_catalogue(store)
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    out = workspace.root / "publish-sample-site"
    build_site(store, out, site_url=site)
    store.dispose()
    rows: list[dict] = []
    proc, base = start_app(db)
    try:
        _app_phone(base, PHONE_TIMEOUT_S)  # warm: the first run reads and caches the catalogue
        for n in sizes:
            log(f"publish: QR wave of {n} phones against the Streamlit app")
            rows.append(
                {"target": "Streamlit app", **wave(lambda: _app_phone(base, PHONE_TIMEOUT_S), n)}
            )
            time.sleep(5)  # let the last sessions' runs drain before the next wave
    finally:
        stop_app(proc)
    with serve(out, workspace.root / "publish-nginx", workers=2, port=port) as url:
        page = f"{url}/pl/offer/{QR_PRODUCT}.html"
        css = f"{url}/style.css"
        _static_phone(page, css, PHONE_TIMEOUT_S)
        for n in sizes:
            log(f"publish: QR wave of {n} phones against nginx")
            rows.append(
                {
                    "target": "static page, nginx",
                    **wave(lambda: _static_phone(page, css, PHONE_TIMEOUT_S), n),
                }
            )
    return rows


def _ms(value: float) -> str:
    return "–" if value != value else f"{value * 1000:.0f} ms"


def run(options: Options, workspace: Workspace) -> Section:
    rebuild = _rebuilds(options, workspace)
    sizes = WAVE_SIZES[:1] if options.quick else WAVE_SIZES
    waves = _waves(workspace, sizes)
    body = [
        table(
            ["build (10,000 offerings × 3 languages)", "wall", "CPU", "files"],
            [
                [
                    "first build into an empty site",
                    seconds(rebuild["first"]),
                    seconds(rebuild["first_cpu"]),
                    f"{rebuild['files']:,}",
                ],
                *(
                    [["full re-render (`--full`), bytes kept", seconds(rebuild["full"]), "", ""]]
                    if rebuild["full"] is not None
                    else []
                ),
                [
                    "incremental after one approved edit",
                    seconds(rebuild["incremental"]),
                    seconds(rebuild["incremental_cpu"]),
                    f"{statistics.median(rebuild['written']):.0f} written",
                ],
                [
                    "incremental after one archive",
                    seconds(rebuild["archive"]),
                    seconds(rebuild["archive_cpu"]),
                    f"{rebuild['archive_written']} written",
                ],
            ],
        ),
        "",
        f"Load average at the end of the rebuilds: {rebuild['load']}.",
        "",
        table(
            ["QR wave within 60 s", "phones", "served", "errors", "p50", "p95", "wall"],
            [
                [
                    w["target"],
                    w["n"],
                    w["ok"],
                    w["errors"],
                    _ms(w["p50"]),
                    _ms(w["p95"]),
                    seconds(w["wall"]),
                ]
                for w in waves
            ],
        ),
    ]
    section = Section("Publish: static site rebuilds and the fair's QR wave", "\n".join(body))
    section.notes.append(
        "A Streamlit phone here is one HTTP GET plus one WebSocket script run (the app's best "
        "case: a real browser also loads ~118 files and runs the script twice). A static phone "
        "is the page plus its stylesheet. Both servers run on this machine's loopback, "
        "alongside the load generator."
    )
    section.targets.append(
        Target(
            "full rebuild, 10,000 offerings × 3 languages",
            seconds(rebuild["first"]),
            "< 60 s",
            rebuild["first"] < 60,
        )
    )
    section.targets.append(
        Target(
            "incremental rebuild after one approval",
            seconds(rebuild["incremental"]),
            "< 2 s",
            rebuild["incremental"] < 2,
        )
    )
    static_500 = next(
        (w for w in waves if w["target"].startswith("static") and w["n"] == 500), None
    )
    if static_500:
        section.targets.append(
            Target(
                "static page: 500 phones in 60 s, p95 < 300 ms, no error",
                f"p95 {_ms(static_500['p95'])}, {static_500['errors']} errors",
                "p95 < 300 ms, 0 errors",
                static_500["p95"] < 0.3 and static_500["errors"] == 0,
            )
        )
    return section
