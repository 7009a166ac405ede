"""AppTest runs app.py from the repository root, where its page paths are relative."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    yield
    os.chdir(REPO_ROOT)


def point_app_at(tmp_path: Path, monkeypatch) -> Path:
    """Point the app at a database file and photo folder under ``tmp_path`` (nothing is
    created); returns the database path."""
    path = tmp_path / "catalogue.sqlite"
    monkeypatch.setenv("CATALOGUE_DB", str(path))
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return path


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh database (and photo directory) for this test; AppTest caches per URL."""
    store = CatalogueStore(f"sqlite:///{point_app_at(tmp_path, monkeypatch)}")
    store.create_schema()
    yield store
    store.dispose()


@pytest.fixture
def sample_db(db):
    """The fresh database with the sample catalogue."""
    load_sample_catalogue(db)
    return db
