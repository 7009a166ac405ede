"""Schema migrations of the catalogue (Alembic), run programmatically.

:func:`upgrade` brings a database to the newest revision inside the caller's transaction:
an empty database gets every revision from the baseline; a database made before migrations
existed (the tables of :mod:`catalogue.migrations.versions` ``0001``, no ``alembic_version``)
is checked against the baseline, stamped with it and then upgraded. An empty database gets
the model's tables at once, stamped with the newest revision (Alembic's recipe for a new
database; the tests check that it equals what the migrations build). Adding a field: see
the README ("Changing the schema").
"""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

HERE = Path(__file__).resolve().parent
BASELINE = "0001"
# Any number: the key of the PostgreSQL advisory lock that queues concurrent upgrades.
_PG_LOCK_KEY = 7_320_13


class SchemaError(RuntimeError):
    """A database whose tables this code cannot recognise or upgrade safely."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for this package; migrations run on ``connection`` when given."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest revision id of the migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the baseline always exists
        raise SchemaError("no migration scripts found")
    return head


def current_revision(conn: Connection) -> str | None:
    """The revision recorded in the database (``alembic_version``), None if not stamped."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: Connection, metadata: sa.MetaData) -> str | None:
    """Bring the database behind ``conn`` to the newest revision; returns the old revision.

    ``metadata`` is the model's schema (``catalogue.schema.metadata``), created at once in
    an empty database; passed in, so this package never imports the store that calls it.

    Runs in the caller's transaction, so a failing migration leaves the database as it was
    (SQLite and PostgreSQL both have transactional DDL). ``SchemaError`` for tables that
    match no known schema.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    before = current_revision(conn)
    if before == head_revision():
        return before
    if before is None:
        tables = set(sa.inspect(conn).get_table_names())
        if not tables & set(_baseline_columns()):
            _create_at_head(conn, metadata)
            return before
        _check_legacy(conn, tables)
        command.stamp(alembic_config(conn), BASELINE)
    command.upgrade(alembic_config(conn), "head")
    return before


def _create_at_head(conn: Connection, metadata: sa.MetaData) -> None:
    """An empty database: the model's tables at once, stamped with the newest revision.

    Alembic's recipe for a database built from scratch; it is the schema the migrations
    build (``tests/catalogue/test_migrations.py`` compares both on SQLite and PostgreSQL),
    in a fraction of the time.
    """
    metadata.create_all(conn)
    context = MigrationContext.configure(conn)
    context.stamp(ScriptDirectory.from_config(alembic_config()), "head")


def _check_legacy(conn: Connection, tables: set[str]) -> None:
    """Refuse an unversioned database unless it has every table and column of the baseline."""
    inspector = sa.inspect(conn)
    missing = []
    for table, columns in _baseline_columns().items():
        if table not in tables:
            missing.append(f"table {table}")
            continue
        present = {c["name"] for c in inspector.get_columns(table)}
        missing += [f"{table}.{name}" for name in columns if name not in present]
    if missing:
        raise SchemaError(
            "the database has catalogue tables but no schema version, and they differ from "
            f"the baseline (missing: {', '.join(missing)}); restore a backup made by this "
            "version or migrate it by hand"
        )


@functools.cache
def _baseline_columns() -> dict[str, tuple[str, ...]]:
    """Table → column names of the baseline revision (built once in an in-memory SQLite)."""
    engine = sa.create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), BASELINE)
            inspector = sa.inspect(conn)
            return {
                table: tuple(c["name"] for c in inspector.get_columns(table))
                for table in inspector.get_table_names()
                if table != "alembic_version"
            }
    finally:
        engine.dispose()
