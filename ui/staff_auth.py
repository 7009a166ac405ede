"""Staff login for Streamlit pages.

Every staff page calls :func:`require_staff` at the top of EVERY run. It returns the user
name only while the session is logged in AND the account still exists with a role from
:data:`catalogue.staff.ROLES` (a removed or demoted account is logged out on its next
click), and the login is younger than :data:`SESSION_HOURS`. Hiding pages from the menu is
only a convenience; this check is the access control.

A login survives a page reload through a cookie holding a signed session token
(``user.issued.expires.generation.signature``, HMAC-SHA256 with a server secret): it
expires with the login, and logging out bumps the account's generation, which revokes
every token of that account. Neither the password nor the token ever goes into the URL.
The secret (``STAFF_SESSION_SECRET``, else a random key created once with mode 0600) and
the generations live in files next to the SQLite database (``data/`` otherwise), not in
the catalogue schema.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import secrets
import time
from functools import partial
from pathlib import Path

import streamlit as st

from catalogue.atomic_file import write_atomic
from catalogue.database import DEFAULT_DB_PATH
from catalogue.staff import USERNAME_RE, sign_in, staff_role
from ui.errors import defer_errors
from ui.i18n import load_strings, translate
from ui.state import get_store

SESSION_HOURS = 10  # one working day at a fair or in the office
USER_KEY = "staff_user"
SINCE_KEY = "staff_since"
COOKIE = "rkesi_staff"


def session_dir() -> Path:
    """Where the session secret and the revocation counters live (next to the SQLite file)."""
    db = os.environ.get("CATALOGUE_DB", "").strip()
    if db and not os.environ.get("DATABASE_URL", "").strip():
        return Path(db).resolve().parent
    return DEFAULT_DB_PATH.parent


def _secret() -> bytes:
    configured = os.environ.get("STAFF_SESSION_SECRET", "").strip()
    if configured:
        return configured.encode("utf-8")
    path = session_dir() / "staff-session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, secrets.token_hex(32).encode("ascii"), mode=0o600)
    return path.read_bytes().strip()


def _generations_path() -> Path:
    return session_dir() / "staff-sessions.json"


def _generations() -> dict[str, int]:
    try:
        data = json.loads(_generations_path().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def revoke_sessions(user: str) -> None:
    """Invalidate every session token of ``user`` (all browsers), e.g. on logout."""
    generations = _generations()
    generations[user] = generations.get(user, 0) + 1
    write_atomic(_generations_path(), json.dumps(generations).encode("utf-8"), mode=0o600)


def _sign(payload: str) -> str:
    mac = hmac.new(_secret(), payload.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def issue_token(user: str, issued: float, hours: float = SESSION_HOURS) -> str:
    """A signed token for ``user``, valid ``hours`` from ``issued`` (Unix seconds)."""
    if not USERNAME_RE.match(user):
        raise ValueError(f"user name {user!r} cannot go into a session token")
    generation = _generations().get(user, 0)
    payload = f"{user}.{int(issued)}.{int(issued + hours * 3600)}.{generation}"
    return f"{payload}.{_sign(payload)}"


def verify_token(token: str, now: float | None = None) -> tuple[str, float] | None:
    """(user, issued) of a genuine, unexpired, unrevoked token, else None."""
    parts = str(token or "").split(".")
    if len(parts) < 5:
        return None
    # User names may contain dots: the last four parts are fixed.
    user = ".".join(parts[:-4])
    issued, expires, generation, signature = parts[-4:]
    payload = ".".join(parts[:-1])
    if not hmac.compare_digest(_sign(payload), signature):
        return None
    try:
        issued_at, expires_at, gen = int(issued), int(expires), int(generation)
    except ValueError:
        return None
    now = time.time() if now is None else now
    if not (issued_at <= now + 60 and now < expires_at):
        return None
    if gen != _generations().get(user, 0):
        return None
    return user, float(issued_at)


def _cookie_script(value: str, max_age: int) -> None:
    # The token is base64url and digits only; json.dumps makes it a safe JS string anyway.
    secure = "; Secure" if (st.context.url or "").startswith("https:") else ""
    st.html(
        "<script>document.cookie = "
        + json.dumps(f"{COOKIE}={value}; Path=/; Max-Age={max_age}; SameSite=Strict{secure}")
        + ";</script>",
        unsafe_allow_javascript=True,
    )


S = load_strings("staff_auth")


_tr = partial(translate, S)


def logout() -> None:
    """Forget the login of this session and revoke its session tokens (every browser)."""
    user = st.session_state.pop(USER_KEY, None)
    st.session_state.pop(SINCE_KEY, None)
    st.session_state.pop("staff_cookie_set", None)
    if user:
        revoke_sessions(str(user))
        st.session_state["staff_clear_cookie"] = True


def current_staff() -> tuple[str, str] | None:
    """(user name, role) of a valid login of this session, else None (and logged out)."""
    user = st.session_state.get(USER_KEY)
    if not user and not st.session_state.get("staff_clear_cookie"):
        # A reload starts a new session: the signed cookie brings the login back.
        restored = verify_token(st.context.cookies.get(COOKIE, ""))
        if restored is not None:
            user, since = restored
            st.session_state[USER_KEY] = user
            st.session_state[SINCE_KEY] = since
            st.session_state["staff_cookie_set"] = True
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
        if not st.session_state.get("staff_cookie_set"):
            since = float(st.session_state.get(SINCE_KEY) or time.time())
            left = int(since + SESSION_HOURS * 3600 - time.time())
            _cookie_script(issue_token(user, since), max(left, 0))
            st.session_state["staff_cookie_set"] = True
        with st.sidebar:
            st.markdown(_tr("logged_in", lang, user=user, role=role))
            st.button(
                _tr("logout", lang), key="staff_logout", on_click=logout, icon=":material/logout:"
            )
        return user
    if st.session_state.pop("staff_clear_cookie", False):
        _cookie_script("", 0)
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
