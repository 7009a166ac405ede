"""Catalogue fixtures: a fresh store per test on SQLite, and on PostgreSQL when configured.

``TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://user@localhost/test``) adds a
``postgres`` run of every test that uses ``store``; the schema is dropped and created around
each test. Without it the postgres runs are skipped, unless ``REQUIRE_POSTGRES_TESTS=1``
(CI with a database), where a missing URL fails them so the gap cannot go unnoticed.
"""

from __future__ import annotations

import os

import pytest

from catalogue.storage import CatalogueStore


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url
    if os.environ.get("REQUIRE_POSTGRES_TESTS") == "1":
        pytest.fail("REQUIRE_POSTGRES_TESTS=1 but TEST_DATABASE_URL is not set")
    pytest.skip("TEST_DATABASE_URL not set")
    return None  # pragma: no cover - skip raises


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def store(request, tmp_path):
    """A fresh :class:`CatalogueStore` with its schema created."""
    if request.param == "sqlite":
        instance = CatalogueStore(f"sqlite:///{tmp_path / 'catalogue.sqlite'}")
        instance.create_schema()
        yield instance
        instance.dispose()
        return
    instance = CatalogueStore(_postgres_url())
    instance.drop_schema()
    instance.create_schema()
    yield instance
    instance.drop_schema()
    instance.dispose()


@pytest.fixture
def sqlite_store(tmp_path):
    """A fresh SQLite store for tests that are about files, not the database engine."""
    instance = CatalogueStore(f"sqlite:///{tmp_path / 'catalogue.sqlite'}")
    instance.create_schema()
    yield instance
    instance.dispose()
