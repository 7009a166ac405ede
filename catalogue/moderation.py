"""The moderation lifecycle: partners submit, edit and withdraw; staff approve, reject,
archive and confirm.

Every status change asks :func:`catalogue.lifecycle.step` first, inside its transaction, so
a move the lifecycle table forbids raises before anything is written. A partner acts through
a private edit token (only its sha256 is stored); a change waits as a pending revision in
the ``revisions`` table while the published version stays live.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult, RowMapping

from catalogue.database import Database, now_utc, to_json
from catalogue.lifecycle import Action, PhotoReview, RevisionState, Role, Subject, step
from catalogue.model import Partner, Product
from catalogue.partners_store import store_partners
from catalogue.products_store import insert_product, product_row, update_product
from catalogue.rows import product_from_content, product_to_row, revision_dict, row_to_product
from catalogue.schema import photos_table, products_table, revisions_table
from catalogue.taxonomy import Status

SUBMIT_ATTEMPTS = 5


class TokenError(LookupError):
    """An edit token that matches no offering."""


def hash_token(token: str) -> str:
    """sha256 hex digest of a partner edit token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def row_for_token(conn: Connection, token: str) -> RowMapping:
    """The products row an edit token opens, inside the caller's transaction."""
    row = (
        conn.execute(
            sa.select(products_table).where(products_table.c.edit_token_hash == hash_token(token))
        )
        .mappings()
        .first()
    )
    if row is None:
        raise TokenError("no offering for this edit link")
    return row


def pending_revision_row(
    product_id: str, kind: str, content: dict, submitted_by: str, now: datetime
) -> dict:
    """The values of a new pending ``revisions`` row holding ``content``."""
    return {
        "product_id": product_id,
        "kind": kind,
        "data": to_json(content),
        "state": RevisionState.PENDING.value,
        "submitted_by": submitted_by,
        "submitted_at": now,
    }


def insert_revision(
    conn: Connection, product_id: str, kind: str, content: dict, submitted_by: str, now: datetime
) -> CursorResult:
    """Queue ``content`` as a pending revision (``kind`` new or edit) of ``product_id``."""
    row = pending_revision_row(product_id, kind, content, submitted_by, now)
    return conn.execute(revisions_table.insert().values(**row))


def withdraw_pending(
    conn: Connection,
    product_id: str,
    now: datetime,
    by: str,
    action: Action,
    role: Role,
) -> list[int]:
    """Move a product's pending revisions on by ``action`` (withdrawn); their ids."""
    pending = RevisionState.PENDING.value
    target = step(Subject.REVISION, pending, action, role)
    ids = list(
        conn.execute(
            sa.select(revisions_table.c.id).where(
                revisions_table.c.product_id == product_id, revisions_table.c.state == pending
            )
        ).scalars()
    )
    if ids:
        conn.execute(
            revisions_table.update()
            .where(revisions_table.c.id.in_(ids))
            .values(state=target, decided_at=now, decided_by=by)
        )
    return ids


def queue_photo_review(conn: Connection, product_id: str, now: datetime) -> None:
    """Queue a live offering for review (new photos) unless a revision already waits.

    The revision carries the published content unchanged, so approving it only makes the
    new photos public (see :meth:`catalogue.photos_store.PhotosStore.photos_for`).
    """
    row = product_row(conn, product_id)
    if row is None or row["status"] != Status.PUBLISHED.value:
        return
    waiting = conn.execute(
        sa.select(revisions_table.c.id).where(
            revisions_table.c.product_id == product_id,
            revisions_table.c.state == RevisionState.PENDING.value,
        )
    ).first()
    if waiting is None:
        content = row_to_product(row).content_dict()
        insert_revision(conn, product_id, "edit", content, row["submitted_by"] or "partner", now)


def _free_product_id(conn: Connection, wanted: str) -> str:
    # Inside the write transaction (BEGIN IMMEDIATE on SQLite), so no one else can take
    # the id between this check and the insert.
    taken = set(
        conn.execute(
            sa.select(products_table.c.id).where(
                sa.or_(products_table.c.id == wanted, products_table.c.id.like(f"{wanted}-%"))
            )
        ).scalars()
    )
    candidate, n = wanted, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate, n = wanted[: 64 - len(suffix)] + suffix, n + 1
    return candidate


