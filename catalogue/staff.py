"""Staff accounts: argon2 password hashes in the database, login with throttled attempts.

Passwords never reach the repository or the command line: ``python -m catalogue staff add
NAME`` asks for one with ``getpass`` (or reads it from standard input with
``--password-stdin``, for scripts), and only its argon2id hash goes to the ``staff`` table.

:func:`sign_in` never locks an account: failures slow down the *client* that makes them,
with an exponential backoff per (account, client) and per client (see
:class:`LoginThrottle`), so a brute-force run against a name cannot keep its owner, signing
in from another client, out. Unknown names cost the same argon2 work as known ones, so the
answer time does not tell which names exist. Bursts of failures get an audit entry.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from catalogue.database import now_utc
from catalogue.storage import CatalogueStore

ROLES: tuple[str, ...] = ("moderator", "admin")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 accepts more; a cap keeps a login from being a DoS
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# argon2id at the library's defaults, which are RFC 9106's low-memory profile (t=3, 64 MiB,
# p=4). Only code can swap it (use_hasher, for the tests' cheap profile); no setting can.
PRODUCTION_HASHER = PasswordHasher()
_hasher = PRODUCTION_HASHER
_UNKNOWN_NAME_TEXT = "not a real password; only spends the same time"
# Verified against for unknown names, so they cost as much time as known ones.
_dummy_hash = _hasher.hash(_UNKNOWN_NAME_TEXT)


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash and verify with ``hasher`` from now on; returns the one used before.

    For tests, which swap in a cheap profile; the application never calls it.
    """
    global _hasher, _dummy_hash
    previous, _hasher, _dummy_hash = _hasher, hasher, hasher.hash(_UNKNOWN_NAME_TEXT)
    return previous


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`, else ``ValueError``."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    return role


def check_username(username: str) -> str:
    """A valid user name (lowercase letters, digits, ``.``, ``_``, ``-``; 2–64 characters)."""
    if not isinstance(username, str) or not USERNAME_RE.match(username):
        raise ValueError(
            "user name: 2-64 lowercase letters, digits, '.', '_' or '-', starting with a "
            "letter or digit"
        )
    return username


def check_password(password: str) -> str:
    """``password`` if long enough (and not absurdly long), else ``ValueError``."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"the password may have at most {MAX_PASSWORD_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (checked by :func:`check_password`)."""
    return _hasher.hash(check_password(password))


def add_staff(store: CatalogueStore, username: str, password: str, role: str = "moderator"):
    """Create a staff account, or replace one (a password reset) with ``role``."""
    store.save_staff(check_username(username), hash_password(password), check_role(role))


def staff_role(store: CatalogueStore, username: str | None) -> str | None:
    """The role of an existing account with an allowed role, else None."""
    if not username:
        return None
    account = store.get_staff(username)
    if account is None or account.get("role") not in ROLES:
        return None
    return str(account["role"])


def is_locked(account: dict, now: datetime | None = None) -> bool:
    """True while an account's old database lock (``locked_until``) has not run out.

    Informational only (``staff list``): :func:`sign_in` no longer locks accounts.
    """
    until = account.get("locked_until")
    if until is None:
        return False
    if isinstance(until, str):
        until = datetime.fromisoformat(until)
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return until > (now or now_utc())


@dataclass
class _Entry:
    failures: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Exponential backoff of failed logins, in this process's memory (no schema needed).

    Two counters per failure: the (account, client) pair and the client alone. After
    ``free_failures`` failures a counter makes its client wait ``base_seconds`` × 2^(n -
    free) seconds (at most ``max_seconds``) before the next attempt is even checked. The
    client-wide counter allows ``client_factor`` times as many failures, so guessing many
    names from one client slows down too. A success clears the pair and the client; a
    counter idle for ``forget_seconds`` is forgotten. At most ``max_entries`` counters are
    kept (the oldest go first), so a flood of clients cannot exhaust memory. Thread-safe.
    """

    def __init__(
        self,
        free_failures: int = 3,
        base_seconds: float = 1.0,
        max_seconds: float = 900.0,
        client_factor: int = 4,
        forget_seconds: float = 24 * 3600.0,
        max_entries: int = 50_000,
    ) -> None:
        self.free_failures = free_failures
        self.base_seconds = base_seconds
        self.max_seconds = max_seconds
        self.client_factor = client_factor
        self.forget_seconds = forget_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every counter (tests, or staff after an incident)."""
        with self._lock:
            self._entries.clear()

    def _get(self, key: tuple[str, str], now: float) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and now - entry.last > self.forget_seconds:
            del self._entries[key]
            return None
        return entry

    def wait_seconds(self, account: str, client: str, now: float | None = None) -> float:
        """Seconds ``client`` must wait before an attempt on ``account`` is checked (0 = go)."""
        now = time.time() if now is None else now
        with self._lock:
            waits = [
                entry.blocked_until - now
                for key in (("pair", f"{account}\x00{client}"), ("client", client))
                if (entry := self._get(key, now)) is not None
            ]
        return max([0.0, *waits])

    def record_failure(self, account: str, client: str, now: float | None = None) -> int:
        """Count one failed attempt; returns the (account, client) pair's failure count."""
        now = time.time() if now is None else now
        counts = []
        with self._lock:
            for key, free in (
                (("pair", f"{account}\x00{client}"), self.free_failures),
                (("client", client), self.free_failures * self.client_factor),
            ):
                entry = self._get(key, now) or _Entry()
                entry.failures += 1
                entry.last = now
                over = entry.failures - free
                if over > 0:
                    delay = min(self.max_seconds, self.base_seconds * 2 ** min(over - 1, 40))
                    entry.blocked_until = now + delay
                self._entries[key] = entry
                self._entries.move_to_end(key)
                counts.append(entry.failures)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return counts[0]

    def record_success(self, account: str, client: str) -> None:
        """A right password: this pair and this client start afresh."""
        with self._lock:
            self._entries.pop(("pair", f"{account}\x00{client}"), None)
            self._entries.pop(("client", client), None)


THROTTLE = LoginThrottle()
BURST_AUDIT = (10, 100, 1_000, 10_000)  # failure counts of a pair that get an audit entry


@dataclass(frozen=True)
class SignIn:
    """The outcome of :func:`sign_in`: ``ok``, or how long the client must wait (seconds)."""

    ok: bool
    wait_seconds: float = 0.0


def sign_in(
    store: CatalogueStore,
    username: str,
    password: str,
    client: str = "local",
    *,
    throttle: LoginThrottle = THROTTLE,
) -> SignIn:
    """Check a login from ``client`` (e.g. its IP address) under the throttle.

    While the client must wait, the password is not checked at all (``ok`` False,
    ``wait_seconds`` > 0); the account itself is never locked, so the owner signing in from
    another client is not affected. A right password of an account with an allowed role
    gives ``ok``; anything else counts as a failure of this (account, client) pair.
    """
    name = username.strip().lower() if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    client = str(client or "unknown")[:200]
    wait = throttle.wait_seconds(name, client)
    if wait > 0:
        return SignIn(False, wait)
    account = store.get_staff(name) if USERNAME_RE.match(name) else None
    ok = False
    if account is None or len(password) > MAX_PASSWORD_LENGTH:
        _spend_time(password[:MAX_PASSWORD_LENGTH])
    else:
        try:
            ok = _hasher.verify(account["password_hash"], password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    if ok and account.get("role") in ROLES:
        throttle.record_success(name, client)
        store.record_login(name, True, None)
        return SignIn(True)
    failures = throttle.record_failure(name, client)
    if failures in BURST_AUDIT:
        with store.write() as conn:
            store.audit(
                conn,
                "login-throttle",
                "login_failures",
                "staff",
                name[:64] if account is not None else "(unknown name)",
                note=f"{failures} failed logins from client {client}",
            )
    return SignIn(False, throttle.wait_seconds(name, client))


def authenticate(
    store: CatalogueStore, username: str, password: str, client: str = "local"
) -> bool:
    """True for the right password of an account with an allowed role (see :func:`sign_in`)."""
    return sign_in(store, username, password, client).ok


def _spend_time(password: str) -> None:
    try:
        _hasher.verify(_dummy_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


# -- command line -------------------------------------------------------------------------


def add_cli(subparsers) -> None:
    """Add ``staff add|list|remove`` to ``python -m catalogue`` (see its docstring)."""
    staff = subparsers.add_parser("staff", help="staff accounts (add, list, remove)")
    actions = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="create an account or reset its password")
    add.add_argument("username")
    add.add_argument(
        "--role",
        choices=ROLES,
        default="moderator",
        help="moderator: inbox, partner registry, audit log, statistics; "
        "admin: also merging partners (default: moderator)",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    add.set_defaults(func=cmd_add)

    listing = actions.add_parser("list", help="list accounts (no password hashes)")
    listing.set_defaults(func=cmd_list)

    remove = actions.add_parser("remove", help="delete an account")
    remove.add_argument("username")
    remove.set_defaults(func=cmd_remove)


NO_TERMINAL = (
    "no terminal to type the password in; pipe it on standard input instead, e.g. "
    "`printf '%s\\n' \"$PASSWORD\" | python -m catalogue staff add NAME --role moderator "
    "--password-stdin` (roles: moderator = inbox, partner registry, audit log, statistics; "
    "admin = all of that and merging partners)"
)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise ValueError("--password-stdin: standard input is empty; send the password")
        return line.rstrip("\r\n")
    first = getpass.getpass("Hasło / Password: ")
    second = getpass.getpass("Powtórz / Repeat: ")
    if first != second:
        raise ValueError("the passwords differ")
    return first


