"""Content model: opening hours of offerings; legal identity of partners.

Adds ``products.opening_hours`` (an OpenStreetMap ``opening_hours`` rule, "" = not stated),
the accessibility facts of :data:`catalogue.model.ACCESS_FACTS` (NULL = unknown), the
``;``-joined badge slugs of :data:`catalogue.taxonomy.BADGES`, an event's recurrence
(iCalendar RRULE) and time of day
and to ``partners`` the NIP, REGON and KRS numbers, the legal form from the fixed list of
:data:`catalogue.taxonomy.LEGAL_FORMS`, the social-enterprise status (voivode's list under
the 2022 act: decision number and date) and the OWES that supports the partner. Existing
rows keep every value; the new fields start empty (unknown).

Revision ID: 0100
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0003"
branch_labels = None
depends_on = None

_ACCESS_FACTS = ("step_free", "accessible_toilet", "disabled_parking", "info_blind", "info_deaf")
_PARTNER_TEXT = ("nip", "regon", "krs", "legal_form_code", "se_decision_number", "owes")


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("opening_hours", sa.Text(), nullable=False, server_default="")
        )
        for name in _ACCESS_FACTS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("badges", sa.Text(), nullable=False, server_default=""))
        for name in ("event_rrule", "event_time"):
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("partners", schema=None) as batch_op:
        for name in _PARTNER_TEXT:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("social_enterprise", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("se_decision_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        for name in ("se_decision_date", "social_enterprise", *reversed(_PARTNER_TEXT)):
            batch_op.drop_column(name)
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("event_time")
        batch_op.drop_column("event_rrule")
        batch_op.drop_column("badges")
        for name in reversed(_ACCESS_FACTS):
            batch_op.drop_column(name)
        batch_op.drop_column("opening_hours")
