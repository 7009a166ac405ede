"""Staff login for Streamlit pages.

Every staff page calls :func:`require_staff` at the top of EVERY run. It returns the user
name only while the session is logged in AND the account still exists with a role from
:data:`catalogue.staff.ROLES` (a removed or demoted account is logged out on its next
click), and the login is younger than :data:`SESSION_HOURS`. Hiding pages from the menu is
only a convenience; this check is the access control.
"""

from __future__ import annotations

import math
import time

import streamlit as st

from catalogue.staff import sign_in, staff_role
from ui.errors import defer_errors
from ui.i18n import translate
from ui.state import get_store

SESSION_HOURS = 10  # one working day at a fair or in the office
USER_KEY = "staff_user"
SINCE_KEY = "staff_since"

S = {
    "login_title": {
        "pl": "Logowanie pracowników Klastra",
        "en": "Cluster staff login",
        "uk": "Вхід для працівників кластера",
    },
    "login_intro": {
        "pl": "Ta strona jest tylko dla pracowników moderujących katalog.",
        "en": "This page is for staff who moderate the catalogue.",
        "uk": "Ця сторінка лише для працівників, які модерують каталог.",
    },
    "username": {"pl": "Nazwa użytkownika", "en": "User name", "uk": "Ім'я користувача"},
    "password": {"pl": "Hasło", "en": "Password", "uk": "Пароль"},
    "login": {"pl": "Zaloguj", "en": "Log in", "uk": "Увійти"},
    "failed": {
        "pl": "Nieprawidłowa nazwa użytkownika lub hasło.",
        "en": "Wrong user name or password.",
        "uk": "Неправильне ім'я користувача або пароль.",
    },
    "wait": {
        "pl": "Zbyt wiele nieudanych prób z tego urządzenia. Następna próba będzie sprawdzona "
        "za {seconds} s.",
        "en": "Too many failed attempts from this device. The next attempt is checked in "
        "{seconds} s.",
        "uk": "Забагато невдалих спроб із цього пристрою. Наступну спробу буде перевірено "
        "через {seconds} с.",
    },
    "logged_in": {
        "pl": "Zalogowano: **{user}** ({role})",
        "en": "Logged in: **{user}** ({role})",
        "uk": "Ви увійшли: **{user}** ({role})",
    },
    "logout": {"pl": "Wyloguj", "en": "Log out", "uk": "Вийти"},
    "expired": {
        "pl": "Sesja wygasła albo konto zostało zmienione. Zaloguj się ponownie.",
        "en": "The session expired or the account changed. Please log in again.",
        "uk": "Сесія закінчилася або обліковий запис змінено. Увійдіть знову.",
    },
}


def _tr(key: str, lang: str, **params) -> str:
    return translate(S, key, lang, **params)


def logout() -> None:
    """Forget the login of this session."""
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(SINCE_KEY, None)


def current_staff() -> tuple[str, str] | None:
    """(user name, role) of a valid login of this session, else None (and logged out)."""
    user = st.session_state.get(USER_KEY)
    if not user:
        return None
    since = st.session_state.get(SINCE_KEY) or 0.0
    role = staff_role(get_store(), user)
    if role is None or time.time() - float(since) > SESSION_HOURS * 3600:
        logout()
        st.session_state["staff_expired"] = True
        return None
    return str(user), role


def client_id() -> str:
    """Who is signing in, for the login throttle: the connection's IP address.

    Behind the reverse proxy on this host (the connection comes from loopback) it is the
    proxy's ``X-Real-IP``, which ``deploy/nginx-app.conf`` overwrites for every request;
    a client talking to the app directly cannot choose it.
    """
    ip = st.context.ip_address
    if ip:
        return ip
    forwarded = (st.context.headers.get("X-Real-IP") or "").strip()
    return forwarded[:64] or "local"


@defer_errors
def _submit_login() -> None:
    # A callback: the password is checked before the page runs, then cleared from state.
    username = str(st.session_state.get("staff_username") or "")
    password = str(st.session_state.get("staff_password") or "")
    st.session_state["staff_password"] = ""
    result = sign_in(get_store(), username, password, client_id())
    if result.ok:
        st.session_state[USER_KEY] = username.strip().lower()
        st.session_state[SINCE_KEY] = time.time()
        st.session_state.pop("staff_failed", None)
        st.session_state.pop("staff_expired", None)
    else:
        st.session_state["staff_failed"] = math.ceil(result.wait_seconds)


def require_staff(lang: str) -> str | None:
    """The logged-in staff user name, or None after rendering the login form."""
    staff = current_staff()
    if staff is not None:
        user, role = staff
        with st.sidebar:
            st.markdown(_tr("logged_in", lang, user=user, role=role))
            st.button(
                _tr("logout", lang), key="staff_logout", on_click=logout, icon=":material/logout:"
            )
        return user
    st.subheader(_tr("login_title", lang), anchor=False)
    st.caption(_tr("login_intro", lang))
    if st.session_state.pop("staff_expired", False):
        st.info(_tr("expired", lang), icon=":material/lock_clock:")
    with st.form("staff_login_form", border=True):
        st.text_input(_tr("username", lang), key="staff_username", max_chars=64)
        st.text_input(_tr("password", lang), key="staff_password", type="password", max_chars=1024)
        st.form_submit_button(
            _tr("login", lang), key="staff_login", on_click=_submit_login, type="primary"
        )
    failed = st.session_state.get("staff_failed")
    if failed is not None and failed is not False:
        if failed is True or int(failed) <= 0:
            st.error(_tr("failed", lang), icon=":material/error:")
        else:
            st.error(_tr("wait", lang, seconds=int(failed)), icon=":material/lock_clock:")
    return None