def cmd_add(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Create or reset an account; exit 1 with a reason for a bad name or password."""
    try:
        username = check_username(args.username)
        password = _read_password(args)
        add_staff(store, username, password, args.role)
    except EOFError:
        print(f"staff add: {NO_TERMINAL}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"staff add: {exc}", file=sys.stderr)
        return 1
    print(f"Account {username} ({args.role}) saved.")
    return 0


def cmd_list(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Print user name, role and lock state of every account."""
    frame = store.staff_frame()
    if frame.empty:
        print("No staff accounts.")
        return 0
    for row in frame.itertuples():
        until = None if pd.isna(row.locked_until) else row.locked_until
        locked = " (locked)" if is_locked({"locked_until": until}) else ""
        print(f"{row.username}\t{row.role}{locked}")
    return 0


def cmd_remove(args: argparse.Namespace, store: CatalogueStore) -> int:
    """Delete an account; exit 1 if there is none."""
    if store.remove_staff(args.username, "cli"):
        print(f"Account {args.username} removed.")
        return 0
    print(f"staff remove: no account {args.username!r}", file=sys.stderr)
    return 1


__all__ = [
    "ROLES",
    "THROTTLE",
    "LoginThrottle",
    "SignIn",
    "add_cli",
    "add_staff",
    "authenticate",
    "check_role",
    "check_username",
    "hash_password",
    "is_locked",
    "sign_in",
    "staff_role",
]
