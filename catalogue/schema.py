"""The catalogue's tables: the one place the database schema is written down.

Alembic's migrations (``catalogue/migrations/``) are checked against this metadata by
``tests/catalogue/test_migrations.py``; a new column goes here and into a migration.
"""

from __future__ import annotations

import sqlalchemy as sa

from catalogue.columns import LINK_FIELDS
from catalogue.lifecycle import PhotoReview
from catalogue.model import ACCESS_FACTS


def _text(name: str, *, added_later: bool = False) -> sa.Column:
    """A required text column holding "" for "not stated".

    ``added_later``: the column came with a migration, so the database itself fills "" into
    the rows that existed before (a server default), not only SQLAlchemy on insert.
    """
    if added_later:
        return sa.Column(name, sa.Text, nullable=False, default="", server_default="")
    return sa.Column(name, sa.Text, nullable=False, default="")


metadata = sa.MetaData()

partners_table = sa.Table(
    "partners",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("sector", sa.String(32), nullable=False),
    _text("legal_form"),
    sa.Column("gmina_teryt", sa.String(7), nullable=False, default=""),
    _text("website"),
    sa.Column("member", sa.Boolean, nullable=False, default=False),
    _text("description_pl"),
    _text("description_en"),
    _text("description_uk"),
    _text("logo_path"),
    _text("source"),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    # Legal identity (migration 0100): numbers as digits, "" = not stated.
    _text("nip", added_later=True),
    _text("regon", added_later=True),
    _text("krs", added_later=True),
    _text("legal_form_code", added_later=True),
    _text("se_decision_number", added_later=True),
    _text("owes", added_later=True),
    sa.Column("social_enterprise", sa.Boolean, nullable=True),
    sa.Column("se_decision_date", sa.Date, nullable=True),
    # Public contact of the organisation (migration 0101).
    _text("email", added_later=True),
    _text("phone", added_later=True),
)

products_table = sa.Table(
    "products",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name_pl", sa.Text, nullable=False),
    _text("name_en"),
    _text("name_uk"),
    _text("description_pl"),
    _text("description_en"),
    _text("description_uk"),
    sa.Column("category", sa.String(32), nullable=False),
    _text("tags"),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("district_teryt", sa.String(4), nullable=False, default=""),
    sa.Column("gmina_teryt", sa.String(7), nullable=False, default=""),
    _text("address"),
    sa.Column(
        "partner_id",
        sa.String(64),
        sa.ForeignKey("partners.id", name="fk_products_partner_id_partners"),
        nullable=True,
    ),
    _text("website"),
    _text("email"),
    _text("phone"),
    _text("price"),
    sa.Column("free", sa.Boolean, nullable=True),
    sa.Column("months_mask", sa.Integer, nullable=False, default=0),
    sa.Column("event_start", sa.Date, nullable=True),
    sa.Column("event_end", sa.Date, nullable=True),
    # taxonomy.WHEELCHAIR_LEVELS or "" (migration 0101; a yes/no flag before).
    _text("wheelchair", added_later=True),
    sa.Column("family", sa.Boolean, nullable=True),
    sa.Column("pets", sa.Boolean, nullable=True),
    _text("languages"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    _text("source_note"),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    _text("submitted_by"),
    _text("decided_by"),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    _text("decision_note"),
    # sha256 of the partner's private edit token; the token itself is never stored.
    sa.Column("edit_token_hash", sa.String(64), nullable=True, unique=True),
    # OpenStreetMap opening_hours rule (migration 0100), "" = not stated.
    _text("opening_hours", added_later=True),
    *(sa.Column(name, sa.Boolean, nullable=True) for name in ACCESS_FACTS),
    _text("badges", added_later=True),
    _text("event_rrule", added_later=True),
    _text("event_time", added_later=True),
    # Credit of the descriptions (migration 0101): author and taxonomy.LICENCES key.
    _text("text_author", added_later=True),
    _text("text_licence", added_later=True),
    # The registry's link columns (facebook, instagram…; migration 0102 and later).
    *(_text(name, added_later=True) for name in LINK_FIELDS),
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
    _text("submitted_by"),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
    _text("decided_by"),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    _text("reason"),
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
    _text("note"),
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
    _text("author", added_later=True),
    _text("licence", added_later=True),
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
