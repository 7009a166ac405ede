"""What a visitor sees when a page fails: a friendly page in their language, never a traceback.

``app.py`` runs every page inside :func:`run_guarded`. A database that is unavailable,
read-only, corrupt or full gives "Mapa jest chwilowo niedostępna…"; any other error gives a
short apology. The details (exception and stack) go to the server log; a signed-in staff
member additionally reads what went wrong in words (no paths, no SQL).
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable

import streamlit as st

from ui.i18n import load_strings, translate

log = logging.getLogger("rkesi.app")

S = load_strings("errors")

# (words in the driver's message, cause key), first match wins.
_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("readonly", "read-only", "read only"), "cause_readonly"),
    (("disk is full", "disk full", "no space left", "database or disk is full"), "cause_full"),
    (
        ("not a database", "malformed", "corrupt", "file is encrypted", "disk i/o error"),
        "cause_corrupt",
    ),
    (("locked", "busy"), "cause_locked"),
)


def is_database_error(exc: BaseException) -> bool:
    """True for errors of the database or its file (SQLAlchemy, sqlite3, full disk)."""
    try:
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:  # pragma: no cover - SQLAlchemy is a dependency
        SQLAlchemyError = ()  # noqa: N806
    if isinstance(exc, SQLAlchemyError | sqlite3.Error):
        return True
    return isinstance(exc, OSError) and exc.errno in (28, 30)  # ENOSPC, EROFS


def cause_key(exc: BaseException) -> str:
    """The key of a plain-words explanation of ``exc`` for staff."""
    text = str(exc).lower()
    for words, key in _CAUSES:
        if any(w in text for w in words):
            return key
    return "cause_unavailable" if is_database_error(exc) else "cause_other"


def show_failure(exc: BaseException, lang: str, staff: bool) -> None:
    """Render the friendly page for ``exc`` in ``lang``; the cause in words for ``staff``."""
    database = is_database_error(exc)
    title, body = (
        ("unavailable_title", "unavailable_body") if database else ("error_title", "error_body")
    )
    st.title(translate(S, title, lang), anchor=False)
    st.info(translate(S, body, lang), icon=":material/construction:")
    if staff:
        cause = translate(S, cause_key(exc), lang, kind=type(exc).__name__)
        st.warning(translate(S, "staff_cause", lang, cause=cause), icon=":material/engineering:")


DEFERRED_KEY = "_deferred_error"


def defer_errors(callback: Callable[[], None]) -> Callable[[], None]:
    """A widget callback whose errors surface in the page run (and so in :func:`run_guarded`).

    Streamlit runs callbacks before the script, outside any ``try`` of ``app.py``; an error
    there would reach the browser as Streamlit's own error box. The error is raised in the
    next page run by :func:`run_guarded`.
    """

    @functools.wraps(callback)
    def wrapper(*args, **kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except Exception as exc:
            st.session_state[DEFERRED_KEY] = exc

    return wrapper


def run_guarded(body: Callable[[], None], lang: Callable[[], str], staff: Callable[[], bool]):
    """Run ``body``; on an error show :func:`show_failure`, with the stack in the server log.

    A database error is handled here (logged, friendly page). Any other error is a bug: after
    the friendly page it is re-raised, so Streamlit logs it and tests see it, while
    ``client.showErrorDetails = "none"`` keeps its text out of the browser. An error kept by
    :func:`defer_errors` is raised first. ``lang`` and ``staff`` are called only after a
    failure (they must not touch the database). Streamlit's rerun/stop signals are
    BaseExceptions and pass through.
    """
    try:
        if (deferred := st.session_state.pop(DEFERRED_KEY, None)) is not None:
            raise deferred
        body()
    except Exception as exc:
        show_failure(exc, lang(), staff())
        if not is_database_error(exc):
            raise
        log.exception("page failed, database error: %s", type(exc).__name__)
