"""Two Streamlit processes on one PostgreSQL behind nginx, with the real deploy/ files.

The processes are started by ``deploy/run-processes.sh`` and nginx runs
``deploy/nginx-app.conf`` with only the ports substituted. PostgreSQL: a fresh database
on the server of ``TEST_DATABASE_URL`` (CI), else a throwaway cluster started with ``initdb``;
with neither the test fails, it never skips.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from catalogue.model import Product
from catalogue.photos import store_photos
from catalogue.storage import CatalogueStore
from geodata.districts import locate
from geodata.gminy import gminy_of_district
from harness.browser import MAP_FRAME, offline_page
from harness.nginx import NGINX, start_nginx, start_processes
from harness.processes import (
    free_port,
    stop_process_group,
)
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

# A real museum in Przemyśl (Plac Czackiego), not in the sample catalogue.
NEW_NAME = "Muzeum Archidiecezjalne w Przemyślu"
NEW_LAT, NEW_LON = 49.7826, 22.7683


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def postgres_server(tmp_path_factory):
    """A SQLAlchemy URL of a PostgreSQL server where this test may create a database."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        yield url
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        pytest.fail(
            "two-process test needs PostgreSQL: set TEST_DATABASE_URL or install the "
            "postgresql package (initdb is missing)"
        )
    pgbin = bins[-1].parent
    # Directly under /tmp like .ci/run: the postgres user cannot enter pytest's root-only tmp.
    root = Path(tempfile.mkdtemp(prefix="rkesi-pg."))
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    made = subprocess.run(
        _as_postgres([str(pgbin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.fail(f"initdb of a throwaway PostgreSQL failed:\n{made.stdout}{made.stderr}")
    port = free_port()
    opts = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    started = subprocess.run(
        _as_postgres(
            [str(pgbin / "pg_ctl"), "-D", str(data), "-o", opts, "-l", f"{data}/log", "-w", "start"]
        ),
        capture_output=True,
    )
    if started.returncode != 0:
        pytest.fail(f"throwaway PostgreSQL did not start:\n{(data / 'log').read_text()}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def database_url(postgres_server):
    """A fresh, empty database on that server, dropped afterwards."""
    name = f"rkesi_deploy_{secrets.token_hex(4)}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(postgres_server).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def photos_folder(tmp_path_factory) -> Path:
    """The one CATALOGUE_PHOTOS folder of every process."""
    return tmp_path_factory.mktemp("photos")


# Streamlit's metrics line of a cache lookup that missed: the map's first view was made.
FIRST_VIEW_MADE = re.compile(
    r'^cache_lookups_total\{cache="ui\.state\._markers",cache_type="st_cache_resource",'
    r'result="miss"\} [1-9]',
    re.M,
)


def _first_view_made(base: str) -> bool:
    return bool(FIRST_VIEW_MADE.search(_get(f"{base}/_stcore/metrics")[2].decode()))


@pytest.fixture(scope="module")
def processes(database_url, photos_folder):
    """deploy/run-processes.sh with two processes; yields their base URLs and, for each,
    whether it had made the map's first view (its warm-up) before any visitor came."""
    proc, bases = start_processes(
        2, {"DATABASE_URL": database_url, "CATALOGUE_PHOTOS": str(photos_folder)}
    )
    try:
        deadline = time.monotonic() + 90
        while not all(map(_first_view_made, bases)) and time.monotonic() < deadline:
            time.sleep(0.5)
        warmed_before_visitors.update({base: _first_view_made(base) for base in bases})
        yield bases
    finally:
        stop_process_group(proc, grace_seconds=20)


warmed_before_visitors: dict[str, bool] = {}


def test_each_process_prepares_the_first_view_before_its_first_visitor(processes):
    # run-processes.sh opens one session on each process as it starts (ui/warmup.py).
    assert warmed_before_visitors == {base: True for base in processes}


@pytest.fixture(scope="module")
def nginx(processes, tmp_path_factory):
    """Debian's nginx on a free port running the rendered config; yields (base, access log)."""
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx (.ci/run does)")
    prefix = tmp_path_factory.mktemp("nginx")
    log = prefix / "access.log"
    proc, base = start_nginx(
        prefix,
        [int(base.rsplit(":", 1)[1]) for base in processes],
        f"log_format route '$rkesi_route $upstream_addr $status $request_uri';\n"
        f"    access_log {log} route;",
    )
    try:
        yield base, log
    finally:
        stop_process_group(proc, grace_seconds=20)


def _get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_map_page_loads_through_nginx(browser, nginx):
    base, _ = nginx
    page = offline_page(browser)
    try:
        page.goto(f"{base}/", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Mapa produktów turystycznych").wait_for(timeout=60_000)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".leaflet-container").wait_for(timeout=60_000)
        frame.locator(".pm, .marker-cluster").first.wait_for(timeout=60_000)
        screenshot(page, "deploy-map-through-nginx")
    finally:
        page.context.close()


def test_static_javascript_is_gzipped_and_cached_long(nginx, processes):
    base, _ = nginx
    status, _, html = _get(f"{base}/")
    assert status == 200
    scripts = re.findall(rb'src="\.?/?(static/js/[^"]+\.js)"', html)
    assert scripts, html[:500]
    asset = scripts[0].decode()
    status, headers, body = _get(f"{base}/{asset}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert (
        "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    )
    plain = gzip.decompress(body)
    _, direct_headers, direct = _get(f"{processes[0]}/{asset}")
    assert plain == direct, "nginx should pass the same file, only compressed"
    assert len(body) < len(plain) / 2


def _upstreams_of(log: Path, uri: str) -> list[str]:
    """The upstream address nginx logged for each request of ``uri`` ("-": none, from disk)."""
    time.sleep(0.3)  # nginx writes its access log line after the answer
    seen = []
    for line in log.read_text().splitlines():
        _, upstream, _, logged_uri = line.split(" ", 3)
        if logged_uri == uri:
            seen.append(upstream)
    return seen


def test_streamlit_and_map_files_come_from_disk_not_from_a_process(nginx, processes):
    base, log = nginx
    _, _, html = _get(f"{base}/")
    asset = "/" + re.findall(rb'src="\.?/?(static/js/[^"]+\.js)"', html)[0].decode()
    status, headers, body = _get(f"{base}{asset}")
    assert status == 200 and body == _get(f"{processes[0]}{asset}")[2]
    assert "immutable" in headers["Cache-Control"]
    # Earlier tests' browsers asked for it too: never once of a process.
    assert set(_upstreams_of(log, asset)) == {"-"}, "Streamlit's bundle should come from disk"

    # The map's vendored Leaflet, with the range requests a PMTiles file in static/tiles needs.
    vendor = "/app/static/vendor/leaflet/leaflet.js"
    status, _, whole = _get(f"{base}{vendor}")
    assert status == 200 and whole == _get(f"{processes[0]}{vendor}")[2]
    status, headers, part = _get(f"{base}{vendor}", {"Range": "bytes=10-19"})
    assert status == 206 and part == whole[10:20], headers
    assert set(_upstreams_of(log, vendor)) == {"-"}

    # A bundle the link does not hold (another Streamlit version's name) is still asked of a
    # process, which answers for itself.
    missing = "/static/js/no-such-bundle.0123abcd.js"
    status, _, _ = _get(f"{base}{missing}")
    assert status == _get(f"{processes[0]}{missing}")[0]
    [upstream] = _upstreams_of(log, missing)
    assert upstream.startswith("127.0.0.1:"), upstream


def test_every_answer_carries_the_security_headers(nginx):
    base, _ = nginx
    _, _, html = _get(f"{base}/")
    asset = "/" + re.findall(rb'src="\.?/?(static/js/[^"]+\.js)"', html)[0].decode()
    pages = {
        "/": "",  # the app's own answer: no year-long cache
        asset: "immutable",  # from disk
        # A name the link does not hold: Streamlit answers it with its HTML page (200),
        # which must not be cached for a year as that bundle.
        "/static/js/no-such-bundle.0123abcd.js": "",
        "/app/static/vendor/leaflet/leaflet.css": "",
        "/_stcore/metrics": "",  # nginx's own refusal
    }
    for path, cache in pages.items():
        status, headers, _ = _get(f"{base}{path}")
        assert status in (200, 403, 404), (path, status)
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp, path
        assert headers["X-Frame-Options"] == "SAMEORIGIN", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert "camera=()" in headers["Permissions-Policy"], path
        assert len(headers.get_all("Set-Cookie") or []) == 1, path
        controls = headers.get_all("Cache-Control") or []
        if cache:
            assert controls == ["public, max-age=31536000, immutable"], (path, controls)
        else:
            assert not any("immutable" in c for c in controls), (path, controls)
        assert "nginx/" not in headers.get("Server", ""), "no version in the Server header"


def test_metrics_are_refused_through_nginx(nginx, processes):
    base, _ = nginx
    status, _, _ = _get(f"{base}/_stcore/metrics")
    assert status == 403
    # The process itself does serve them: the refusal is nginx's.
    status, _, _ = _get(f"{processes[0]}/_stcore/metrics")
    assert status == 200


def test_each_browser_sticks_to_one_process_and_both_are_used(nginx):
    base, log = nginx
    cookies = []
    for _ in range(16):
        _, headers, _ = _get(f"{base}/_stcore/health")
        routes = [
            m.group(1)
            for value in headers.get_all("Set-Cookie") or []
            if (m := re.match(r"rkesi_route=([^;]+)", value))
        ]
        assert len(routes) == 1, headers.get_all("Set-Cookie")
        cookies.append(routes[0])
    for cookie in cookies:
        for _ in range(3):
            _get(f"{base}/_stcore/health", {"Cookie": f"rkesi_route={cookie}"})
    time.sleep(0.3)
    upstreams: dict[str, set[str]] = {}
    for line in log.read_text().splitlines():
        route, upstream, _, uri = line.split(" ", 3)
        if uri == "/_stcore/health" and route in cookies:
            upstreams.setdefault(route, set()).add(upstream)
    assert set(upstreams) == set(cookies)
    assert all(len(seen) == 1 for seen in upstreams.values()), upstreams
    assert len(set().union(*upstreams.values())) == 2, "both processes should get visitors"


def _search(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Szukaj")
    box.fill(text)
    box.press("Enter")


def _photo_jpeg() -> bytes:
    """A plain 640×480 picture (a generated colour field: only its pixels matter here)."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (31, 111, 67)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_product_approved_through_one_process_shows_in_the_other(
    browser, nginx, processes, database_url, photos_folder
):
    # Process B (direct, no restart in between) is looked at before and after the write.
    page = offline_page(browser)
    try:
        page.goto(f"{processes[1]}/", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Mapa produktów turystycznych").wait_for(timeout=60_000)
        page.frame_locator(MAP_FRAME).locator(".pm, .marker-cluster").first.wait_for(timeout=60_000)
        _search(page, "archidiecezjalne")
        page.get_by_text("Nic nie pasuje do filtrów").wait_for(timeout=30_000)
        assert page.get_by_text(NEW_NAME).count() == 0

        # What process A's moderation page does: a partner's submission, approved by staff,
        # written to the shared database.
        store = CatalogueStore(database_url)
        try:
            district = locate(NEW_LAT, NEW_LON).teryt
            product = Product(
                id="muzeum-archidiecezjalne-przemysl",
                name_pl=NEW_NAME,
                category="heritage",
                lat=NEW_LAT,
                lon=NEW_LON,
                district_teryt=district,
                gmina_teryt=gminy_of_district(district)[0]["teryt"],
                address="Plac Czackiego 3, Przemyśl",
            )
            store.submit_new(product, submitted_by="partner")
            stored, errors = store_photos([("muzeum.jpg", _photo_jpeg())], base=photos_folder)
            assert not errors and stored
            store.add_photos(product.id, stored)
            revision = int(store.moderation_queue()["revision_id"].iloc[0])
            store.approve(revision, actor="moderator")
        finally:
            store.dispose()

        _search(page, "muzeum archidiecezjalne")
        page.get_by_text(NEW_NAME).first.wait_for(timeout=30_000)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(f'.leaflet-marker-icon[title="{NEW_NAME}"]').wait_for(timeout=30_000)
        # Its details in process B show the photo stored through the other one.
        page.get_by_role("button", name=re.compile(re.escape(NEW_NAME))).first.click()
        page.locator("h3").filter(has_text=NEW_NAME).first.wait_for(timeout=30_000)
        image = page.locator('[data-testid="stImage"] img').first
        image.wait_for(timeout=30_000)
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert image.evaluate("(img) => img.naturalWidth") > 0
        screenshot(page, "deploy-approved-in-other-process")
    finally:
        page.context.close()
