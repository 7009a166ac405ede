"""Foreign keys where rows refer to rows: products → partners, revisions and photos → products.

Existing rows are checked first. Orphans cannot have been made through the store (products
are never deleted, a merged partner's products move before it is deleted), but a database
edited by hand may hold some; they are resolved, never silently:

- a product whose ``partner_id`` names no partner keeps its content and loses the reference
  (``partner_id`` NULL, as for an offering without a partner);
- a revision or a photo row of a product that does not exist is deleted (nothing can show or
  approve it).

Each of these writes an audit entry (actor ``migration``, action ``orphan_*``) holding the row
as it was. ``audit_log.actor`` gets no foreign key on purpose: it names staff, partners
(free text from the form) and tools (``cli``, ``sample``), and an audit entry must outlive a
removed staff account. ``audit_log.object_id`` points at different tables by ``object_type``.

SQLite cannot add a constraint to a table: batch mode copies each table into a new one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FOREIGN_KEYS = (
    # name, table, column, referred table
    ("fk_products_partner_id_partners", "products", "partner_id", "partners"),
    ("fk_revisions_product_id_products", "revisions", "product_id", "products"),
    ("fk_photos_product_id_products", "photos", "product_id", "products"),
)

_audit = sa.table(
    "audit_log",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.Text),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("before", sa.Text),
    sa.column("after", sa.Text),
    sa.column("note", sa.Text),
)


def upgrade() -> None:
    conn = op.get_bind()
    _resolve_orphans(conn)
    for name, table, column, referred in FOREIGN_KEYS:
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(name, referred, [column], ["id"])


def downgrade() -> None:
    for name, table, _column, _referred in reversed(FOREIGN_KEYS):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(name, type_="foreignkey")


def _resolve_orphans(conn) -> None:
    now = datetime.now(UTC)
    orphans = conn.execute(
        sa.text(
            "SELECT id, partner_id FROM products WHERE partner_id IS NOT NULL "
            "AND partner_id NOT IN (SELECT id FROM partners)"
        )
    ).all()
    for product_id, partner_id in orphans:
        conn.execute(
            sa.text("UPDATE products SET partner_id = NULL WHERE id = :id"), {"id": product_id}
        )
        _note(conn, now, "orphan_partner", "product", product_id, {"partner_id": partner_id})
    for table, kind in (("revisions", "revision"), ("photos", "photo")):
        rows = (
            conn.execute(
                sa.text(
                    f"SELECT * FROM {table} "  # noqa: S608 - table names are the constants above
                    "WHERE product_id NOT IN (SELECT id FROM products)"
                )
            )
            .mappings()
            .all()
        )
        for row in rows:
            conn.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row["id"]})  # noqa: S608
            _note(conn, now, f"orphan_{kind}", kind, str(row["id"]), dict(row))


def _note(conn, now, action: str, object_type: str, object_id: str, before: dict) -> None:
    conn.execute(
        _audit.insert().values(
            at=now,
            actor="migration",
            action=action,
            object_type=object_type,
            object_id=object_id[:64],
            before=json.dumps(before, ensure_ascii=False, sort_keys=True, default=str),
            after=None,
            note="no such row to refer to; resolved by migration 0002",
        )
    )
