"""No traceback reaches a visitor: friendly pages for a broken database, safe URL parsing.

The database is broken for real (a truncated file, random bytes, a read-only connection);
every text element of the page is searched for traceback or driver text.
"""

from __future__ import annotations

import os
import stat

import pytest
from streamlit.testing.v1 import AppTest

from catalogue import staff
from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore
from tests.app.conftest import REPO_ROOT, point_app_at
from ui.errors import cause_key, is_database_error

MAP = "ui/pages/map_page.py"
KIOSK = "ui/pages/kiosk_page.py"
MODERATION = "ui/pages/moderation_page.py"
PASSWORD = "correct horse battery"
LEAKS = ("Traceback", "sqlalchemy", "sqlite3", "OperationalError", "DatabaseError", 'File "')


def page_text(at: AppTest) -> str:
    """All text the page shows (titles, markdown, alerts, captions, exceptions)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.error]
    parts += [str(e.value) + " ".join(e.stack_trace) for e in at.exception]
    return "\n".join(parts)


def assert_no_leak(at: AppTest) -> None:
    text = page_text(at)
    for word in LEAKS:
        assert word not in text, (word, text)
    assert str(REPO_ROOT) not in text


def run_app(lang: str | None = None, page: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    if lang:
        at.query_params["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture
def broken_db(tmp_path, monkeypatch):
    """Point the app at a database file; the test decides what is in it."""
    return point_app_at(tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("content", "lang", "title"),
    [
        pytest.param(
            b"SQLite format 3\x00" + b"\x00" * 84,
            "pl",
            "Mapa jest chwilowo niedostępna",
            id="truncated",
        ),
        pytest.param(os.urandom(16_384), "en", "The map is temporarily unavailable", id="garbage"),
        pytest.param(b"", "uk", "Мапа тимчасово недоступна", id="empty-header-only"),
    ],
)
def test_broken_database_gives_the_friendly_page_in_the_visitors_language(
    broken_db, content, lang, title
):
    if content:
        broken_db.write_bytes(content)
    else:  # a real database cut off after its first page
        store = CatalogueStore(f"sqlite:///{broken_db}")
        store.create_schema()
        load_sample_catalogue(store)
        store.dispose()
        for suffix in ("-wal", "-shm"):
            broken_db.with_name(broken_db.name + suffix).unlink(missing_ok=True)
        data = broken_db.read_bytes()
        broken_db.write_bytes(data[: len(data) // 3])
    at = run_app(lang)
    assert not at.exception, [e.value for e in at.exception]
    assert title in [t.value for t in at.title]
    assert_no_leak(at)
    # Staff are not shown a stack either, but they learn what is wrong in words.
    assert not at.warning


def test_staff_read_the_cause_in_words(broken_db):
    broken_db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    at = run_app("en", staff_user="someone")
    assert "The map is temporarily unavailable" in [t.value for t in at.title]
    warning = at.warning[0].value
    assert warning.startswith("For staff: the database file is damaged or not a database")
    assert_no_leak(at)


def test_read_only_database_shows_the_map_and_a_friendly_page_on_write(tmp_path, monkeypatch):
    path = tmp_path / "catalogue.sqlite"
    store = CatalogueStore(f"sqlite:///{path}")
    store.create_schema()
    load_sample_catalogue(store)
    staff.add_staff(store, "owner", PASSWORD)
    store.dispose()
    # Root ignores file modes, so the connection itself is read-only (SQLite URI mode=ro).
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos"))
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    at = run_app()
    assert "Mapa produktów turystycznych" in [t.value for t in at.title]  # reading works
    at.switch_page(MODERATION)
    at.run()
    staff.THROTTLE.clear()
    at.text_input(key="staff_username").input("owner")
    at.text_input(key="staff_password").input(PASSWORD)
    at.button(key="staff_login").click().run()  # a login writes (last login, audit)
    assert not at.exception, [e.value for e in at.exception]
    assert "Mapa jest chwilowo niedostępna" in [t.value for t in at.title]
    assert_no_leak(at)


def test_full_disk_and_locks_are_named_for_staff():
    from sqlalchemy.exc import OperationalError

    full = OperationalError("INSERT …", {}, Exception("database or disk is full"))
    assert is_database_error(full) and cause_key(full) == "cause_full"
    readonly = OperationalError("UPDATE …", {}, Exception("attempt to write a readonly database"))
    assert cause_key(readonly) == "cause_readonly"
    assert is_database_error(OSError(28, "No space left on device"))
    assert cause_key(OSError(28, "No space left on device")) == "cause_full"
    assert not is_database_error(KeyError("x"))
    assert cause_key(KeyError("x")) == "cause_other"


@pytest.fixture
def db(db, monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    load_sample_catalogue(db)
    return db


@pytest.mark.parametrize("value", ["²", "١٢", "0", "13", "-1", "1e1", " 5"])
def test_map_month_from_the_url_is_an_allow_list(db, value):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.query_params["month"] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["f_month"] is None


def test_map_month_from_the_url_still_works(db):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.query_params["month"] = "7"
    at.run()
    assert not at.exception
    assert at.session_state["f_month"] == 7


def test_kiosk_numbers_from_the_url_are_an_allow_list_and_base_is_ignored(db):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(KIOSK)
    at.query_params["interval"] = "²"
    at.query_params["idle"] = "99999"
    at.query_params["base"] = "https://evil.example/x"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["kiosk_interval"] == 12  # the default: "²" is not a number
    assert at.session_state["kiosk_idle"] == 600  # clamped to the slider's range
    text = page_text(at)
    assert "evil.example" not in text
    # The QR codes' address is shown to staff: the app's own, not the link's.
    assert any("(do kodów QR): `" in m.value for m in at.markdown)
