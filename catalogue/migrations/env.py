"""Alembic environment of the catalogue.

Run programmatically by :func:`catalogue.migrations.upgrade` on a connection the store opened
(``config.attributes["connection"]``), so migrations use the store's engine settings and
run inside its transaction. Run on its own (``alembic -c catalogue/migrations/alembic.ini``)
it connects to the configured database (``DATABASE_URL`` / ``CATALOGUE_DB``).
"""

from __future__ import annotations

from alembic import context

from catalogue.schema import metadata

config = context.config


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from catalogue.storage import CatalogueStore

    store = CatalogueStore(config.get_main_option("sqlalchemy.url") or None)
    try:
        with store.migration_connection() as conn:
            _run(conn)
    finally:
        store.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot alter most constraints in place: batch mode recreates the table.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - offline SQL scripts are not used
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
