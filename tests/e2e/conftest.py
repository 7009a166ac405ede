"""Real-browser fixtures: a `streamlit run` server on a free port and headless Chromium.

The browser may talk to the app's own server only: every other request (tile servers, CDNs)
is aborted, so the tests prove the map works with the network cut.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# Re-exported: the browser tests import the launchers from here.
from harness.browser import CHROMIUM, MAP_FRAME, offline_page, wait_map_settled  # noqa: F401
from harness.processes import REPO_ROOT, catalogue_cli, start_app, stop_app  # noqa: F401

ARTIFACTS = REPO_ROOT / "test-artifacts"

pytestmark = pytest.mark.e2e


def sample_catalogue_with_staff(root: Path, password: str, user: str = "anna") -> Path:
    """``root/catalogue.sqlite`` with the sample catalogue and one staff account, both made
    through the command line as staff would; returns the database path."""
    db = root / "catalogue.sqlite"
    catalogue_cli(db, "init")
    catalogue_cli(db, "staff", "add", user, "--password-stdin", stdin=password)
    return db


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    proc, base = start_app(tmp_path_factory.mktemp("e2e-db") / "catalogue.sqlite")
    try:
        yield base
    finally:
        stop_app(proc)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
