"""Shared fixtures: every test runs on its own catalogue database, never the developer's."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


@pytest.fixture(autouse=True, scope="session")
def _isolated_default_database(tmp_path_factory):
    """Point CATALOGUE_DB at a session temp file so no test touches data/catalogue.sqlite."""
    old = os.environ.get("CATALOGUE_DB")
    os.environ.pop("DATABASE_URL", None)
    os.environ["CATALOGUE_DB"] = str(tmp_path_factory.mktemp("db") / "catalogue.sqlite")
    yield
    if old is None:
        os.environ.pop("CATALOGUE_DB", None)
    else:
        os.environ["CATALOGUE_DB"] = old
