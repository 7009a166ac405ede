"""deploy/nginx-app.conf, run by a real nginx in front of the app: headers, private metrics,
and the map still works in Chromium under its Content-Security-Policy."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from harness.processes import free_port
from tests.e2e.conftest import MAP_FRAME, REPO_ROOT, offline_page, screenshot

pytestmark = pytest.mark.e2e

CONF = REPO_ROOT / "deploy" / "nginx-app.conf"


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def proxied(app_server, tmp_path_factory):
    """(nginx base URL, app base URL) with the repository's site config in between."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is installed by .ci/run"
    root = tmp_path_factory.mktemp("nginx")
    app_port = app_server.rsplit(":", 1)[1]
    port = free_port()
    site = CONF.read_text()
    assert "server 127.0.0.1:8501;" in site and "listen 80;" in site
    site = site.replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    temp = "".join(
        f"{kind}_temp_path {root}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {root}/nginx.pid;\n"
        f"error_log {root}/error.log;\nevents {{}}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\naccess_log off;\n{temp}{site}\n}}\n"
    )
    proc = subprocess.Popen(
        [nginx, "-p", str(root), "-c", str(root / "nginx.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stdout.read().decode(errors="replace"))
        try:
            if _get(f"{base}/_stcore/health")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield base, app_server
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_security_headers_and_private_metrics(proxied):
    base, app = proxied
    status, headers, _ = _get(f"{base}/")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert "default-src 'self'" in csp
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Metrics: refused through nginx (even from loopback), still there on the app's own port.
    assert _get(f"{base}/_stcore/metrics")[0] == 404
    assert _get(f"{base}/_stcore/metrics?x=1")[0] == 404
    assert _get(f"{app}/_stcore/metrics")[0] == 200
    # Errors carry the headers too.
    status, headers, _ = _get(f"{base}/_stcore/metrics")
    assert "Content-Security-Policy" in headers


def test_the_map_works_through_nginx_under_the_csp(browser, proxied):
    base, _ = proxied
    page = offline_page(browser)
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{base}/", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".pm, .marker-cluster").first.wait_for(timeout=60_000)
    page.get_by_role("heading", name="Mapa produktów turystycznych").wait_for(timeout=30_000)
    # The Leaflet map in the component iframe is alive (its script ran under the CSP).
    assert frame.locator(".leaflet-container").count() == 1
    screenshot(page, "nginx-csp-map")
    assert violations == [], violations
    page.context.close()
