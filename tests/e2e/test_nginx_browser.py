"""deploy/nginx-app.conf, run by a real nginx in front of one app process: headers, private
metrics, and the map still works in Chromium under its Content-Security-Policy (two processes
behind the same file: tests/deploy)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from harness.nginx import NGINX, start_nginx
from harness.processes import stop_process_group
from tests.e2e.conftest import MAP_FRAME, offline_page, screenshot

pytestmark = pytest.mark.e2e


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def proxied(app_server, tmp_path_factory):
    """(nginx base URL, app base URL) with the repository's config in front of one process."""
    assert Path(NGINX).exists(), "nginx is installed by .ci/run"
    app_port = int(app_server.rsplit(":", 1)[1])
    proc, base = start_nginx(tmp_path_factory.mktemp("nginx"), [app_port])
    try:
        yield base, app_server
    finally:
        stop_process_group(proc)


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
    assert _get(f"{base}/_stcore/metrics")[0] == 403
    assert _get(f"{base}/_stcore/metrics?x=1")[0] == 403
    assert _get(f"{base}/_stcore/metrics/")[0] == 403
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
