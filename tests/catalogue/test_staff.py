"""Staff accounts: argon2 hashes in the database, login throttling, roles, the command line."""

from __future__ import annotations

import io
import sys
import time

import pytest
import sqlalchemy as sa
from argon2 import Type

from catalogue import staff
from catalogue.__main__ import main
from catalogue.schema import staff_table
from catalogue.storage import CatalogueStore

PASSWORD = "correct horse battery"
PRODUCTION_PREFIX = "$argon2id$v=19$m=65536,t=3,p=4$"


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


@pytest.fixture(autouse=True)
def _fresh_throttle():
    staff.THROTTLE.clear()
    yield
    staff.THROTTLE.clear()


class Clock:
    """A hand-driven clock for the throttle (seconds)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0


def test_brute_force_run_never_keeps_the_owner_out(store, monkeypatch):
    """An attacker hammers anna's name from one client; anna signs in from hers throughout."""
    clock = Clock()
    monkeypatch.setattr(staff.time, "time", lambda: clock.now)
    staff.add_staff(store, "anna", PASSWORD)
    refused_unchecked = 0
    for attempt in range(200):
        result = staff.sign_in(store, "anna", f"guess {attempt:04d}!", client="203.0.113.66")
        assert not result.ok
        refused_unchecked += result.wait_seconds > 0 and attempt > 3
        clock.now += 0.5  # the attacker retries twice a second
        if attempt % 50 == 0:
            # The owner, from her own client, gets in at once, every time.
            assert staff.sign_in(store, "anna", PASSWORD, client="198.51.100.7").ok
    assert refused_unchecked > 150  # most guesses were not even checked
    assert staff.sign_in(store, "anna", PASSWORD, client="198.51.100.7").ok
    # Nothing was locked in the database.
    account = store.get_staff("anna")
    assert account["locked_until"] is None and not staff.is_locked(account)


def test_backoff_doubles_per_client_and_account_and_a_success_clears_it(store, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(staff.time, "time", lambda: clock.now)
    staff.add_staff(store, "anna", PASSWORD)
    waits = []
    for _ in range(6):
        result = staff.sign_in(store, "anna", "wrong password!", client="c1")
        waits.append(result.wait_seconds)
        clock.now += result.wait_seconds  # waits exactly as long as asked
    assert waits == [0, 0, 0, 1, 2, 4]  # three free tries, then 1 s, doubling
    # While waiting, even the right password is not checked from that client...
    staff.sign_in(store, "anna", "wrong password!", client="c1")
    blocked = staff.sign_in(store, "anna", PASSWORD, client="c1")
    assert not blocked.ok and blocked.wait_seconds == pytest.approx(8)
    # ...but after the wait it works, and the count starts again.
    clock.now += 8
    assert staff.sign_in(store, "anna", PASSWORD, client="c1").ok
    assert staff.THROTTLE.wait_seconds("anna", "c1") == 0
    assert staff.sign_in(store, "anna", "one typo!!", client="c1").wait_seconds == 0


def test_one_client_guessing_many_names_is_slowed_too(store, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(staff.time, "time", lambda: clock.now)
    staff.add_staff(store, "anna", PASSWORD)
    for i in range(12):  # three tries on each of four names: no pair is over its budget
        assert staff.sign_in(store, f"name{i // 3}", "x" * 12, client="c9").wait_seconds == 0
    assert staff.sign_in(store, "name9", "x" * 12, client="c9").wait_seconds == 1
    assert staff.sign_in(store, "anna", PASSWORD, client="c10").ok  # another client is fine


def test_a_burst_of_failures_gets_an_audit_entry(store, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(staff.time, "time", lambda: clock.now)
    staff.add_staff(store, "anna", PASSWORD)
    for _ in range(12):
        result = staff.sign_in(store, "anna", "wrong password!", client="203.0.113.9")
        clock.now += result.wait_seconds
    audit = store.audit_frame()
    bursts = audit[audit["action"] == "login_failures"]
    assert len(bursts) == 1
    assert bursts.iloc[0]["object_id"] == "anna"
    assert bursts.iloc[0]["note"] == "10 failed logins from client 203.0.113.9"


def test_the_throttle_keeps_a_bounded_number_of_counters():
    throttle = staff.LoginThrottle(max_entries=100)
    for i in range(1_000):
        throttle.record_failure("anna", f"client-{i}")
    assert len(throttle._entries) == 100


@pytest.fixture
def production_hashing():
    """The production argon2 cost for one test (tests/conftest.py swaps in a cheap one)."""
    cheap = staff.use_hasher(staff.PRODUCTION_HASHER)
    yield
    staff.use_hasher(cheap)


def test_unknown_user_costs_about_as_much_time_as_a_known_one(sqlite_store, production_hashing):
    staff.add_staff(sqlite_store, "anna", PASSWORD)

    def timed(name):
        start = time.perf_counter()
        for i in range(3):
            staff.authenticate(sqlite_store, name, "wrong password!", client=f"{name}{i}")
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
    # The program itself hashes at production cost; only this test process uses the cheap one.
    done = subprocess.run(
        [*run, "--password-stdin"], cwd=repo, env=env, input=PASSWORD + "\n",
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    store = CatalogueStore(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    try:
        assert store.get_staff("ewa")["password_hash"].startswith(PRODUCTION_PREFIX)
    finally:
        store.dispose()


def test_production_hashing_is_rfc_9106_and_tests_hash_cheaply():
    # RFC 9106, 4: the second recommended option (64 MiB, 3 passes, 4 lanes, 128-bit salt,
    # 256-bit tag), which is also argon2-cffi's default.
    hasher = staff.PRODUCTION_HASHER
    assert hasher.type is Type.ID
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 64 * 1024, 4)
    assert (hasher.salt_len, hasher.hash_len) == (16, 32)
    assert hasher.hash(PASSWORD).startswith(PRODUCTION_PREFIX)
    # tests/conftest.py swapped in the cheapest profile for this process.
    assert staff.hash_password(PASSWORD).startswith("$argon2id$v=19$m=8,t=1,p=1$")
