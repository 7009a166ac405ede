"""Storing the offerings of an imported file, all in one transaction.

Live rows (published, draft, archived) go in a few executemany statements; a ``pending``
row goes to the moderation queue as a revision, like a partner's submission.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from catalogue.database import Database, now_utc, to_json
from catalogue.lifecycle import Action, Role, Subject, import_action, step
from catalogue.model import Partner, Product
from catalogue.moderation import insert_revision, withdraw_pending
from catalogue.partners_store import upsert_partner
from catalogue.products_store import insert_product, product_row, update_product
from catalogue.rows import product_to_row, without_token
from catalogue.schema import audit_table, products_table
from catalogue.taxonomy import Status


class ImportStore(Database):
    """File imports of :class:`catalogue.storage.CatalogueStore`."""

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
        live = [(p, product_to_row(p)) for p in products if p.status != Status.PENDING.value]
        with self.write() as conn:
            for partner in partners:
                upsert_partner(conn, partner, actor)
            self._upsert_live_products(conn, live, actor, action)
            for product in products:
                if product.status == Status.PENDING.value:
                    self._hold_for_review(conn, product, actor, action)
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
                withdraw_pending(conn, product.id, now, actor, move, Role.IMPORT)
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
                    "before": to_json(without_token(before)) if before is not None else None,
                    "after": to_json(without_token(values)),
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

    def _hold_for_review(self, conn: Connection, product: Product, actor: str, action: str) -> None:
        """Store a ``pending`` product as a moderation revision, like a partner submission.

        A published product keeps its live row until the edit is approved; a new or
        unpublished one is written as ``pending``. Older pending revisions are superseded.
        """
        now = now_utc()
        existing = product_row(conn, product.id)
        source = existing["status"] if existing is not None else None
        move = import_action(product.status)
        product.status = step(Subject.OFFERING, source, move, Role.IMPORT, product.id)
        product.submitted_by = product.submitted_by or actor
        if existing is not None:
            withdraw_pending(conn, product.id, now, actor, move, Role.IMPORT)
        published = existing is not None and existing["status"] == Status.PUBLISHED.value
        if not published:
            values = product_to_row(product)
            values.update(updated_at=now, decided_by="", decided_at=None, decision_note="")
            if existing is None:
                values["created_at"] = product.created_at or now
                insert_product(conn, values)
            else:
                values["created_at"] = existing["created_at"]
                update_product(conn, product.id, **values)
        content = product.content_dict()
        kind = "edit" if published else "new"
        insert_revision(conn, product.id, kind, content, product.submitted_by, now)
        self.audit(
            conn,
            actor,
            action,
            "product",
            product.id,
            before=without_token(dict(existing)) if existing is not None else None,
            after=content | {"status": Status.PENDING.value},
            note="held for review",
        )
