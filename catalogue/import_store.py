"""Storing the offerings of an imported file at bulk speed, all in one transaction.

Rows are prepared before the transaction; inside it, the rows already stored are read with
one ``SELECT … WHERE id IN (…)`` per chunk, every move is checked against the lifecycle table
(a forbidden one raises before anything is written, so the whole file rolls back), and the
writes go as a few executemany statements per table: partners, products, revisions, audit
entries. A ``pending`` row goes to the moderation queue as a revision, like a partner's
submission; the result is the same as storing the rows one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from catalogue.database import Database, audit_row, now_utc
from catalogue.lifecycle import Action, RevisionState, Role, Subject, import_action, step
from catalogue.model import Partner, Product
from catalogue.moderation import pending_revision_row
from catalogue.partners_store import CHUNK, store_partners
from catalogue.rows import product_to_row, without_token
from catalogue.schema import audit_table, products_table, revisions_table
from catalogue.taxonomy import Status

_MATCH = "_match_id"  # the bound id of an executemany UPDATE (not a column name)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored_rows(conn: Connection, table: sa.Table, ids: Iterable[str]) -> dict[str, dict]:
    """The rows of ``table`` whose id is in ``ids``, by id: one SELECT per chunk."""
    found: dict[str, dict] = {}
    for chunk in _chunks(list(dict.fromkeys(ids))):
        query = sa.select(table).where(table.c.id.in_(chunk))
        found.update({row["id"]: dict(row) for row in conn.execute(query).mappings()})
    return found


def _update_by_id(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    """One executemany UPDATE of ``rows``, each holding its id under ``_match_id``."""
    if rows:
        conn.execute(table.update().where(table.c.id == sa.bindparam(_MATCH)), rows)


def _insert(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


class _Batch:
    """The writes of one save, collected in order and sent as executemany at the end."""

    def __init__(self, actor: str, now: datetime) -> None:
        self.actor, self.now = actor, now
        self.product_inserts: list[dict] = []
        self.product_updates: list[dict] = []
        self.withdraw: dict[str, str] = {}  # product id -> state its pending revisions take
        self.revisions: list[dict] = []
        self.queued: dict[str, list[dict]] = {}  # revisions of this batch, by product id
        self.audits: list[dict] = []

    def audit(self, action: str, object_type: str, object_id: str, before, after, note=""):
        row = audit_row(self.actor, action, object_type, object_id, before, after, note)
        self.audits.append(row | {"at": self.now})

    def write(self, conn: Connection) -> None:
        """Send everything; pending revisions are withdrawn before new ones are queued."""
        _insert(conn, products_table, self.product_inserts)
        _update_by_id(conn, products_table, self.product_updates)
        pending = RevisionState.PENDING.value
        by_state: dict[str, list[str]] = {}
        for product_id, state in self.withdraw.items():
            by_state.setdefault(state, []).append(product_id)
        for state, ids in by_state.items():
            for chunk in _chunks(ids):
                conn.execute(
                    revisions_table.update()
                    .where(
                        revisions_table.c.product_id.in_(chunk),
                        revisions_table.c.state == pending,
                    )
                    .values(state=state, decided_at=self.now, decided_by=self.actor)
                )
        _insert(conn, revisions_table, self.revisions)
        _insert(conn, audit_table, self.audits)


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
        (a published product stays live until its edit is approved). Every product and every
        new or changed partner gets one audit entry; the catalogue version goes up by one.
        """
        products = list(products)
        prepared = [(product, product_to_row(product)) for product in products]
        with self.write() as conn:
            store_partners(conn, partners, actor)
            batch = _Batch(actor, now_utc())
            stored = _stored_rows(conn, products_table, (p.id for p in products))
            live = [(p, v) for p, v in prepared if p.status != Status.PENDING.value]
            for product, values in live:
                _stage_live_product(batch, product, values, stored, action)
            for product, values in prepared:
                if product.status == Status.PENDING.value:
                    _stage_pending(batch, product, values, stored, action)
            batch.write(conn)
            self._bump_version(conn)
        return len(products)


def _stage_live_product(
    batch: _Batch, product: Product, prepared: dict, stored: dict[str, dict], action: str
) -> None:
    """A published, draft or archived row: the live row itself is written."""
    existing = stored.get(product.id)
    move = import_action(product.status)
    source = existing["status"] if existing is not None else None
    status = step(Subject.OFFERING, source, move, Role.IMPORT, product.id)
    if move == Action.IMPORT_ARCHIVED and existing is not None:
        # An archived offering withdraws what waits for review.
        _stage_withdrawal(batch, product.id, move)
    values = {**prepared, "status": status, "updated_at": batch.now}
    _stage_product_row(batch, product, values, stored)
    before = without_token(existing) if existing is not None else None
    batch.audit(action, "product", product.id, before, without_token(values))


def _stage_product_row(
    batch: _Batch, product: Product, values: dict, stored: dict[str, dict]
) -> None:
    """Insert or update the products row (an update keeps its creation time)."""
    existing = stored.get(product.id)
    if existing is None:
        values["created_at"] = product.created_at or batch.now
        batch.product_inserts.append(values)
    else:
        values["created_at"] = existing["created_at"]
        batch.product_updates.append({**values, _MATCH: product.id})
    # A later row with the same id updates this one, as it would row by row.
    stored[product.id] = {**(existing or {}), **values}


def _stage_pending(
    batch: _Batch, product: Product, prepared: dict, stored: dict[str, dict], action: str
) -> None:
    """Store a ``pending`` product as a moderation revision, like a partner submission.

    A published product keeps its live row until the edit is approved; a new or
    unpublished one is written as ``pending``. Older pending revisions are superseded.
    """
    existing = stored.get(product.id)
    source = existing["status"] if existing is not None else None
    move = import_action(product.status)
    product.status = step(Subject.OFFERING, source, move, Role.IMPORT, product.id)
    product.submitted_by = product.submitted_by or batch.actor
    if existing is not None:
        _stage_withdrawal(batch, product.id, move)
    published = existing is not None and existing["status"] == Status.PUBLISHED.value
    if not published:
        values = {**prepared, "status": product.status, "submitted_by": product.submitted_by}
        values.update(updated_at=batch.now, decided_by="", decided_at=None, decision_note="")
        _stage_product_row(batch, product, values, stored)
    content = product.content_dict()
    kind = "edit" if published else "new"
    revision = pending_revision_row(product.id, kind, content, product.submitted_by, batch.now)
    revision.update(decided_by="", decided_at=None)
    batch.revisions.append(revision)
    batch.queued.setdefault(product.id, []).append(revision)
    before = without_token(existing) if existing is not None else None
    after = content | {"status": Status.PENDING.value}
    batch.audit(action, "product", product.id, before, after, "held for review")


def _stage_withdrawal(batch: _Batch, product_id: str, move: Action) -> None:
    """The product's pending revisions become withdrawn (the lifecycle table says so)."""
    target = step(Subject.REVISION, RevisionState.PENDING.value, move, Role.IMPORT)
    batch.withdraw[product_id] = target
    for revision in batch.queued.get(product_id, ()):  # queued earlier in this batch
        if revision["state"] == RevisionState.PENDING.value:
            revision.update(state=target, decided_at=batch.now, decided_by=batch.actor)