def _decide(
    conn: Connection,
    revision_id: int,
    action: Action,
    actor: str,
    now: datetime,
    reason: str = "",
):
    """Decide a revision and its offering's pending photos by ``action`` (staff).

    Checks the revision's, the offering's and the photos' transitions before writing;
    returns the revision row, the product row and the offering's new status.
    """
    rev = (
        conn.execute(sa.select(revisions_table).where(revisions_table.c.id == int(revision_id)))
        .mappings()
        .first()
    )
    if rev is None:
        raise LookupError(f"revision {revision_id} does not exist")
    # PostgreSQL: lock the offering, so a concurrent archive or photo upload either
    # commits before (and is seen below) or waits for this decision.
    row = (
        conn.execute(
            sa.select(products_table)
            .where(products_table.c.id == rev["product_id"])
            .with_for_update()
        )
        .mappings()
        .one()
    )
    rev = (
        conn.execute(sa.select(revisions_table).where(revisions_table.c.id == rev["id"]))
        .mappings()
        .one()
    )
    state = step(Subject.REVISION, rev["state"], action, Role.STAFF, str(revision_id))
    status = step(Subject.OFFERING, row["status"], action, Role.STAFF, row["id"])
    photo_state = step(Subject.PHOTO, PhotoReview.PENDING.value, action, Role.STAFF)
    conn.execute(
        revisions_table.update()
        .where(revisions_table.c.id == rev["id"])
        .values(state=state, decided_by=actor, decided_at=now, reason=reason)
    )
    conn.execute(
        photos_table.update()
        .where(
            photos_table.c.product_id == row["id"],
            photos_table.c.review == PhotoReview.PENDING.value,
        )
        .values(review=photo_state)
    )
    return rev, row, status


