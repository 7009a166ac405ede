"""The one module that owns database connections.

Embedded default: a SQLite file (``CATALOGUE_DB``, default ``data/catalogue.sqlite``) in WAL
mode, where every write is a ``BEGIN IMMEDIATE`` transaction on a dedicated write engine and
reads go through a separate engine that never takes the write lock. ``DATABASE_URL`` (any
SQLAlchemy URL, e.g. ``postgresql+psycopg://…``) runs the same code on PostgreSQL.

Besides connections and transactions it keeps what every write shares: the schema set-up,
the catalogue version counter (bumped by every write) and the audit log.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from catalogue.schema import audit_table, meta_table, metadata

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = REPO_ROOT / "data" / "catalogue.sqlite"

# The key of the PostgreSQL advisory lock held during schema set-up (any fixed 64-bit number
# that no other application on the same database uses: "rkesi" in ASCII).
_SETUP_LOCK_KEY = 0x726B657369
_LOCAL_SETUP_LOCK = threading.Lock()


def now_utc() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def database_url() -> str:
    """The configured database URL: ``DATABASE_URL``, else SQLite at ``CATALOGUE_DB``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    path = Path(os.environ.get("CATALOGUE_DB", "").strip() or DEFAULT_DB_PATH)
    return f"sqlite:///{path}"


def to_json(values: dict | None) -> str | None:
    """``values`` as the stable JSON text the audit log and revisions store (None stays None)."""
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def audit_row(
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    *,
    at: datetime | None = None,
) -> dict:
    """The values of one ``audit_log`` row (for one insert or an executemany of many)."""
    return {
        "at": at or now_utc(),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": to_json(before),
        "after": to_json(after),
        "note": note,
    }


def write_audit(
    conn: Connection,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> None:
    """Append one audit entry inside the caller's transaction."""
    row = audit_row(actor, action, object_type, object_id, before, after, note)
    conn.execute(audit_table.insert().values(**row))


def bump_version(conn: Connection) -> None:
    """Add one to the catalogue version inside the caller's transaction."""
    updated = conn.execute(
        meta_table.update()
        .where(meta_table.c.key == "version")
        .values(value=sa.cast(sa.cast(meta_table.c.value, sa.Integer) + 1, sa.Text))
    )
    if updated.rowcount == 0:
        conn.execute(meta_table.insert().values(key="version", value="1"))


class Database:
    """Engines, connections and transactions of one database; thread-safe, one per process."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self._prepare_sqlite_file()
            self.write_engine = self._sqlite_engine(immediate=True)
            self.read_engine = self._sqlite_engine(immediate=False)
        else:
            self.write_engine = sa.create_engine(self.url, pool_pre_ping=True)
            self.read_engine = self.write_engine
        self._schema_lock = threading.Lock()
        # Called with no argument by every write of this store, inside its transaction (so
        # the new version may not be readable yet); the app wakes its cache warmer with it.
        self.write_listeners: list[Callable[[], None]] = []

    # -- connections -------------------------------------------------------------------

    def _prepare_sqlite_file(self) -> None:
        path = self.url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    def _sqlite_engine(self, immediate: bool, foreign_keys: bool = True) -> Engine:
        engine = sa.create_engine(
            self.url, connect_args={"timeout": 30, "check_same_thread": False}
        )

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised via every query
            # Let SQLAlchemy's "begin" event issue BEGIN itself instead of pysqlite.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - exercised via every query
            # IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
            # instead of failing with "database is locked" when upgrading a read lock.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any exception."""
        with self.write_engine.begin() as conn:
            yield conn

    @contextmanager
    def migration_connection(self) -> Iterator[Connection]:
        """A write transaction for schema migrations, committed on success.

        On SQLite it comes from a separate engine with foreign keys off (SQLite's own recipe
        for recreating tables, which batch migrations do); before commit every foreign key is
        checked, and a violation rolls the whole migration back.
        """
        if not self.is_sqlite:
            with self.write_engine.begin() as conn:
                yield conn
            return
        engine = self._sqlite_engine(immediate=True, foreign_keys=False)
        try:
            with engine.begin() as conn:
                yield conn
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise sa.exc.IntegrityError(
                        "PRAGMA foreign_key_check", None, Exception(f"violations: {broken[:5]}")
                    )
        finally:
            engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection (never blocks writers under WAL)."""
        with self.read_engine.connect() as conn:
            yield conn

    @contextmanager
    def setup_lock(self) -> Iterator[None]:
        """Held while a process creates the schema and loads the sample: one at a time.

        PostgreSQL: a session advisory lock on a connection of its own, so every process (on
        any machine) using the database waits for the first one's set-up, then finds it done.
        SQLite (one process in production): a lock shared by the stores of this process.
        """
        if self.write_engine.dialect.name != "postgresql":
            with _LOCAL_SETUP_LOCK:
                yield
            return
        with self.write_engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _SETUP_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _SETUP_LOCK_KEY})
                conn.commit()

    def dispose(self) -> None:
        """Close pooled connections (tests, forks)."""
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()

    # -- schema and version --------------------------------------------------------------

    def create_schema(self) -> None:
        """Upgrade the schema to the newest migration and add the version counter (idempotent).

        An empty database gets every migration; one made before migrations existed is
        recognised and upgraded in place (see :mod:`catalogue.migrations`).
        """
        from catalogue import migrations

        with self._schema_lock:
            with self.migration_connection() as conn:
                migrations.upgrade(conn, metadata)
            # With the counter row in place, concurrent first writes on PostgreSQL all UPDATE
            # it; otherwise two could find no row and both INSERT one (duplicate key).
            with self.write() as conn:
                present = conn.execute(
                    sa.select(meta_table.c.key).where(meta_table.c.key == "version")
                ).first()
                if present is None:
                    conn.execute(meta_table.insert().values(key="version", value="0"))

    def drop_schema(self) -> None:
        """Drop every table and the schema version (tests only)."""
        metadata.drop_all(self.write_engine)
        with self.write() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))

    def catalogue_version(self) -> int:
        """A counter bumped by every write; caches key on it to notice changes."""
        with self.read() as conn:
            value = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == "version")
            ).scalar()
        return int(value or 0)

    def _bump_version(self, conn: Connection) -> None:
        # A method (not only the function) so every write of the store goes through one
        # place; the crash tests replace it to fail a write at its very end.
        bump_version(conn)
        for listener in self.write_listeners:
            listener()

    # Append one audit entry inside the caller's transaction (the stores call self.audit).
    audit = staticmethod(write_audit)

    def audit_frame(self, limit: int = 1000) -> pd.DataFrame:
        """The newest audit entries first."""
        with self.read() as conn:
            rows = (
                conn.execute(sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(limit))
                .mappings()
                .all()
            )
        return pd.DataFrame(rows, columns=[c.name for c in audit_table.columns])
