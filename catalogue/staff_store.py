"""Storing staff accounts and their failed-login counts (the rules are in catalogue.staff)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from catalogue.database import Database, now_utc
from catalogue.rows import aware
from catalogue.schema import staff_table


class StaffStore(Database):
    """The staff accounts of :class:`catalogue.storage.CatalogueStore`."""

    def get_staff(self, username: str) -> dict | None:
        """A staff account row as a dict, or None."""
        with self.read() as conn:
            row = (
                conn.execute(sa.select(staff_table).where(staff_table.c.username == username))
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def save_staff(self, username: str, password_hash: str, role: str) -> None:
        """Create or replace a staff account."""
        with self.write() as conn:
            conn.execute(staff_table.delete().where(staff_table.c.username == username))
            conn.execute(
                staff_table.insert().values(
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    failed_attempts=0,
                    created_at=now_utc(),
                )
            )
            self.audit(conn, "cli", "staff_add", "staff", username)

    def staff_frame(self) -> pd.DataFrame:
        """Staff accounts without their password hashes."""
        cols = [c for c in staff_table.columns if c.name != "password_hash"]
        with self.read() as conn:
            rows = conn.execute(sa.select(*cols).order_by(staff_table.c.username)).mappings().all()
        return pd.DataFrame(rows, columns=[c.name for c in cols])

    def remove_staff(self, username: str, actor: str) -> bool:
        """Delete a staff account; True if there was one."""
        with self.write() as conn:
            deleted = conn.execute(staff_table.delete().where(staff_table.c.username == username))
            if deleted.rowcount:
                self.audit(conn, actor, "staff_remove", "staff", username)
            return bool(deleted.rowcount)

    def record_failed_login(
        self, username: str, max_failures: int, lock_seconds: int
    ) -> datetime | None:
        """Count one failed login in one transaction; returns the lock's end if now locked.

        A lock that has run out starts the count again, so one typo after a lock does not
        lock the account for another period.
        """
        now = now_utc()
        with self.write() as conn:
            row = conn.execute(
                sa.select(staff_table.c.failed_attempts, staff_table.c.locked_until).where(
                    staff_table.c.username == username
                )
            ).first()
            if row is None:
                return None
            failures, locked_until = int(row[0] or 0), aware(row[1])
            if locked_until is not None and locked_until <= now:
                failures, locked_until = 0, None
            failures += 1
            if failures >= max_failures and locked_until is None:
                locked_until = now + timedelta(seconds=lock_seconds)
            conn.execute(
                staff_table.update()
                .where(staff_table.c.username == username)
                .values(failed_attempts=failures, locked_until=locked_until)
            )
            return locked_until

    def record_login(self, username: str, ok: bool, locked_until: datetime | None) -> None:
        """Reset or count failed login attempts."""
        with self.write() as conn:
            if ok:
                values = {"failed_attempts": 0, "locked_until": None}
            else:
                values = {
                    "failed_attempts": staff_table.c.failed_attempts + 1,
                    "locked_until": locked_until,
                }
            conn.execute(
                staff_table.update().where(staff_table.c.username == username).values(**values)
            )
