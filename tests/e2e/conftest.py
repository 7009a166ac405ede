"""Real-browser fixtures: a `streamlit run` server on a free port and headless Chromium.

The browser may talk to the app's own server only: every other request (tile servers, CDNs)
is aborted, so the tests prove the map works with the network cut.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# The map component's iframe; its title is the map's name in the reader's language
# ("Mapa ofert", set by ui/document.py), so it is found by the component's address.
MAP_FRAME = 'iframe[src*="/component/streamlit_folium.st_folium/"]'

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(db_path: Path, extra_env: dict[str, str] | None = None):
    """Start `streamlit run app.py` on a free port; returns (process, base_url)."""
    port = _free_port()
    env = dict(os.environ, CATALOGUE_DB=str(db_path), **(extra_env or {}))
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"streamlit exited early:\n{out}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    stop_app(proc)
    raise RuntimeError("streamlit did not become healthy within 90 s")


def catalogue_cli(db_path: Path, *args: str, stdin: str | None = None) -> None:
    """Run ``python -m catalogue ARGS`` on the SQLite catalogue ``db_path`` (as staff would),
    ``stdin`` given as one line (a password); raises if the command fails."""
    env = dict(os.environ, CATALOGUE_DB=str(db_path))
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "catalogue", *args],
        cwd=REPO_ROOT,
        env=env,
        input=f"{stdin}\n".encode() if stdin is not None else None,
        check=True,
        capture_output=True,
    )


def stop_app(proc: subprocess.Popen) -> None:
    """Stop the server and its children, whatever state they are in."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    proc, base = start_app(tmp_path_factory.mktemp("e2e-db") / "catalogue.sqlite")
    try:
        yield base
    finally:
        stop_app(proc)


def offline_page(browser, width: int = 1280, height: int = 900):
    """A new page whose requests to anything but 127.0.0.1/localhost are aborted."""
    context = browser.new_context(viewport={"width": width, "height": height})
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.blocked_requests = blocked
    return page


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
