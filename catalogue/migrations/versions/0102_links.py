"""The offering's pages elsewhere: ``products.facebook`` and ``products.instagram``.

Two ``link`` columns of the registry (:data:`catalogue.columns.LINK_COLUMNS`): an
``http(s)`` address each, "" = none. Existing rows keep every value; the new fields start
empty. Revisions waiting for a decision need no change: a missing key reads as "".

Revision ID: 0102
Revises: 0101
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0102"
down_revision = "0101"
branch_labels = None
depends_on = None

# Frozen here (not read from the registry): a migration keeps doing what it did when it
# was written, whatever columns later releases add.
_NAMES = ("facebook", "instagram")


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name in _NAMES:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name in reversed(_NAMES):
            batch_op.drop_column(name)
