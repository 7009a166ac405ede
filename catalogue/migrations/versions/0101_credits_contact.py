"""Credits, wheelchair levels, partner contact.

- ``products.wheelchair`` becomes one of ``yes`` / ``limited`` / ``no`` / "" (OpenStreetMap's
  ``wheelchair`` values) instead of a yes/no flag: TRUE becomes ``yes``, FALSE ``no``,
  NULL "" (not stated). Pending revisions (JSON) are converted the same way.
- ``products.text_author`` / ``text_licence``: who wrote the descriptions and under which
  licence (a key of :data:`catalogue.taxonomy.LICENCE_BY_SLUG`); "" = not stated.
- ``photos.author`` / ``photos.licence``: the same for each photo.
- ``partners.email`` / ``partners.phone``: the organisation's public contact.

Existing rows keep every value; the new fields start empty.

Revision ID: 0101
Revises: 0100
Create Date: 2026-12-02
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0101"
down_revision = "0100"
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


def _level(value: object) -> str:
    # Frozen copy of catalogue.taxonomy.wheelchair_level for the old flag: a migration must
    # keep doing what it did when later code changes.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value if value in ("yes", "limited", "no") else ""


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(_text("wheelchair_level"))
        batch_op.add_column(_text("text_author"))
        batch_op.add_column(_text("text_licence"))
    products = sa.table(
        "products", sa.column("wheelchair", sa.Boolean), sa.column("wheelchair_level", sa.Text)
    )
    for flag, level in ((True, "yes"), (False, "no")):
        op.execute(
            products.update().where(products.c.wheelchair == flag).values(wheelchair_level=level)
        )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("wheelchair")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("wheelchair_level", new_column_name="wheelchair")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(_text("author"))
        batch_op.add_column(_text("licence"))
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(_text("email"))
        batch_op.add_column(_text("phone"))

    # Revisions waiting for a decision carry the product as JSON: convert their flag too.
    revisions = sa.table("revisions", sa.column("id", sa.Integer), sa.column("data", sa.Text))
    conn = op.get_bind()
    for rev_id, data in conn.execute(sa.select(revisions.c.id, revisions.c.data)).all():
        content = json.loads(data)
        if "wheelchair" in content and not isinstance(content["wheelchair"], str):
            content["wheelchair"] = _level(content["wheelchair"])
            conn.execute(
                revisions.update()
                .where(revisions.c.id == rev_id)
                .values(data=json.dumps(content, ensure_ascii=False))
            )


def downgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("email")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_column("licence")
        batch_op.drop_column("author")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wheelchair_flag", sa.Boolean(), nullable=True))
    products = sa.table(
        "products", sa.column("wheelchair", sa.Text), sa.column("wheelchair_flag", sa.Boolean)
    )
    # "limited" has no yes/no equivalent: it becomes not stated rather than a false "yes".
    for level, flag in (("yes", True), ("no", False)):
        op.execute(
            products.update().where(products.c.wheelchair == level).values(wheelchair_flag=flag)
        )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("text_licence")
        batch_op.drop_column("text_author")
        batch_op.drop_column("wheelchair")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("wheelchair_flag", new_column_name="wheelchair")
