"""The durable outgoing queue: one JSON record and one ``.eml`` file per message, in a folder.

Every message is written here first, under an idempotency key derived from the event
(``f"{event}:{product_id}:{revision or token generation}"``): a second message for the same
key is refused, so one event never sends twice, whichever process or thread enqueues it. The
record is created with ``os.link`` (atomic and exclusive on every POSIX file system), updated
through a temporary file and ``os.replace``, and a sender holds a ``flock`` on the record's
lock file while it delivers, so the app's sender thread and ``python -m mail send`` from
cron never deliver one message twice at the same time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

from catalogue.atomic_file import write_atomic

STATUSES = ("queued", "retrying", "sent", "failed")
MAX_ATTEMPTS = 12
FIRST_DELAY_S = 60
MAX_DELAY_S = 6 * 3600
ERROR_CHARS = 500
# Python 3.11 drops the space between two encoded words where it folds a long non-ASCII
# subject ("пропозицію «Музей" arrives as "пропозицію«Музей"). Headers are written on one
# line instead (subjects are at most 150 characters, far below SMTP's 998); the body was
# already encoded with the SMTP policy by ``set_content``.
_WRITE_POLICY = policy.SMTP.clone(max_line_length=998)


def now_utc() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def record_id(key: str) -> str:
    """The file name stem of a message: a hash of its idempotency key (no partner text)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def backoff(attempts: int) -> timedelta:
    """Wait after ``attempts`` failed tries: 1 min, 2, 4 … at most 6 h."""
    return timedelta(seconds=min(FIRST_DELAY_S * 2 ** max(attempts - 1, 0), MAX_DELAY_S))


class MailQueue:
    """The queue folder. Safe to share between threads and processes on one machine."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _json(self, rid: str) -> Path:
        return self.folder / f"{rid}.json"

    # -- writing ------------------------------------------------------------------------

    def enqueue(self, key: str, message: EmailMessage, meta: dict) -> dict | None:
        """Store ``message`` under ``key``; returns its record, or None if the key is taken.

        ``meta`` goes into the record (event, product ids, recipient, language, subject…);
        the message body stays in the ``.eml`` file only (it carries private links).
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        rid = record_id(key)
        if self._json(rid).exists():
            return None
        eml = f"{rid}.{secrets.token_hex(4)}.eml"
        write_atomic(self.folder / eml, message.as_bytes(policy=_WRITE_POLICY), mode=0o600)
        now = now_utc().isoformat()
        record = {
            **meta,
            "id": rid,
            "key": key,
            "eml": eml,
            "status": "queued",
            "attempts": 0,
            "last_error": "",
            "created_at": now,
            "next_attempt_at": now,
            "sent_at": None,
            "via": "",
        }
        fd, tmp = tempfile.mkstemp(prefix=f".{rid}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh, ensure_ascii=False, sort_keys=True)
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, self._json(rid))
            except FileExistsError:
                (self.folder / eml).unlink(missing_ok=True)
                return None
        finally:
            Path(tmp).unlink(missing_ok=True)
        return record

    def _save(self, record: dict) -> None:
        data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        write_atomic(self._json(record["id"]), data, mode=0o600)

    # -- reading ------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        """Whether a message for ``key`` was ever queued."""
        return self._json(record_id(key)).exists()

    def get(self, key: str) -> dict | None:
        """The record of ``key`` or None."""
        return self._load(self._json(record_id(key)))

    def _load(self, path: Path) -> dict | None:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def records(self) -> list[dict]:
        """Every record, newest first."""
        if not self.folder.is_dir():
            return []
        found = [self._load(p) for p in self.folder.glob("*.json")]
        return sorted((r for r in found if r), key=lambda r: r["created_at"], reverse=True)

    def message_bytes(self, record: dict) -> bytes:
        """The stored message of a record, as sent."""
        return (self.folder / record["eml"]).read_bytes()

    # -- delivering ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, rid: str) -> Iterator[bool]:
        with open(self.folder / f"{rid}.lock", "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def drain(
        self, deliver: Callable[[dict, bytes], str], now: datetime | None = None
    ) -> dict[str, int]:
        """Try every due message once with ``deliver(record, eml_bytes) -> via``.

        A failure is recorded (attempts, last error, next try after :func:`backoff`); after
        :data:`MAX_ATTEMPTS` the message is ``failed`` and waits for staff
        (:meth:`retry`). Returns counts of ``sent`` and ``failed`` tries.
        """
        now = now or now_utc()
        counts = {"sent": 0, "failed": 0}
        for record in sorted(self.records(), key=lambda r: r["created_at"]):
            if record["status"] not in ("queued", "retrying"):
                continue
            if datetime.fromisoformat(record["next_attempt_at"]) > now:
                continue
            with self._locked(record["id"]) as mine:
                if not mine:
                    continue
                fresh = self._load(self._json(record["id"]))
                if fresh is None or fresh["status"] not in ("queued", "retrying"):
                    continue
                fresh["attempts"] += 1
                try:
                    via = deliver(fresh, self.message_bytes(fresh))
                except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
                    fresh["last_error"] = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
                    fresh["last_attempt_at"] = now.isoformat()
                    if fresh["attempts"] >= MAX_ATTEMPTS:
                        fresh["status"] = "failed"
                    else:
                        fresh["status"] = "retrying"
                        fresh["next_attempt_at"] = (now + backoff(fresh["attempts"])).isoformat()
                    counts["failed"] += 1
                else:
                    fresh.update(status="sent", via=via, sent_at=now.isoformat(), last_error="")
                    fresh["last_attempt_at"] = now.isoformat()
                    counts["sent"] += 1
                self._save(fresh)
        return counts

    def retry(self, rid: str) -> bool:
        """Put a failed or waiting message back to be tried at once; True if there was one."""
        with self._locked(rid) as mine:
            record = self._load(self._json(rid)) if mine else None
            if record is None or record["status"] == "sent":
                return False
            record.update(status="retrying", next_attempt_at=now_utc().isoformat())
            if record["attempts"] >= MAX_ATTEMPTS:
                record["attempts"] = MAX_ATTEMPTS - 1
            self._save(record)
            return True
