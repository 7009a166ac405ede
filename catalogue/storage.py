"""The one module that owns database connections.

Embedded default: a SQLite file (``CATALOGUE_DB``, default ``data/catalogue.sqlite``) in WAL
mode, where every write is a ``BEGIN IMMEDIATE`` transaction on a dedicated write engine and
reads go through a separate engine that never takes the write lock. ``DATABASE_URL`` (any
SQLAlchemy URL, e.g. ``postgresql+psycopg://…``) runs the same code on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from catalogue.columns import LINK_FIELDS
from catalogue.lifecycle import (
    Action,
    PhotoReview,
    RevisionState,
    Role,
    Subject,
    import_action,
    step,
)
from catalogue.model import (
    ACCESS_FACTS,
    Partner,
    Product,
    months_from_mask,
    months_to_mask,
)
from catalogue.taxonomy import Status, check_licence, wheelchair_level

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = REPO_ROOT / "data" / "catalogue.sqlite"

metadata = sa.MetaData()

partners_table = sa.Table(
    "partners",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("sector", sa.String(32), nullable=False),
    sa.Column("legal_form", sa.Text, nullable=False, default=""),
    sa.Column("gmina_teryt", sa.String(7), nullable=False, default=""),
    sa.Column("website", sa.Text, nullable=False, default=""),
    sa.Column("member", sa.Boolean, nullable=False, default=False),
    sa.Column("description_pl", sa.Text, nullable=False, default=""),
    sa.Column("description_en", sa.Text, nullable=False, default=""),
    sa.Column("description_uk", sa.Text, nullable=False, default=""),
    sa.Column("logo_path", sa.Text, nullable=False, default=""),
    sa.Column("source", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    # Legal identity (migration 0100): numbers as digits, "" = not stated.
    sa.Column("nip", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("regon", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("krs", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("legal_form_code", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("se_decision_number", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("owes", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("social_enterprise", sa.Boolean, nullable=True),
    sa.Column("se_decision_date", sa.Date, nullable=True),
    # Public contact of the organisation (migration 0101).
    sa.Column("email", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("phone", sa.Text, nullable=False, default="", server_default=""),
)

products_table = sa.Table(
    "products",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name_pl", sa.Text, nullable=False),
    sa.Column("name_en", sa.Text, nullable=False, default=""),
    sa.Column("name_uk", sa.Text, nullable=False, default=""),
    sa.Column("description_pl", sa.Text, nullable=False, default=""),
    sa.Column("description_en", sa.Text, nullable=False, default=""),
    sa.Column("description_uk", sa.Text, nullable=False, default=""),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("tags", sa.Text, nullable=False, default=""),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("district_teryt", sa.String(4), nullable=False, default=""),
    sa.Column("gmina_teryt", sa.String(7), nullable=False, default=""),
    sa.Column("address", sa.Text, nullable=False, default=""),
    sa.Column(
        "partner_id",
        sa.String(64),
        sa.ForeignKey("partners.id", name="fk_products_partner_id_partners"),
        nullable=True,
    ),
    sa.Column("website", sa.Text, nullable=False, default=""),
    sa.Column("email", sa.Text, nullable=False, default=""),
    sa.Column("phone", sa.Text, nullable=False, default=""),
    sa.Column("price", sa.Text, nullable=False, default=""),
    sa.Column("free", sa.Boolean, nullable=True),
    sa.Column("months_mask", sa.Integer, nullable=False, default=0),
    sa.Column("event_start", sa.Date, nullable=True),
    sa.Column("event_end", sa.Date, nullable=True),
    # taxonomy.WHEELCHAIR_LEVELS or "" (migration 0101; a yes/no flag before).
    sa.Column("wheelchair", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("family", sa.Boolean, nullable=True),
    sa.Column("pets", sa.Boolean, nullable=True),
    sa.Column("languages", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("source_note", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    sa.Column("submitted_by", sa.Text, nullable=False, default=""),
    sa.Column("decided_by", sa.Text, nullable=False, default=""),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decision_note", sa.Text, nullable=False, default=""),
    # sha256 of the partner's private edit token; the token itself is never stored.
    sa.Column("edit_token_hash", sa.String(64), nullable=True, unique=True),
    # OpenStreetMap opening_hours rule (migration 0100), "" = not stated.
    sa.Column("opening_hours", sa.Text, nullable=False, default="", server_default=""),
    *(sa.Column(name, sa.Boolean, nullable=True) for name in ACCESS_FACTS),
    sa.Column("badges", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("event_rrule", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("event_time", sa.Text, nullable=False, default="", server_default=""),
    # Credit of the descriptions (migration 0101): author and taxonomy.LICENCES key.
    sa.Column("text_author", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("text_licence", sa.Text, nullable=False, default="", server_default=""),
    # The registry's link columns (facebook, instagram…; migration 0102 and later).
    *(
        sa.Column(name, sa.Text, nullable=False, default="", server_default="")
        for name in LINK_FIELDS
    ),
    sa.Index("ix_products_status", "status"),
)

revisions_table = sa.Table(
    "revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "product_id",
        sa.String(64),
        sa.ForeignKey("products.id", name="fk_revisions_product_id_products"),
        nullable=False,
        index=True,
    ),
    sa.Column("kind", sa.String(8), nullable=False),  # new | edit
    sa.Column("data", sa.Text, nullable=False),  # JSON of Product.content_dict()
    sa.Column("state", sa.String(16), nullable=False),  # lifecycle.RevisionState
    sa.Column("submitted_by", sa.Text, nullable=False, default=""),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
    sa.Column("decided_by", sa.Text, nullable=False, default=""),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("reason", sa.Text, nullable=False, default=""),
)

audit_table = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("object_type", sa.String(16), nullable=False),
    sa.Column("object_id", sa.String(64), nullable=False),
    sa.Column("before", sa.Text, nullable=True),
    sa.Column("after", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
)

photos_table = sa.Table(
    "photos",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "product_id",
        sa.String(64),
        sa.ForeignKey("products.id", name="fk_photos_product_id_products"),
        nullable=False,
        index=True,
    ),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("thumb_path", sa.Text, nullable=False),
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("height", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    # lifecycle.PhotoReview: only approved photos are public.
    sa.Column("review", sa.String(16), nullable=False, server_default=PhotoReview.PENDING.value),
    # Credit shown under the photo (migration 0101): author and taxonomy.LICENCES key.
    sa.Column("author", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("licence", sa.Text, nullable=False, default="", server_default=""),
)

staff_table = sa.Table(
    "staff",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False, default="moderator"),
    sa.Column("failed_attempts", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True)),
)

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

_BOOL_FIELDS = ("free", "family", "pets", *ACCESS_FACTS)
_PARTNER_IDENTITY = ("nip", "regon", "krs")
MAX_PHOTOS_PER_PRODUCT = 5
SUBMIT_ATTEMPTS = 5


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


def hash_token(token: str) -> str:
    """sha256 hex digest of a partner edit token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenError(LookupError):
    """An edit token that matches no offering."""


