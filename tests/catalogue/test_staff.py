"""Staff accounts: argon2 hashes in the database, locking, roles, the command line."""

from __future__ import annotations

import io
import sys
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from catalogue import staff
from catalogue.__main__ import main
from catalogue.storage import CatalogueStore, now_utc, staff_table

PASSWORD = "correct horse battery"


def test_add_stores_only_an_argon2_hash(store):
    staff.add_staff(store, "anna", PASSWORD)
    account = store.get_staff("anna")
    assert account["role"] == "moderator"
    assert account["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in account["password_hash"]
    assert staff.authenticate(store, "anna", PASSWORD)
    assert staff.authenticate(store, " Anna ", PASSWORD), "names are case-insensitive"
    assert not staff.authenticate(store, "anna", PASSWORD + "x")


@pytest.mark.parametrize(
    ("username", "password", "role"),
    [
        ("Anna Nowak", PASSWORD, "moderator"),
        ("a", PASSWORD, "moderator"),
        ("anna", "short", "moderator"),
        ("anna", PASSWORD, "superuser"),
        ("anna", "x" * 2000, "moderator"),
    ],
)
def test_bad_input_is_refused(store, username, password, role):
    with pytest.raises(ValueError):
        staff.add_staff(store, username, password, role)
    assert store.get_staff("anna") is None


def test_five_failures_lock_the_account_for_15_minutes(store):
    staff.add_staff(store, "anna", PASSWORD)
    for _ in range(staff.MAX_FAILURES):
        assert not staff.authenticate(store, "anna", "wrong password!")
    account = store.get_staff("anna")
    assert account["failed_attempts"] == staff.MAX_FAILURES
    assert staff.is_locked(account)
    # Even the right password is refused while locked.
    assert not staff.authenticate(store, "anna", PASSWORD)
    assert staff.is_locked(store.get_staff("anna"), now_utc() + timedelta(minutes=14))
    assert not staff.is_locked(store.get_staff("anna"), now_utc() + timedelta(minutes=16))

    # When the lock runs out, the right password works and resets the count.
    with store.write() as conn:
        conn.execute(staff_table.update().values(locked_until=now_utc() - timedelta(seconds=1)))
    assert staff.authenticate(store, "anna", PASSWORD)
    account = store.get_staff("anna")
    assert account["failed_attempts"] == 0 and account["locked_until"] is None


def test_one_typo_after_an_expired_lock_does_not_lock_again(store):
    staff.add_staff(store, "anna", PASSWORD)
    for _ in range(staff.MAX_FAILURES):
        staff.authenticate(store, "anna", "wrong password!")
    with store.write() as conn:
        conn.execute(staff_table.update().values(locked_until=now_utc() - timedelta(seconds=1)))
    assert not staff.authenticate(store, "anna", "typo typo typo")
    account = store.get_staff("anna")
    assert account["failed_attempts"] == 1 and not staff.is_locked(account)


def test_unknown_user_costs_about_as_much_time_as_a_known_one(sqlite_store):
    staff.add_staff(sqlite_store, "anna", PASSWORD)

    def timed(name):
        start = time.perf_counter()
        for _ in range(3):
            staff.authenticate(sqlite_store, name, "wrong password!")
        return time.perf_counter() - start

    timed("ghost")  # warm up
    known, unknown = timed("anna"), timed("ghost")
    # argon2 dominates both; without the dummy verification "ghost" would take ~0 s.
    assert unknown > known * 0.5, (known, unknown)


def test_account_with_a_role_outside_the_allow_list_cannot_log_in(store):
    staff.add_staff(store, "anna", PASSWORD)
    with store.write() as conn:
        conn.execute(staff_table.update().values(role="visitor"))
    assert staff.staff_role(store, "anna") is None
    assert not staff.authenticate(store, "anna", PASSWORD)


def test_removed_account_has_no_role(store):
    staff.add_staff(store, "anna", PASSWORD, "admin")
    assert staff.staff_role(store, "anna") == "admin"
    assert store.remove_staff("anna", "test")
    assert staff.staff_role(store, "anna") is None
    assert not store.remove_staff("anna", "test")


def test_check_role_is_an_allow_list():
    assert staff.check_role("admin") == "admin"
    with pytest.raises(ValueError, match="moderator"):
        staff.check_role("root")


def test_cli_add_list_remove(tmp_path, monkeypatch, capsys):
    db = tmp_path / "cli.sqlite"
    monkeypatch.setenv("CATALOGUE_DB", str(db))
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["staff", "add", "ewa", "--role", "admin", "--password-stdin"]) == 0
    assert "ewa (admin)" in capsys.readouterr().out
    assert main(["staff", "list"]) == 0
    out = capsys.readouterr().out
    assert "ewa\tadmin" in out and "argon2" not in out

    store = CatalogueStore(f"sqlite:///{db}")
    try:
        assert staff.authenticate(store, "ewa", PASSWORD)
        with store.read() as conn:
            stored = conn.execute(sa.select(staff_table.c.password_hash)).scalar()
        assert stored.startswith("$argon2id$")
    finally:
        store.dispose()

    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["staff", "add", "tom", "--password-stdin"]) == 1
    assert "at least" in capsys.readouterr().err
    assert main(["staff", "remove", "ewa"]) == 0
    assert main(["staff", "remove", "ewa"]) == 1
    with pytest.raises(SystemExit):
        main(["staff", "add", "tom", "--role", "root", "--password-stdin"])


def test_cli_asks_twice_with_getpass(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "cli.sqlite"))
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr(staff.getpass, "getpass", lambda prompt: next(answers))
    assert main(["staff", "add", "tom"]) == 1
    assert "differ" in capsys.readouterr().err
    answers = iter([PASSWORD, PASSWORD])
    assert main(["staff", "add", "tom"]) == 0


def test_cli_without_a_terminal_says_why_and_how(tmp_path):
    import os
    import subprocess
    from pathlib import Path

    env = dict(os.environ, CATALOGUE_DB=str(tmp_path / "cli.sqlite"))
    env.pop("DATABASE_URL", None)
    repo = Path(__file__).resolve().parents[2]
    run = [sys.executable, "-m", "catalogue", "staff", "add", "ewa"]
    # No controlling terminal and nothing on standard input, as under cron or CI.
    done = subprocess.run(
        run, cwd=repo, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        start_new_session=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "no terminal" in done.stderr and "--password-stdin" in done.stderr
    assert "moderator" in done.stderr and "admin" in done.stderr
    done = subprocess.run(
        [*run, "--password-stdin"], cwd=repo, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "standard input is empty" in done.stderr
