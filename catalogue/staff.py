"""Staff accounts: argon2 password hashes in the database, login with limited attempts.

Passwords never reach the repository or the command line: ``python -m catalogue staff add
NAME`` asks for one with ``getpass`` (or reads it from standard input with
``--password-stdin``, for scripts), and only its argon2id hash goes to the ``staff`` table.

:func:`authenticate` locks an account for :data:`LOCK_MINUTES` after :data:`MAX_FAILURES`
failed attempts in a row, and spends the same argon2 work on unknown names, so the answer
time does not tell which names exist.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from datetime import UTC, datetime

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from catalogue.storage import CatalogueStore, now_utc

ROLES: tuple[str, ...] = ("moderator", "admin")
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 accepts more; a cap keeps a login from being a DoS
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

_HASHER = PasswordHasher()
# Verified against for unknown names, so they cost as much time as known ones.
_DUMMY_HASH = _HASHER.hash("not a real password; only spends the same time")


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
    return _HASHER.hash(check_password(password))


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
    """True while an account's lock has not run out."""
    until = account.get("locked_until")
    if until is None:
        return False
    if isinstance(until, str):
        until = datetime.fromisoformat(until)
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return until > (now or now_utc())


def authenticate(store: CatalogueStore, username: str, password: str) -> bool:
    """True for the right password of an unlocked account with an allowed role.

    Every wrong password counts towards the lock, also while locked; the caller learns
    nothing more than True or False.
    """
    name = username.strip().lower() if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    account = store.get_staff(name) if USERNAME_RE.match(name) else None
    if account is None or len(password) > MAX_PASSWORD_LENGTH:
        _spend_time(password[:MAX_PASSWORD_LENGTH])
        return False
    try:
        ok = _HASHER.verify(account["password_hash"], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or is_locked(account) or account.get("role") not in ROLES:
        if not ok:
            store.record_failed_login(name, MAX_FAILURES, LOCK_MINUTES * 60)
        return False
    store.record_login(name, True, None)
    return True


def _spend_time(password: str) -> None:
    try:
        _HASHER.verify(_DUMMY_HASH, password)
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
    "LOCK_MINUTES",
    "MAX_FAILURES",
    "ROLES",
    "add_cli",
    "add_staff",
    "authenticate",
    "check_role",
    "check_username",
    "hash_password",
    "is_locked",
    "staff_role",
]