# The key of the PostgreSQL advisory lock held during schema set-up (any fixed 64-bit number
# that no other application on the same database uses: "rkesi" in ASCII).
_SETUP_LOCK_KEY = 0x726B657369
_LOCAL_SETUP_LOCK = threading.Lock()


class CatalogueStore:
    """Catalogue persistence. One instance per process is enough; it is thread-safe."""

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
        updated = conn.execute(
            meta_table.update()
            .where(meta_table.c.key == "version")
            .values(value=sa.cast(sa.cast(meta_table.c.value, sa.Integer) + 1, sa.Text))
        )
        if updated.rowcount == 0:
            conn.execute(meta_table.insert().values(key="version", value="1"))

    def audit(
        self,
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
        conn.execute(
            audit_table.insert().values(
                at=now_utc(),
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                before=_to_json(before),
                after=_to_json(after),
                note=note,
            )
        )

    # -- partners ------------------------------------------------------------------------

    def save_partners(self, partners: Iterable[Partner], actor: str) -> int:
        """Insert or update partners by id in one transaction; returns how many."""
        count = 0
        with self.write() as conn:
            for partner in partners:
                self._upsert_partner(conn, partner, actor)
                count += 1
            self._bump_version(conn)
        return count

    def _upsert_partner(self, conn: Connection, partner: Partner, actor: str) -> None:
        values = asdict(partner)
        existing = (
            conn.execute(sa.select(partners_table).where(partners_table.c.id == partner.id))
            .mappings()
            .first()
        )
        now = now_utc()
        if existing is None:
            conn.execute(partners_table.insert().values(**values, created_at=now, updated_at=now))
            self.audit(conn, actor, "create", "partner", partner.id, after=values)
        else:
            before = {k: existing[k] for k in values}
            if before != values:
                conn.execute(
                    partners_table.update()
                    .where(partners_table.c.id == partner.id)
                    .values(**values, updated_at=now)
                )
                self.audit(conn, actor, "update", "partner", partner.id, before, values)

    def get_partner(self, partner_id: str) -> Partner | None:
        """The partner with ``partner_id`` or None."""
        with self.read() as conn:
            row = (
                conn.execute(sa.select(partners_table).where(partners_table.c.id == partner_id))
                .mappings()
                .first()
            )
        return _row_to_partner(row) if row else None

    def partners_frame(self) -> pd.DataFrame:
        """All partners as a DataFrame, with ``published_count`` of their published products."""
        published = (
            sa.select(
                products_table.c.partner_id,
                sa.func.count().label("published_count"),
            )
            .where(products_table.c.status == Status.PUBLISHED.value)
            .group_by(products_table.c.partner_id)
            .subquery()
        )
        query = (
            sa.select(
                partners_table,
                sa.func.coalesce(published.c.published_count, 0).label("published_count"),
            )
            .select_from(
                partners_table.outerjoin(published, published.c.partner_id == partners_table.c.id)
            )
            .order_by(partners_table.c.name)
        )
        with self.read() as conn:
            frame = pd.DataFrame(conn.execute(query).mappings().all())
        if frame.empty:
            frame = pd.DataFrame(
                columns=[c.name for c in partners_table.columns] + ["published_count"]
            )
        return frame

    # -- products ------------------------------------------------------------------------

    def save_products(
        self,
        products: Iterable[Product],
        actor: str,
        partners: Iterable[Partner] = (),
        action: str = "import",
    ) -> int:
        """Insert or update products (and their partners) by id, all in one transaction.

        A product with status ``pending`` goes to the moderation queue as a revision instead
        (a published product stays live until its edit is approved).
        """
        products = list(products)
        # Rows are prepared before the transaction; inside it, live rows go in a few
        # executemany statements, so a 20,000-row import holds the write lock for about a
        # second instead of one round trip per row (pending ones keep the revision path).
        live = [(p, _product_to_row(p)) for p in products if p.status != Status.PENDING.value]
        with self.write() as conn:
            for partner in partners:
                self._upsert_partner(conn, partner, actor)
            self._upsert_live_products(conn, live, actor, action)
            for product in products:
                if product.status == Status.PENDING.value:
                    self._upsert_product(conn, product, actor, action)
            self._bump_version(conn)
        return len(products)

    def _upsert_live_products(
        self, conn: Connection, products: list[tuple[Product, dict]], actor: str, action: str
    ) -> None:
        """Insert or update non-pending ``(product, row values)`` with one audit entry each,
        in batches of executemany."""
        if not products:
            return
        now = now_utc()
        ids = [p.id for p, _values in products]
        existing: dict[str, dict] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = conn.execute(
                sa.select(products_table).where(products_table.c.id.in_(chunk))
            ).mappings()
            existing.update({row["id"]: dict(row) for row in rows})
        inserts, updates, audits = [], [], []
        for product, prepared in products:
            before = existing.get(product.id)
            # The lifecycle table decides (and raises before anything is written, so the
            # whole import rolls back); an archived import withdraws queued edits.
            move = import_action(product.status)
            source = before["status"] if before is not None else None
            status = step(Subject.OFFERING, source, move, Role.IMPORT, product.id)
            if move == Action.IMPORT_ARCHIVED and before is not None:
                self._withdraw_pending(conn, product.id, now, actor, move, Role.IMPORT)
            values = {**prepared, "status": status, "updated_at": now}
            if before is None:
                values["created_at"] = product.created_at or now
                inserts.append(values)
            else:
                values["created_at"] = before["created_at"]
                updates.append({**values, "_match_id": product.id})
            audits.append(
                {
                    "at": now,
                    "actor": actor,
                    "action": action,
                    "object_type": "product",
                    "object_id": product.id,
                    "before": _to_json(_jsonable(before)) if before is not None else None,
                    "after": _to_json(_jsonable(values)),
                    "note": "",
                }
            )
        if inserts:
            conn.execute(products_table.insert(), inserts)
        if updates:
            conn.execute(
                products_table.update().where(products_table.c.id == sa.bindparam("_match_id")),
                updates,
            )
        conn.execute(audit_table.insert(), audits)

    def _upsert_product(self, conn: Connection, product: Product, actor: str, action: str) -> None:
        now = now_utc()
        existing = (
            conn.execute(sa.select(products_table).where(products_table.c.id == product.id))
            .mappings()
            .first()
        )
        source = existing["status"] if existing is not None else None
        move = import_action(product.status)
        product.status = step(Subject.OFFERING, source, move, Role.IMPORT, product.id)
        if move == Action.IMPORT_PENDING:
            self._hold_for_review(conn, product, existing, actor, action)
            return
        if move == Action.IMPORT_ARCHIVED and existing is not None:
            self._withdraw_pending(conn, product.id, now, actor, move, Role.IMPORT)
        values = _product_to_row(product)
        values["updated_at"] = now
        if existing is None:
            values["created_at"] = product.created_at or now
            conn.execute(products_table.insert().values(**values))
            self.audit(conn, actor, action, "product", product.id, after=_jsonable(values))
        else:
            values["created_at"] = existing["created_at"]
            conn.execute(
                products_table.update().where(products_table.c.id == product.id).values(**values)
            )
            self.audit(
                conn,
                actor,
                action,
                "product",
                product.id,
                before=_jsonable(dict(existing)),
                after=_jsonable(values),
            )

    def _hold_for_review(
        self, conn: Connection, product: Product, existing, actor: str, action: str
    ) -> None:
        """Store a ``pending`` product as a moderation revision, like a partner submission.

        A published product keeps its live row until the edit is approved; a new or
        unpublished one is written as ``pending``. Older pending revisions are superseded.
        """
        now = now_utc()
        product.submitted_by = product.submitted_by or actor
        if existing is not None:
            self._withdraw_pending(conn, product.id, now, actor, Action.IMPORT_PENDING, Role.IMPORT)
        published = existing is not None and existing["status"] == Status.PUBLISHED.value
        if not published:
            values = _product_to_row(product)
            values.update(updated_at=now, decided_by="", decided_at=None, decision_note="")
            if existing is None:
                values["created_at"] = product.created_at or now
                conn.execute(products_table.insert().values(**values))
            else:
                values["created_at"] = existing["created_at"]
                conn.execute(
                    products_table.update()
                    .where(products_table.c.id == product.id)
                    .values(**values)
                )
        conn.execute(
            revisions_table.insert().values(
                product_id=product.id,
                kind="edit" if published else "new",
                data=_to_json(product.content_dict()),
                state=RevisionState.PENDING.value,
                submitted_by=product.submitted_by,
                submitted_at=now,
            )
        )
        self.audit(
            conn,
            actor,
            action,
            "product",
            product.id,
            before=_jsonable(dict(existing)) if existing is not None else None,
            after=product.content_dict() | {"status": Status.PENDING.value},
            note="held for review",
        )

    def get_product(self, product_id: str) -> Product | None:
        """The product with ``product_id`` (any status) or None."""
        with self.read() as conn:
            row = (
                conn.execute(sa.select(products_table).where(products_table.c.id == product_id))
                .mappings()
                .first()
            )
        return row_to_product(row) if row else None

    def count_products(self, status: str | None = None) -> int:
        """Number of products, optionally only those with ``status``."""
        query = sa.select(sa.func.count()).select_from(products_table)
        if status is not None:
            query = query.where(products_table.c.status == Status(status).value)
        with self.read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def products_frame(self, statuses: Iterable[str] = (Status.PUBLISHED,)) -> pd.DataFrame:
        """Products with the given statuses joined with their partner's name and sector.

        Columns are the ``products`` table's (minus the token hash) plus ``partner_name``,
        ``partner_sector`` and ``partner_member``; ``tags`` and ``languages`` stay
        ``;``-joined text, months stay a 12-bit ``months_mask``.
        """
        wanted = [Status(s).value for s in statuses]
        cols = [c for c in products_table.columns if c.name != "edit_token_hash"]
        query = (
            sa.select(
                *cols,
                partners_table.c.name.label("partner_name"),
                partners_table.c.sector.label("partner_sector"),
                partners_table.c.member.label("partner_member"),
                *(partners_table.c[name].label(f"partner_{name}") for name in _PARTNER_IDENTITY),
                partners_table.c.legal_form_code.label("partner_legal_form"),
            )
            .select_from(
                products_table.outerjoin(
                    partners_table, partners_table.c.id == products_table.c.partner_id
                )
            )
            .where(products_table.c.status.in_(wanted))
            .order_by(products_table.c.id)
        )
        with self.read() as conn:
            rows = conn.execute(query).mappings().all()
        columns = [c.name for c in cols] + ["partner_name", "partner_sector", "partner_member"]
        columns += [f"partner_{name}" for name in _PARTNER_IDENTITY] + ["partner_legal_form"]
        frame = pd.DataFrame(rows, columns=columns)
        for col in ("partner_name", "partner_sector", *columns[-4:]):
            frame[col] = frame[col].fillna("")
        return frame

    # -- partner submissions and moderation ---------------------------------------------

    def submit_new(
        self, product: Product, submitted_by: str, partners: Iterable[Partner] = ()
    ) -> str:
        """Store a partner's new offering as ``pending``; returns its private edit token.

        The token is shown to the partner once; only its hash is stored. ``partners`` (a new
        organisation typed in the form) are saved in the same transaction. If another
        submission took the product's id meanwhile, a numeric suffix makes it unique and
        ``product.id`` is updated.
        """
        token = secrets.token_urlsafe(24)
        product.status = step(Subject.OFFERING, None, Action.SUBMIT, Role.PARTNER)
        product.submitted_by = submitted_by
        partners = list(partners)
        wanted = product.id
        for attempt in range(SUBMIT_ATTEMPTS):
            product.id = wanted
            try:
                self._insert_submission(product, submitted_by, partners, token)
                return token
            except sa.exc.IntegrityError:
                # PostgreSQL under READ COMMITTED: a concurrent submission inserted the same
                # id after our check; the transaction rolled back, so try the next free id.
                if attempt == SUBMIT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _insert_submission(
        self, product: Product, submitted_by: str, partners: list[Partner], token: str
    ) -> None:
        now = now_utc()
        with self.write() as conn:
            for partner in partners:
                self._upsert_partner(conn, partner, submitted_by)
            product.id = self._free_product_id(conn, product.id)
            values = _product_to_row(product)
            values.update(created_at=now, updated_at=now, edit_token_hash=hash_token(token))
            conn.execute(products_table.insert().values(**values))
            conn.execute(
                revisions_table.insert().values(
                    product_id=product.id,
                    kind="new",
                    data=_to_json(product.content_dict()),
                    state=RevisionState.PENDING.value,
                    submitted_by=submitted_by,
                    submitted_at=now,
                )
            )
            self.audit(
                conn, submitted_by, "submit", "product", product.id, after=product.content_dict()
            )
            self._bump_version(conn)

    def _free_product_id(self, conn: Connection, wanted: str) -> str:
        # Inside the write transaction (BEGIN IMMEDIATE on SQLite), so no one else can take
        # the id between this check and the insert.
        taken = set(
            conn.execute(
                sa.select(products_table.c.id).where(
                    sa.or_(products_table.c.id == wanted, products_table.c.id.like(f"{wanted}-%"))
                )
            ).scalars()
        )
        candidate, n = wanted, 2
        while candidate in taken:
            suffix = f"-{n}"
            candidate, n = wanted[: 64 - len(suffix)] + suffix, n + 1
        return candidate

    def product_for_token(self, token: str) -> Product | None:
        """The offering a partner's edit token opens, or None for a wrong token."""
        if not token or len(token) > 200:
            return None
        with self.read() as conn:
            try:
                return row_to_product(self._row_for_token(conn, token))
            except TokenError:
                return None

    def pending_revision(self, product_id: str) -> dict | None:
        """The pending revision of a product (id, kind, data, submitted_at…) or None."""
        return self._newest_revision(product_id, pending_only=True)

    def last_revision(self, product_id: str) -> dict | None:
        """The newest revision of a product, whatever its state."""
        return self._newest_revision(product_id, pending_only=False)

    def _newest_revision(self, product_id: str, pending_only: bool) -> dict | None:
        query = sa.select(revisions_table).where(revisions_table.c.product_id == product_id)
        if pending_only:
            query = query.where(revisions_table.c.state == RevisionState.PENDING.value)
        with self.read() as conn:
            row = conn.execute(query.order_by(revisions_table.c.id.desc())).mappings().first()
        return _revision_dict(row) if row else None

    def submit_edit(self, token: str, product: Product) -> int:
        """Hold a partner's edit for review; the published version stays live meanwhile.

        Returns the revision id. A pending (never published) offering is updated in place and
        stays pending. Raises :class:`TokenError` for a wrong token.
        """
        now = now_utc()
        with self.write() as conn:
            row = self._row_for_token(conn, token)
            current = row_to_product(row)
            product.id = current.id
            target = step(
                Subject.OFFERING, current.status, Action.SUBMIT_EDIT, Role.PARTNER, current.id
            )
            self._withdraw_pending(
                conn, current.id, now, current.submitted_by, Action.SUBMIT_EDIT, Role.PARTNER
            )
            kind = "edit" if current.status == Status.PUBLISHED.value else "new"
            if target == Status.PENDING.value:
                values = _product_to_row(product)
                values.update(
                    status=target,
                    updated_at=now,
                    submitted_by=current.submitted_by,
                    created_at=row["created_at"],
                    decision_note="",
                )
                conn.execute(
                    products_table.update()
                    .where(products_table.c.id == current.id)
                    .values(**values)
                )
            result = conn.execute(
                revisions_table.insert().values(
                    product_id=current.id,
                    kind=kind,
                    data=_to_json(product.content_dict()),
                    state=RevisionState.PENDING.value,
                    submitted_by=current.submitted_by,
                    submitted_at=now,
                )
            )
            self.audit(
                conn,
                current.submitted_by or "partner",
                "submit_edit",
                "product",
                current.id,
                before=current.content_dict(),
                after=product.content_dict(),
            )
            self._bump_version(conn)
            return int(result.inserted_primary_key[0])

    def _queue_photo_review(self, conn: Connection, product_id: str, now: datetime) -> None:
        """Queue a live offering for review (new photos) unless a revision already waits.

        The revision carries the published content unchanged, so approving it only makes the
        new photos public (see :meth:`photos_for`).
        """
        row = (
            conn.execute(sa.select(products_table).where(products_table.c.id == product_id))
            .mappings()
            .first()
        )
        if row is None or row["status"] != Status.PUBLISHED.value:
            return
        waiting = conn.execute(
            sa.select(revisions_table.c.id).where(
                revisions_table.c.product_id == product_id,
                revisions_table.c.state == RevisionState.PENDING.value,
            )
        ).first()
        if waiting is None:
            conn.execute(
                revisions_table.insert().values(
                    product_id=product_id,
                    kind="edit",
                    data=_to_json(row_to_product(row).content_dict()),
                    state=RevisionState.PENDING.value,
                    submitted_by=row["submitted_by"] or "partner",
                    submitted_at=now,
                )
            )

    def _row_for_token(self, conn: Connection, token: str):
        """The products row an edit token opens, inside the caller's transaction."""
        row = (
            conn.execute(
                sa.select(products_table).where(
                    products_table.c.edit_token_hash == hash_token(token)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise TokenError("no offering for this edit link")
        return row

    def reissue_tokens(
        self, product_ids: Iterable[str] = (), email: str = "", actor: str = "partner"
    ) -> list[tuple[Product, str]]:
        """New private edit tokens for the given offerings and/or every offering whose contact
        e-mail is ``email`` (case-insensitive); the old links stop working at once.

        Returns ``(product, new token)`` pairs (none for an unknown address); only the hashes
        are stored, each change with an audit entry. Used by lost-link recovery and the
        yearly "still correct?" mail.
        """
        ids = [str(i) for i in product_ids]
        email = email.strip().lower()
        if not ids and not email:
            return []
        wanted = []
        if ids:
            wanted.append(products_table.c.id.in_(ids))
        if email:
            wanted.append(sa.func.lower(sa.func.trim(products_table.c.email)) == email)
        out: list[tuple[Product, str]] = []
        with self.write() as conn:
            rows = (
                conn.execute(
                    sa.select(products_table).where(sa.or_(*wanted)).order_by(products_table.c.id)
                )
                .mappings()
                .all()
            )
            for row in rows:
                token = secrets.token_urlsafe(24)
                conn.execute(
                    products_table.update()
                    .where(products_table.c.id == row["id"])
                    .values(edit_token_hash=hash_token(token))
                )
                self.audit(conn, actor, "reissue_token", "product", row["id"])
                out.append((row_to_product(row), token))
        return out

    def _withdraw_pending(
        self,
        conn: Connection,
        product_id: str,
        now: datetime,
        by: str,
        action: Action,
        role: Role,
    ) -> list[int]:
        """Move a product's pending revisions on by ``action`` (withdrawn); their ids."""
        pending = RevisionState.PENDING.value
        target = step(Subject.REVISION, pending, action, role)
        ids = list(
            conn.execute(
                sa.select(revisions_table.c.id).where(
                    revisions_table.c.product_id == product_id, revisions_table.c.state == pending
                )
            ).scalars()
        )
        if ids:
            conn.execute(
                revisions_table.update()
                .where(revisions_table.c.id.in_(ids))
                .values(state=target, decided_at=now, decided_by=by)
            )
        return ids

    def withdraw(self, token: str) -> None:
        """The partner withdraws an offering: archived, pending revisions withdrawn."""
        now = now_utc()
        with self.write() as conn:
            row = self._row_for_token(conn, token)
            target = step(Subject.OFFERING, row["status"], Action.WITHDRAW, Role.PARTNER, row["id"])
            self._withdraw_pending(conn, row["id"], now, "partner", Action.WITHDRAW, Role.PARTNER)
            conn.execute(
                products_table.update()
                .where(products_table.c.id == row["id"])
                .values(status=target, updated_at=now, decision_note="withdrawn")
            )
            self.audit(conn, row["submitted_by"] or "partner", "withdraw", "product", row["id"])
            self._bump_version(conn)

    def moderation_queue(self) -> pd.DataFrame:
        """Pending revisions, oldest first, with the product's current status and name."""
        query = (
            sa.select(
                revisions_table.c.id.label("revision_id"),
                revisions_table.c.product_id,
                revisions_table.c.kind,
                revisions_table.c.submitted_by,
                revisions_table.c.submitted_at,
                products_table.c.status,
                products_table.c.name_pl,
                products_table.c.updated_at,
            )
            .select_from(
                revisions_table.join(
                    products_table, products_table.c.id == revisions_table.c.product_id
                )
            )
            .where(revisions_table.c.state == RevisionState.PENDING.value)
            .order_by(revisions_table.c.submitted_at, revisions_table.c.id)
        )
        with self.read() as conn:
            rows = conn.execute(query).mappings().all()
        return pd.DataFrame(
            rows,
            columns=[
                "revision_id",
                "product_id",
                "kind",
                "submitted_by",
                "submitted_at",
                "status",
                "name_pl",
                "updated_at",
            ],
        )

    def get_revision(self, revision_id: int) -> dict | None:
        """One revision as a dict with its ``data`` decoded, or None."""
        with self.read() as conn:
            row = (
                conn.execute(
                    sa.select(revisions_table).where(revisions_table.c.id == int(revision_id))
                )
                .mappings()
                .first()
            )
        return _revision_dict(row) if row else None

    def approve(self, revision_id: int, actor: str, edited: Product | None = None) -> Product:
        """Publish a pending revision (optionally as edited by staff); returns the product."""
        now = now_utc()
        with self.write() as conn:
            rev, row, status = self._decide(conn, revision_id, Action.APPROVE, actor, now)
            before = row_to_product(row)
            product = edited or product_from_content(json.loads(rev["data"]))
            product.id = before.id
            product.status = status
            product.submitted_by = before.submitted_by
            product.decided_by = actor
            product.decided_at = now
            product.decision_note = ""
            values = _product_to_row(product)
            values.update(created_at=row["created_at"], updated_at=now)
            conn.execute(
                products_table.update().where(products_table.c.id == before.id).values(**values)
            )
            self.audit(
                conn,
                actor,
                "approve",
                "product",
                before.id,
                before=before.content_dict() | {"status": before.status},
                after=product.content_dict() | {"status": product.status},
            )
            self._bump_version(conn)
        return product

    def reject(self, revision_id: int, actor: str, reason: str) -> None:
        """Reject a pending revision with a reason the partner sees on the edit link.

        A rejected new offering becomes ``rejected``; a rejected edit leaves the published
        version as it was.
        """
        if not reason.strip():
            raise ValueError("a rejection needs a reason for the partner")
        now = now_utc()
        with self.write() as conn:
            rev, _row, status = self._decide(conn, revision_id, Action.REJECT, actor, now, reason)
            values = {
                "status": status,
                "decided_by": actor,
                "decided_at": now,
                "decision_note": reason,
            }
            conn.execute(
                products_table.update()
                .where(products_table.c.id == rev["product_id"])
                .values(**values)
            )
            self.audit(conn, actor, "reject", "product", rev["product_id"], note=reason)
            self._bump_version(conn)

    def archive(self, product_id: str, actor: str, note: str = "") -> None:
        """Take a product off the public map (status ``archived``)."""
        now = now_utc()
        with self.write() as conn:
            row = conn.execute(
                sa.select(products_table.c.status)
                .where(products_table.c.id == product_id)
                .with_for_update()
            ).first()
            target = step(
                Subject.OFFERING, row[0] if row else None, Action.ARCHIVE, Role.STAFF, product_id
            )
            withdrawn = self._withdraw_pending(
                conn, product_id, now, actor, Action.ARCHIVE, Role.STAFF
            )
            if withdrawn:
                self.audit(
                    conn,
                    actor,
                    "withdraw_pending",
                    "product",
                    product_id,
                    after={"revisions": withdrawn},
                    note="archived: queued changes can no longer publish it",
                )
            conn.execute(
                products_table.update()
                .where(products_table.c.id == product_id)
                .values(status=target, decided_by=actor, decided_at=now, updated_at=now)
            )
            self.audit(
                conn,
                actor,
                "archive",
                "product",
                product_id,
                before={"status": row[0]},
                after={"status": target},
                note=note,
            )
            self._bump_version(conn)

    def _decide(
        self,
        conn: Connection,
        revision_id: int,
        action: Action,
        actor: str,
        now: datetime,
        reason: str = "",
    ):
        """Decide a revision and its offering's pending photos by ``action`` (staff).

        Checks the revision's, the offering's and the photos' transitions before writing;
        returns the revision row, the product row and the offering's new status.
        """
        rev = (
            conn.execute(sa.select(revisions_table).where(revisions_table.c.id == int(revision_id)))
            .mappings()
            .first()
        )
        if rev is None:
            raise LookupError(f"revision {revision_id} does not exist")
        # PostgreSQL: lock the offering, so a concurrent archive or photo upload either
        # commits before (and is seen below) or waits for this decision.
        row = (
            conn.execute(
                sa.select(products_table)
                .where(products_table.c.id == rev["product_id"])
                .with_for_update()
            )
            .mappings()
            .one()
        )
        rev = (
            conn.execute(sa.select(revisions_table).where(revisions_table.c.id == rev["id"]))
            .mappings()
            .one()
        )
        state = step(Subject.REVISION, rev["state"], action, Role.STAFF, str(revision_id))
        status = step(Subject.OFFERING, row["status"], action, Role.STAFF, row["id"])
        photo_state = step(Subject.PHOTO, PhotoReview.PENDING.value, action, Role.STAFF)
        conn.execute(
            revisions_table.update()
            .where(revisions_table.c.id == rev["id"])
            .values(state=state, decided_by=actor, decided_at=now, reason=reason)
        )
        conn.execute(
            photos_table.update()
            .where(
                photos_table.c.product_id == row["id"],
                photos_table.c.review == PhotoReview.PENDING.value,
            )
            .values(review=photo_state)
        )
        return rev, row, status

    def audit_frame(self, limit: int = 1000) -> pd.DataFrame:
        """The newest audit entries first."""
        with self.read() as conn:
            rows = (
                conn.execute(sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(limit))
                .mappings()
                .all()
            )
        return pd.DataFrame(rows, columns=[c.name for c in audit_table.columns])

    def confirm_current(self, product_id: str, actor: str, note: str = "") -> None:
        """Staff checked a published entry is still correct: its ``updated_at`` becomes now."""
        now = now_utc()
        with self.write() as conn:
            status = conn.execute(
                sa.select(products_table.c.status).where(products_table.c.id == product_id)
            ).scalar()
            step(Subject.OFFERING, status, Action.CONFIRM_CURRENT, Role.STAFF, product_id)
            conn.execute(
                products_table.update()
                .where(products_table.c.id == product_id)
                .values(updated_at=now)
            )
            self.audit(conn, actor, "confirm_current", "product", product_id, note=note)
            self._bump_version(conn)

    # -- photos --------------------------------------------------------------------------

    def add_photos(
        self,
        product_id: str,
        photos: Iterable,
        actor: str = "partner",
        role: Role = Role.PARTNER,
        *,
        author: str = "",
        licence: str = "",
    ) -> int:
        """Record stored photo files (``StoredPhoto`` or dicts) after the product's others.

        ``author`` and ``licence`` (a key of :data:`catalogue.taxonomy.LICENCE_BY_SLUG`) are
        the credit shown under each photo; a dict's own ``author``/``licence`` win.
        ``ValueError`` if the product would have more than :data:`MAX_PHOTOS_PER_PRODUCT` or
        for an unknown licence; ``KeyError`` for an unknown product. Returns how many were added.
        """
        photos = [p if isinstance(p, dict) else asdict(p) for p in photos]
        for photo in photos:
            photo.setdefault("author", author)
            photo.setdefault("licence", licence)
            check_licence(photo["licence"])
        now = now_utc()
        with self.write() as conn:
            status = conn.execute(
                sa.select(products_table.c.status)
                .where(products_table.c.id == product_id)
                .with_for_update()  # waits for a decision in progress (PostgreSQL)
            ).scalar()
            step(Subject.OFFERING, status, Action.ADD_PHOTOS, role, product_id)
            count, last = conn.execute(
                sa.select(sa.func.count(), sa.func.max(photos_table.c.position)).where(
                    photos_table.c.product_id == product_id
                )
            ).one()
            if count + len(photos) > MAX_PHOTOS_PER_PRODUCT:
                raise ValueError(
                    f"at most {MAX_PHOTOS_PER_PRODUCT} photos per product "
                    f"({count} stored, {len(photos)} added)"
                )
            position = -1 if last is None else int(last)
            self._queue_photo_review(conn, product_id, now)
            for photo in photos:
                position += 1
                conn.execute(
                    photos_table.insert().values(
                        id=photo["id"],
                        product_id=product_id,
                        position=position,
                        path=photo["path"],
                        thumb_path=photo["thumb_path"],
                        width=int(photo["width"]),
                        height=int(photo["height"]),
                        created_at=now,
                        review=PhotoReview.PENDING.value,
                        author=str(photo["author"])[:200],
                        licence=photo["licence"],
                    )
                )
            if photos:
                self.audit(
                    conn,
                    actor,
                    "add_photos",
                    "product",
                    product_id,
                    after={"photos": [p["id"] for p in photos]},
                )
                self._bump_version(conn)
        return len(photos)

    def photos_for(self, product_id: str, reviewed_only: bool = False) -> list[dict]:
        """Photo rows of a product (id, path, thumb_path, width, height…) in order.

        ``reviewed_only`` keeps the photos staff approved (``review`` is ``approved``, set when
        the revision they came with is approved; a rejected one stays private). Public pages
        use it, so a photo a partner adds to a live offering waits for review like any edit.
        """
        query = (
            sa.select(photos_table)
            .where(photos_table.c.product_id == product_id)
            .order_by(photos_table.c.position, photos_table.c.id)
        )
        if reviewed_only:
            query = query.where(photos_table.c.review == PhotoReview.APPROVED.value)
        with self.read() as conn:
            rows = conn.execute(query).mappings().all()
        return [dict(r) for r in rows]

    def published_photos(self) -> dict[str, list[dict]]:
        """Reviewed photo rows of every published product, by product id, in order.

        One query with the same rule (``review`` approved) as ``photos_for(..., reviewed_only=True)``; the static
        publisher uses it instead of one query per product.
        """
        query = (
            sa.select(photos_table)
            .join(products_table, products_table.c.id == photos_table.c.product_id)
            .where(
                products_table.c.status == Status.PUBLISHED.value,
                photos_table.c.review == PhotoReview.APPROVED.value,
            )
            .order_by(photos_table.c.product_id, photos_table.c.position, photos_table.c.id)
        )
        out: dict[str, list[dict]] = {}
        with self.read() as conn:
            for row in conn.execute(query).mappings():
                out.setdefault(row["product_id"], []).append(dict(row))
        return out

    def remove_photo(
        self, product_id: str, photo_id: str, actor: str, role: Role = Role.PARTNER
    ) -> dict | None:
        """Delete one photo row of ``product_id``; returns it (to delete its files) or None."""
        with self.write() as conn:
            row = (
                conn.execute(
                    sa.select(photos_table).where(
                        photos_table.c.id == photo_id, photos_table.c.product_id == product_id
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            status = conn.execute(
                sa.select(products_table.c.status).where(products_table.c.id == product_id)
            ).scalar()
            step(Subject.OFFERING, status, Action.REMOVE_PHOTO, role, product_id)
            conn.execute(photos_table.delete().where(photos_table.c.id == photo_id))
            self.audit(
                conn, actor, "remove_photo", "product", product_id, before={"photo": photo_id}
            )
            self._bump_version(conn)
        return dict(row)

    # -- partner registry ----------------------------------------------------------------

    def merge_partners(self, source_id: str, target_id: str, actor: str) -> list[str]:
        """Move every product (and pending revision) of ``source_id`` to ``target_id`` and
        delete ``source_id``, in one transaction with an audit entry; returns the moved ids.
        """
        if source_id == target_id:
            raise ValueError("a partner cannot be merged into itself")
        with self.write() as conn:
            found = {
                row.id: dict(row._mapping)
                for row in conn.execute(
                    sa.select(partners_table).where(partners_table.c.id.in_([source_id, target_id]))
                )
            }
            for pid in (source_id, target_id):
                if pid not in found:
                    raise KeyError(pid)
            moved = list(
                conn.execute(
                    sa.select(products_table.c.id).where(products_table.c.partner_id == source_id)
                ).scalars()
            )
            conn.execute(
                products_table.update()
                .where(products_table.c.partner_id == source_id)
                .values(partner_id=target_id)
            )
            # A pending revision approved later would otherwise bring the old partner back.
            for rev_id, data in conn.execute(
                sa.select(revisions_table.c.id, revisions_table.c.data).where(
                    revisions_table.c.state == RevisionState.PENDING.value
                )
            ).all():
                content = json.loads(data)
                if content.get("partner_id") == source_id:
                    content["partner_id"] = target_id
                    conn.execute(
                        revisions_table.update()
                        .where(revisions_table.c.id == rev_id)
                        .values(data=_to_json(content))
                    )
            conn.execute(partners_table.delete().where(partners_table.c.id == source_id))
            self.audit(
                conn,
                actor,
                "merge",
                "partner",
                source_id,
                before=found[source_id],
                after={"merged_into": target_id, "products": moved},
            )
            self._bump_version(conn)
        return moved

    # -- staff accounts ------------------------------------------------------------------

    def get_staff(self, username: str) -> dict | None:
        """A staff account row as a dict, or None."""
        with self.read() as conn:
            row = (
                conn.execute(sa.select(staff_table).where(staff_table.c.username == username))
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def save_staff(self, username: str, password_hash: str, role: str) -> None:
        """Create or replace a staff account."""
        with self.write() as conn:
            conn.execute(staff_table.delete().where(staff_table.c.username == username))
            conn.execute(
                staff_table.insert().values(
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    failed_attempts=0,
                    created_at=now_utc(),
                )
            )
            self.audit(conn, "cli", "staff_add", "staff", username)

    def staff_frame(self) -> pd.DataFrame:
        """Staff accounts without their password hashes."""
        cols = [c for c in staff_table.columns if c.name != "password_hash"]
        with self.read() as conn:
            rows = conn.execute(sa.select(*cols).order_by(staff_table.c.username)).mappings().all()
        return pd.DataFrame(rows, columns=[c.name for c in cols])

    def remove_staff(self, username: str, actor: str) -> bool:
        """Delete a staff account; True if there was one."""
        with self.write() as conn:
            deleted = conn.execute(staff_table.delete().where(staff_table.c.username == username))
            if deleted.rowcount:
                self.audit(conn, actor, "staff_remove", "staff", username)
            return bool(deleted.rowcount)

    def record_failed_login(
        self, username: str, max_failures: int, lock_seconds: int
    ) -> datetime | None:
        """Count one failed login in one transaction; returns the lock's end if now locked.

        A lock that has run out starts the count again, so one typo after a lock does not
        lock the account for another period.
        """
        now = now_utc()
        with self.write() as conn:
            row = conn.execute(
                sa.select(staff_table.c.failed_attempts, staff_table.c.locked_until).where(
                    staff_table.c.username == username
                )
            ).first()
            if row is None:
                return None
            failures, locked_until = int(row[0] or 0), _aware(row[1])
            if locked_until is not None and locked_until <= now:
                failures, locked_until = 0, None
            failures += 1
            if failures >= max_failures and locked_until is None:
                locked_until = now + timedelta(seconds=lock_seconds)
            conn.execute(
                staff_table.update()
                .where(staff_table.c.username == username)
                .values(failed_attempts=failures, locked_until=locked_until)
            )
            return locked_until

    def record_login(self, username: str, ok: bool, locked_until: datetime | None) -> None:
        """Reset or count failed login attempts."""
        with self.write() as conn:
            if ok:
                values = {"failed_attempts": 0, "locked_until": None}
            else:
                values = {
                    "failed_attempts": staff_table.c.failed_attempts + 1,
                    "locked_until": locked_until,
                }
            conn.execute(
                staff_table.update().where(staff_table.c.username == username).values(**values)
            )


# -- row conversion -------------------------------------------------------------------------


def _product_to_row(product: Product) -> dict:
    values = {k: v for k, v in asdict(product).items() if k in products_table.c}
    values["tags"] = ";".join(product.tags)
    values["languages"] = ";".join(product.languages)
    values["badges"] = ";".join(product.badges)
    values["months_mask"] = months_to_mask(product.months)
    values["partner_id"] = product.partner_id or None
    return values


def row_to_product(row) -> Product:
    """Build a :class:`Product` from a ``products`` row mapping (or a DataFrame row)."""
    data = dict(row)
    kwargs = {
        k: data[k]
        for k in data
        if k in Product.__dataclass_fields__ and k not in ("tags", "languages", "months", "badges")
    }
    kwargs["badges"] = _split(data.get("badges"))
    kwargs["tags"] = _split(data.get("tags"))
    kwargs["languages"] = _split(data.get("languages"))
    kwargs["months"] = months_from_mask(_int_or_none(data.get("months_mask")))
    kwargs["partner_id"] = data.get("partner_id") or ""
    for key in _BOOL_FIELDS:
        kwargs[key] = _bool_or_none(data.get(key))
    wheelchair = data.get("wheelchair")
    kwargs["wheelchair"] = "" if _is_missing(wheelchair) else wheelchair_level(wheelchair)
    for key in ("event_start", "event_end"):
        kwargs[key] = _date_or_none(data.get(key))
    for key, value in list(kwargs.items()):
        if (
            key not in _BOOL_FIELDS
            and key not in ("event_start", "event_end")
            and _is_missing(value)
        ):
            kwargs[key] = None if key.endswith("_at") else ""
    return Product(**kwargs)


def product_from_content(data: dict) -> Product:
    """Rebuild a :class:`Product` from :meth:`Product.content_dict` decoded from JSON."""
    data = dict(data)
    for key in ("event_start", "event_end"):
        data[key] = _date_or_none(data.get(key))
    # Revisions written before migration 0101 hold a yes/no flag.
    data["wheelchair"] = wheelchair_level(data.get("wheelchair"))
    return Product(**{k: v for k, v in data.items() if k in Product.__dataclass_fields__})


def _row_to_partner(row) -> Partner:
    return Partner(**{k: row[k] for k in Partner.__dataclass_fields__})


def _revision_dict(row) -> dict:
    rev = dict(row)
    rev["data"] = json.loads(rev["data"])
    return rev


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns; they are UTC."""
    if value is None or _is_missing(value):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _split(value) -> list[str]:
    if _is_missing(value) or not value:
        return []
    return [part for part in str(value).split(";") if part]


def _is_missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _int_or_none(value) -> int | None:
    return None if _is_missing(value) else int(value)


def _bool_or_none(value) -> bool | None:
    return None if _is_missing(value) else bool(value)


def _date_or_none(value) -> date | None:
    if _is_missing(value) or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _jsonable(values: dict) -> dict:
    return {k: v for k, v in values.items() if k != "edit_token_hash"}


def _to_json(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
