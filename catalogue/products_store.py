"""Reading and writing offering rows: one product, counts, the catalogue frame.

The status of an offering changes only through :mod:`catalogue.moderation` (partners and
staff) and :mod:`catalogue.import_store` (files), which use the row helpers here.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from catalogue.database import Database
from catalogue.model import Product
from catalogue.rows import row_to_product
from catalogue.schema import partners_table, products_table
from catalogue.taxonomy import Status

_PARTNER_IDENTITY = ("nip", "regon", "krs")


def product_row(conn: Connection, product_id: str) -> RowMapping | None:
    """The ``products`` row of ``product_id`` inside the caller's transaction, or None."""
    return (
        conn.execute(sa.select(products_table).where(products_table.c.id == product_id))
        .mappings()
        .first()
    )


def insert_product(conn: Connection, values: dict) -> None:
    """Insert one ``products`` row."""
    conn.execute(products_table.insert().values(**values))


def update_product(conn: Connection, product_id: str, **values) -> None:
    """Set ``values`` on the ``products`` row of ``product_id``."""
    conn.execute(products_table.update().where(products_table.c.id == product_id).values(**values))


class ProductsStore(Database):
    """Reading offerings, for :class:`catalogue.storage.CatalogueStore`."""

    def get_product(self, product_id: str) -> Product | None:
        """The product with ``product_id`` (any status) or None."""
        with self.read() as conn:
            row = product_row(conn, product_id)
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
            # Plain tuples: pandas probes each Row for attributes, and a missing one costs
            # SQLAlchemy an exception (two per row).
            rows = [tuple(row) for row in conn.execute(query)]
        columns = [c.name for c in cols] + ["partner_name", "partner_sector", "partner_member"]
        columns += [f"partner_{name}" for name in _PARTNER_IDENTITY] + ["partner_legal_form"]
        frame = pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)
        for col in ("partner_name", "partner_sector", *columns[-4:]):
            frame[col] = frame[col].fillna("")
        return frame
