"""Storing partners (the organisations behind offerings): save, read, list, merge."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from catalogue.database import Database, audit_row, now_utc, to_json
from catalogue.lifecycle import RevisionState
from catalogue.model import Partner
from catalogue.rows import row_to_partner
from catalogue.schema import audit_table, partners_table, products_table, revisions_table
from catalogue.taxonomy import Status

_PARTNER_FIELDS = tuple(f.name for f in fields(Partner))
# Ids per SELECT … IN (…): far below every engine's limit on bound parameters.
CHUNK = 500


def store_partners(conn: Connection, partners: Iterable[Partner], actor: str) -> None:
    """Insert new partners and update changed ones by id, an audit entry each, inside the
    caller's transaction: one SELECT per chunk of ids, the writes as executemany."""
    partners = [{name: getattr(p, name) for name in _PARTNER_FIELDS} for p in partners]
    if not partners:
        return
    ids = list(dict.fromkeys(p["id"] for p in partners))
    stored: dict[str, dict] = {}
    for start in range(0, len(ids), CHUNK):
        query = sa.select(partners_table).where(partners_table.c.id.in_(ids[start : start + CHUNK]))
        stored.update({row["id"]: dict(row) for row in conn.execute(query).mappings()})
    now = now_utc()
    inserts, updates, audits = [], [], []
    for values in partners:
        existing = stored.get(values["id"])
        if existing is None:
            inserts.append(values | {"created_at": now, "updated_at": now})
            audits.append(audit_row(actor, "create", "partner", values["id"], after=values, at=now))
            stored[values["id"]] = dict(values)  # a second mention compares with this one
            continue
        before = {k: existing[k] for k in values}
        if before != values:
            updates.append(values | {"updated_at": now, "_match_id": values["id"]})
            audits.append(
                audit_row(actor, "update", "partner", values["id"], before, values, at=now)
            )
            existing.update(values)
    if inserts:
        conn.execute(partners_table.insert(), inserts)
    if updates:
        conn.execute(
            partners_table.update().where(partners_table.c.id == sa.bindparam("_match_id")),
            updates,
        )
    if audits:
        conn.execute(audit_table.insert(), audits)


class PartnersStore(Database):
    """The partner registry of :class:`catalogue.storage.CatalogueStore`."""

    def save_partners(self, partners: Iterable[Partner], actor: str) -> int:
        """Insert or update partners by id in one transaction; returns how many."""
        count = 0
        with self.write() as conn:
            partners = list(partners)
            store_partners(conn, partners, actor)
            count = len(partners)
            self._bump_version(conn)
        return count

    def get_partner(self, partner_id: str) -> Partner | None:
        """The partner with ``partner_id`` or None."""
        with self.read() as conn:
            row = (
                conn.execute(sa.select(partners_table).where(partners_table.c.id == partner_id))
                .mappings()
                .first()
            )
        return row_to_partner(row) if row else None

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
                        .values(data=to_json(content))
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
