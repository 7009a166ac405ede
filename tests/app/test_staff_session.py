"""Signed, expiring, revocable staff session tokens (the cookie that survives a reload)."""

from __future__ import annotations

import time

from ui.staff_auth import SESSION_HOURS, issue_token, revoke_sessions, session_dir, verify_token


def test_token_round_trip_tamper_expiry_and_revocation():
    now = time.time()
    token = issue_token("anna", now)
    assert verify_token(token, now + 60) == ("anna", float(int(now)))
    assert "anna" in token and "correct horse" not in token
    # Changing any part breaks the signature.
    user, issued, expires, generation, signature = token.split(".")
    forged = ".".join(["admin", issued, expires, generation, signature])
    assert verify_token(forged, now) is None
    longer = ".".join([user, issued, str(int(expires) + 86400), generation, signature])
    assert verify_token(longer, now) is None
    assert verify_token("", now) is None and verify_token("a.b.c", now) is None
    # Bounded: dead after SESSION_HOURS.
    assert verify_token(token, now + SESSION_HOURS * 3600 + 1) is None
    # Revoked: logging out bumps the account's generation; other accounts are unaffected.
    other = issue_token("jan.kowalski", now)
    revoke_sessions("anna")
    assert verify_token(token, now + 60) is None
    assert verify_token(other, now + 60) == ("jan.kowalski", float(int(now)))
    assert verify_token(issue_token("anna", now), now + 60) is not None
    # The secret is a private file next to the database, not in the repository.
    key = session_dir() / "staff-session.key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
