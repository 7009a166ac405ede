"""An explicit review state per photo (``photos.review``: pending, approved, rejected).

Until now a photo counted as reviewed when it was stored before the offering's last decision,
and a rejection is a decision too: rejecting a live offering's new photos published them.
Existing photos get the state their history gives:

- ``approved`` when a revision of their offering was approved after they were stored
  (staff saw them when approving);
- else ``pending`` while a revision of their offering waits (they are still in the inbox);
- else ``rejected`` (the only decision after them was a rejection, or none at all was
  made: they stay private until a partner sends them again).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("photos") as batch:
        batch.add_column(
            sa.Column("review", sa.String(16), nullable=False, server_default="pending")
        )
    op.execute(
        "UPDATE photos SET review = 'approved' WHERE EXISTS (SELECT 1 FROM revisions r "
        "WHERE r.product_id = photos.product_id AND r.state = 'approved' "
        "AND r.decided_at >= photos.created_at)"
    )
    op.execute(
        "UPDATE photos SET review = 'rejected' WHERE review = 'pending' AND NOT EXISTS "
        "(SELECT 1 FROM revisions r WHERE r.product_id = photos.product_id "
        "AND r.state = 'pending')"
    )


def downgrade() -> None:
    with op.batch_alter_table("photos") as batch:
        batch.drop_column("review")
