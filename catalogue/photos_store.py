"""Storing the records of partners' photos (the files are checked in catalogue.photos).

A photo added to a live offering waits for review with it: only photos staff approved are
public (``review`` is ``approved``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

import sqlalchemy as sa

from catalogue.database import Database, now_utc
from catalogue.lifecycle import Action, PhotoReview, Role, Subject, step
from catalogue.moderation import queue_photo_review
from catalogue.schema import photos_table, products_table
from catalogue.taxonomy import Status, check_licence

MAX_PHOTOS_PER_PRODUCT = 5


class PhotosStore(Database):
    """The photos of offerings, for :class:`catalogue.storage.CatalogueStore`."""

    def add_photos(
        self,
        product_id: str,
        photos: Iterable,
        actor: str = "partner",
        role: Role = Role.PARTNER,
        *,
        author: str = "",
        licence: str = "",
    ) -> int:
        """Record stored photo files (``StoredPhoto`` or dicts) after the product's others.

        ``author`` and ``licence`` (a key of :data:`catalogue.taxonomy.LICENCE_BY_SLUG`) are
        the credit shown under each photo; a dict's own ``author``/``licence`` win.
        ``ValueError`` if the product would have more than :data:`MAX_PHOTOS_PER_PRODUCT` or
        for an unknown licence; ``KeyError`` for an unknown product. Returns how many were added.
        """
        photos = [p if isinstance(p, dict) else asdict(p) for p in photos]
        for photo in photos:
            photo.setdefault("author", author)
            photo.setdefault("licence", licence)
            check_licence(photo["licence"])
        now = now_utc()
        with self.write() as conn:
            status = conn.execute(
                sa.select(products_table.c.status)
                .where(products_table.c.id == product_id)
                .with_for_update()  # waits for a decision in progress (PostgreSQL)
            ).scalar()
            step(Subject.OFFERING, status, Action.ADD_PHOTOS, role, product_id)
            count, last = conn.execute(
                sa.select(sa.func.count(), sa.func.max(photos_table.c.position)).where(
                    photos_table.c.product_id == product_id
                )
            ).one()
            if count + len(photos) > MAX_PHOTOS_PER_PRODUCT:
                raise ValueError(
                    f"at most {MAX_PHOTOS_PER_PRODUCT} photos per product "
                    f"({count} stored, {len(photos)} added)"
                )
            position = -1 if last is None else int(last)
            queue_photo_review(conn, product_id, now)
            for photo in photos:
                position += 1
                conn.execute(
                    photos_table.insert().values(
                        id=photo["id"],
                        product_id=product_id,
                        position=position,
                        path=photo["path"],
                        thumb_path=photo["thumb_path"],
                        width=int(photo["width"]),
                        height=int(photo["height"]),
                        created_at=now,
                        review=PhotoReview.PENDING.value,
                        author=str(photo["author"])[:200],
                        licence=photo["licence"],
                    )
                )
            if photos:
                self.audit(
                    conn,
                    actor,
                    "add_photos",
                    "product",
                    product_id,
                    after={"photos": [p["id"] for p in photos]},
                )
                self._bump_version(conn)
        return len(photos)

    def photos_for(self, product_id: str, reviewed_only: bool = False) -> list[dict]:
        """Photo rows of a product (id, path, thumb_path, width, height…) in order.

        ``reviewed_only`` keeps the photos staff approved (``review`` is ``approved``, set when
        the revision they came with is approved; a rejected one stays private). Public pages
        use it, so a photo a partner adds to a live offering waits for review like any edit.
        """
        query = (
            sa.select(photos_table)
            .where(photos_table.c.product_id == product_id)
            .order_by(photos_table.c.position, photos_table.c.id)
        )
        if reviewed_only:
            query = query.where(photos_table.c.review == PhotoReview.APPROVED.value)
        with self.read() as conn:
            rows = conn.execute(query).mappings().all()
        return [dict(r) for r in rows]

    def published_photos(self) -> dict[str, list[dict]]:
        """Reviewed photo rows of every published product, by product id, in order.

        One query with the same rule (``review`` approved) as ``photos_for(..., reviewed_only=True)``; the static
        publisher uses it instead of one query per product.
        """
        query = (
            sa.select(photos_table)
            .join(products_table, products_table.c.id == photos_table.c.product_id)
            .where(
                products_table.c.status == Status.PUBLISHED.value,
                photos_table.c.review == PhotoReview.APPROVED.value,
            )
            .order_by(photos_table.c.product_id, photos_table.c.position, photos_table.c.id)
        )
        out: dict[str, list[dict]] = {}
        with self.read() as conn:
            for row in conn.execute(query).mappings():
                out.setdefault(row["product_id"], []).append(dict(row))
        return out

    def remove_photo(
        self, product_id: str, photo_id: str, actor: str, role: Role = Role.PARTNER
    ) -> dict | None:
        """Delete one photo row of ``product_id``; returns it (to delete its files) or None."""
        with self.write() as conn:
            row = (
                conn.execute(
                    sa.select(photos_table).where(
                        photos_table.c.id == photo_id, photos_table.c.product_id == product_id
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            status = conn.execute(
                sa.select(products_table.c.status).where(products_table.c.id == product_id)
            ).scalar()
            step(Subject.OFFERING, status, Action.REMOVE_PHOTO, role, product_id)
            conn.execute(photos_table.delete().where(photos_table.c.id == photo_id))
            self.audit(
                conn, actor, "remove_photo", "product", product_id, before={"photo": photo_id}
            )
            self._bump_version(conn)
        return dict(row)