class ModerationStore(Database):
    """Submissions, edits and staff decisions of :class:`catalogue.storage.CatalogueStore`."""

    # -- partners: submit, edit, withdraw -------------------------------------------------

    def submit_new(
        self, product: Product, submitted_by: str, partners: Iterable[Partner] = ()
    ) -> str:
        """Store a partner's new offering as ``pending``; returns its private edit token.

        The token is shown to the partner once; only its hash is stored. ``partners`` (a new
        organisation typed in the form) are saved in the same transaction. If another
        submission took the product's id meanwhile, a numeric suffix makes it unique and
        ``product.id`` is updated.
        """
        token = secrets.token_urlsafe(24)
        product.status = step(Subject.OFFERING, None, Action.SUBMIT, Role.PARTNER)
        product.submitted_by = submitted_by
        partners = list(partners)
        wanted = product.id
        for attempt in range(SUBMIT_ATTEMPTS):
            product.id = wanted
            try:
                self._insert_submission(product, submitted_by, partners, token)
                return token
            except sa.exc.IntegrityError:
                # PostgreSQL under READ COMMITTED: a concurrent submission inserted the same
                # id after our check; the transaction rolled back, so try the next free id.
                if attempt == SUBMIT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _insert_submission(
        self, product: Product, submitted_by: str, partners: list[Partner], token: str
    ) -> None:
        now = now_utc()
        with self.write() as conn:
            store_partners(conn, partners, submitted_by)
            product.id = _free_product_id(conn, product.id)
            values = product_to_row(product)
            values.update(created_at=now, updated_at=now, edit_token_hash=hash_token(token))
            insert_product(conn, values)
            content = product.content_dict()
            insert_revision(conn, product.id, "new", content, submitted_by, now)
            self.audit(conn, submitted_by, "submit", "product", product.id, after=content)
            self._bump_version(conn)

    def product_for_token(self, token: str) -> Product | None:
        """The offering a partner's edit token opens, or None for a wrong token."""
        if not token or len(token) > 200:
            return None
        with self.read() as conn:
            try:
                return row_to_product(row_for_token(conn, token))
            except TokenError:
                return None

    def submit_edit(self, token: str, product: Product) -> int:
        """Hold a partner's edit for review; the published version stays live meanwhile.

        Returns the revision id. A pending (never published) offering is updated in place and
        stays pending. Raises :class:`TokenError` for a wrong token.
        """
        now = now_utc()
        with self.write() as conn:
            row = row_for_token(conn, token)
            current = row_to_product(row)
            product.id = current.id
            target = step(
                Subject.OFFERING, current.status, Action.SUBMIT_EDIT, Role.PARTNER, current.id
            )
            withdraw_pending(
                conn, current.id, now, current.submitted_by, Action.SUBMIT_EDIT, Role.PARTNER
            )
            kind = "edit" if current.status == Status.PUBLISHED.value else "new"
            if target == Status.PENDING.value:
                values = product_to_row(product)
                values.update(
                    status=target,
                    updated_at=now,
                    submitted_by=current.submitted_by,
                    created_at=row["created_at"],
                    decision_note="",
                )
                update_product(conn, current.id, **values)
            result = insert_revision(
                conn, current.id, kind, product.content_dict(), current.submitted_by, now
            )
            self.audit(
                conn,
                current.submitted_by or "partner",
                "submit_edit",
                "product",
                current.id,
                before=current.content_dict(),
                after=product.content_dict(),
            )
            self._bump_version(conn)
            return int(result.inserted_primary_key[0])

    def reissue_tokens(
        self, product_ids: Iterable[str] = (), email: str = "", actor: str = "partner"
    ) -> list[tuple[Product, str]]:
        """New private edit tokens for the given offerings and/or every offering whose contact
        e-mail is ``email`` (case-insensitive); the old links stop working at once.

        Returns ``(product, new token)`` pairs (none for an unknown address); only the hashes
        are stored, each change with an audit entry. Used by lost-link recovery and the
        yearly "still correct?" mail.
        """
        ids = [str(i) for i in product_ids]
        email = email.strip().lower()
        if not ids and not email:
            return []
        wanted = []
        if ids:
            wanted.append(products_table.c.id.in_(ids))
        if email:
            wanted.append(sa.func.lower(sa.func.trim(products_table.c.email)) == email)
        out: list[tuple[Product, str]] = []
        with self.write() as conn:
            rows = (
                conn.execute(
                    sa.select(products_table).where(sa.or_(*wanted)).order_by(products_table.c.id)
                )
                .mappings()
                .all()
            )
            for row in rows:
                token = secrets.token_urlsafe(24)
                update_product(conn, row["id"], edit_token_hash=hash_token(token))
                self.audit(conn, actor, "reissue_token", "product", row["id"])
                out.append((row_to_product(row), token))
        return out

    def withdraw(self, token: str) -> None:
        """The partner withdraws an offering: archived, pending revisions withdrawn."""
        now = now_utc()
        with self.write() as conn:
            row = row_for_token(conn, token)
            target = step(Subject.OFFERING, row["status"], Action.WITHDRAW, Role.PARTNER, row["id"])
            withdraw_pending(conn, row["id"], now, "partner", Action.WITHDRAW, Role.PARTNER)
            update_product(
                conn, row["id"], status=target, updated_at=now, decision_note="withdrawn"
            )
            self.audit(conn, row["submitted_by"] or "partner", "withdraw", "product", row["id"])
            self._bump_version(conn)

    # -- revisions -------------------------------------------------------------------------

    def pending_revision(self, product_id: str) -> dict | None:
        """The pending revision of a product (id, kind, data, submitted_at…) or None."""
        return self._newest_revision(product_id, pending_only=True)

    def last_revision(self, product_id: str) -> dict | None:
        """The newest revision of a product, whatever its state."""
        return self._newest_revision(product_id, pending_only=False)

    def _newest_revision(self, product_id: str, pending_only: bool) -> dict | None:
        query = sa.select(revisions_table).where(revisions_table.c.product_id == product_id)
        if pending_only:
            query = query.where(revisions_table.c.state == RevisionState.PENDING.value)
        with self.read() as conn:
            row = conn.execute(query.order_by(revisions_table.c.id.desc())).mappings().first()
        return revision_dict(row) if row else None

    def get_revision(self, revision_id: int) -> dict | None:
        """One revision as a dict with its ``data`` decoded, or None."""
        with self.read() as conn:
            row = (
                conn.execute(
                    sa.select(revisions_table).where(revisions_table.c.id == int(revision_id))
                )
                .mappings()
                .first()
            )
        return revision_dict(row) if row else None

    def moderation_queue(self) -> pd.DataFrame:
        """Pending revisions, oldest first, with the product's current status and name."""
        columns = {
            "revision_id": revisions_table.c.id,
            "product_id": revisions_table.c.product_id,
            "kind": revisions_table.c.kind,
            "submitted_by": revisions_table.c.submitted_by,
            "submitted_at": revisions_table.c.submitted_at,
            "status": products_table.c.status,
            "name_pl": products_table.c.name_pl,
            "updated_at": products_table.c.updated_at,
        }
        query = (
            sa.select(*(column.label(name) for name, column in columns.items()))
            .select_from(
                revisions_table.join(
                    products_table, products_table.c.id == revisions_table.c.product_id
                )
            )
            .where(revisions_table.c.state == RevisionState.PENDING.value)
            .order_by(revisions_table.c.submitted_at, revisions_table.c.id)
        )
        with self.read() as conn:
            rows = conn.execute(query).mappings().all()
        return pd.DataFrame(rows, columns=list(columns))

    # -- staff decisions -------------------------------------------------------------------

    def approve(self, revision_id: int, actor: str, edited: Product | None = None) -> Product:
        """Publish a pending revision (optionally as edited by staff); returns the product."""
        now = now_utc()
        with self.write() as conn:
            rev, row, status = _decide(conn, revision_id, Action.APPROVE, actor, now)
            before = row_to_product(row)
            product = edited or product_from_content(json.loads(rev["data"]))
            product.id = before.id
            product.status = status
            product.submitted_by = before.submitted_by
            product.decided_by = actor
            product.decided_at = now
            product.decision_note = ""
            values = product_to_row(product)
            values.update(created_at=row["created_at"], updated_at=now)
            update_product(conn, before.id, **values)
            self.audit(
                conn,
                actor,
                "approve",
                "product",
                before.id,
                before=before.content_dict() | {"status": before.status},
                after=product.content_dict() | {"status": product.status},
            )
            self._bump_version(conn)
        return product

    def reject(self, revision_id: int, actor: str, reason: str) -> None:
        """Reject a pending revision with a reason the partner sees on the edit link.

        A rejected new offering becomes ``rejected``; a rejected edit leaves the published
        version as it was.
        """
        if not reason.strip():
            raise ValueError("a rejection needs a reason for the partner")
        now = now_utc()
        with self.write() as conn:
            rev, _row, status = _decide(conn, revision_id, Action.REJECT, actor, now, reason)
            update_product(
                conn,
                rev["product_id"],
                status=status,
                decided_by=actor,
                decided_at=now,
                decision_note=reason,
            )
            self.audit(conn, actor, "reject", "product", rev["product_id"], note=reason)
            self._bump_version(conn)

    def archive(self, product_id: str, actor: str, note: str = "") -> None:
        """Take a product off the public map (status ``archived``)."""
        now = now_utc()
        with self.write() as conn:
            row = conn.execute(
                sa.select(products_table.c.status)
                .where(products_table.c.id == product_id)
                .with_for_update()
            ).first()
            target = step(
                Subject.OFFERING, row[0] if row else None, Action.ARCHIVE, Role.STAFF, product_id
            )
            withdrawn = withdraw_pending(conn, product_id, now, actor, Action.ARCHIVE, Role.STAFF)
            if withdrawn:
                self.audit(
                    conn,
                    actor,
                    "withdraw_pending",
                    "product",
                    product_id,
                    after={"revisions": withdrawn},
                    note="archived: queued changes can no longer publish it",
                )
            update_product(
                conn, product_id, status=target, decided_by=actor, decided_at=now, updated_at=now
            )
            self.audit(
                conn,
                actor,
                "archive",
                "product",
                product_id,
                before={"status": row[0]},
                after={"status": target},
                note=note,
            )
            self._bump_version(conn)

    def confirm_current(self, product_id: str, actor: str, note: str = "") -> None:
        """Staff checked a published entry is still correct: its ``updated_at`` becomes now."""
        now = now_utc()
        with self.write() as conn:
            status = conn.execute(
                sa.select(products_table.c.status).where(products_table.c.id == product_id)
            ).scalar()
            step(Subject.OFFERING, status, Action.CONFIRM_CURRENT, Role.STAFF, product_id)
            update_product(conn, product_id, updated_at=now)
            self.audit(conn, actor, "confirm_current", "product", product_id, note=note)
            self._bump_version(conn)
