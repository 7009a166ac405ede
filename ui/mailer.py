"""The pages' one-line hooks into :mod:`mail`, the background sender and the staff view.

Each hook queues a message and returns at once (the sender thread delivers it), and never
lets a mail problem undo or hide what the page just did: a failure is logged and staff see
the queue on the moderation page.
"""

from __future__ import annotations

import logging
import os
from functools import partial
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from catalogue.links import BASE_URL_ENV, public_base_url
from mail import events
from mail.config import MailConfigError, load_settings
from mail.queue import MailQueue
from mail.ratelimit import RateLimiter
from mail.sender import start_background_sender
from mail.templates import plural
from ui.i18n import load_strings, translate

log = logging.getLogger(__name__)
RECOVERY_PER_ADDRESS = RateLimiter(limit=3, window_s=3600, max_keys=10_000)
RECOVERY_PER_CLIENT = RateLimiter(limit=10, window_s=3600, max_keys=10_000)
SHOWN = 200

S = load_strings("mailer")


tr = partial(translate, S)


@st.cache_resource(show_spinner=False)
def _sender():
    return start_background_sender()


def ensure_sender() -> None:
    """Start the process's sender thread once (cached resource; restarted if it ended)."""
    try:
        if not _sender().is_alive():
            _sender.clear()
            _sender()
    except Exception:  # noqa: BLE001 - a page must work even if mail cannot start
        log.exception("mail sender did not start")


def base_url(page_path: str) -> str | None:
    """``PUBLIC_BASE_URL`` if set, else this app's address seen from the page at
    ``page_path`` (e.g. ``"dodaj"``); None lets :mod:`catalogue.links` use its default."""
    if os.environ.get(BASE_URL_ENV, "").strip():
        return public_base_url()
    parts = urlsplit(st.context.url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        path = parts.path.rstrip("/").removesuffix(f"/{page_path}")
        return public_base_url(f"{parts.scheme}://{parts.netloc}{path}")
    return None


def _safely(hook, *args, **kwargs):
    ensure_sender()
    try:
        return hook(*args, **kwargs)
    except Exception:  # noqa: BLE001 - the page's action stands; staff see the queue
        log.exception("mail hook %s failed", getattr(hook, "__name__", hook))
        return None


def submitted(product, token: str, lang: str) -> None:
    """After a form submission: the private link by e-mail."""
    _safely(events.submission_received, product, token, lang, base_url("dodaj"))


def bulk_submitted(store, product_ids: list[str], lang: str) -> int:
    """After a file upload: one link per row with an e-mail; returns how many were queued."""
    return _safely(events.bulk_received, store, product_ids, lang, base_url("dodaj")) or 0


def links_sent_text(n: int, lang: str) -> str:
    """The line "Private links sent by e-mail: 5 messages", with the right plural form."""
    return tr("links_sent", lang, messages=plural("messages", n, lang))


def approved(store, revision_id: int) -> None:
    """After staff approved a revision."""
    _safely(events.approved, store, revision_id, base_url("moderacja"))


def rejected(store, revision_id: int) -> None:
    """After staff rejected a revision."""
    _safely(events.rejected, store, revision_id, base_url("moderacja"))


def edit_held(store, revision_id: int, lang: str) -> None:
    """After a partner's edit was held for review."""
    _safely(events.edit_held, store, revision_id, lang, base_url("moja-oferta"))


def archived(store, product_id: str, page_path: str = "moderacja") -> None:
    """After an offering was taken off the map (staff or the partner)."""
    _safely(events.archived, store, str(product_id), base_url(page_path))


def client_key() -> str:
    """Who asks, for the per-client limit: the client's address, else this session."""
    ip = getattr(st.context, "ip_address", None)
    if ip:
        return f"ip:{ip}"
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id if ctx else 'unknown'}"


def recover(store, email: str, lang: str) -> bool:
    """Lost link: False if the rate limit stops the request, else True — whether or not the
    address is known (the page answers the same; only the mailbox learns)."""
    address = (email or "").strip().lower()[:254]
    if not RECOVERY_PER_CLIENT.allow(client_key()) or not RECOVERY_PER_ADDRESS.allow(address):
        return False
    _safely(events.recover_links, store, address, lang, base_url("moja-oferta"))
    return True


def asked_records() -> dict[str, dict]:
    """The newest "still correct?" record per product id (empty if mail is misconfigured)."""
    try:
        return events.asked()
    except MailConfigError:
        return {}


def asked_line(record: dict | None, lang: str, when) -> str:
    """The line "asked x@y on … (sent)" for the stale list, or "" if nobody was asked."""
    if record is None:
        return ""
    return tr(
        "asked", lang, to=record["to"], at=when(record["created_at"]), status=_status(record, lang)
    )


def _status(record: dict, lang: str) -> str:
    return tr(f"status_{record['status']}", lang)


def _event(record: dict, lang: str) -> str:
    key = f"event_{record['event']}"
    return tr(key, lang) if key in S else str(record["event"])


def staff_section(lang: str, when) -> None:
    """Read-only list of queued and sent messages (no bodies: they hold private links)."""
    st.subheader(tr("mail_title", lang), anchor=False)
    try:
        settings = load_settings()
    except MailConfigError as exc:
        st.error(tr("mail_config_error", lang, error=str(exc)), icon=":material/error:")
        return
    if settings.smtp:
        st.caption(tr("mail_mode_smtp", lang, host=f"{settings.smtp.host}:{settings.smtp.port}"))
    else:
        st.caption(tr("mail_mode_outbox", lang, path=str(settings.outbox_dir)))
    records = MailQueue(settings.queue_dir).records()
    if not records:
        st.caption(tr("mail_empty", lang))
        return
    waiting = [r for r in records if r["status"] in ("retrying", "failed")]
    if waiting:
        st.warning(tr("mail_failed", lang, n=len(waiting)), icon=":material/mail_lock:")
    shown = pd.DataFrame(
        {
            tr("col_created", lang): [when(r["created_at"]) for r in records[:SHOWN]],
            tr("col_event", lang): [_event(r, lang) for r in records[:SHOWN]],
            tr("col_to", lang): [r["to"] for r in records[:SHOWN]],
            tr("col_subject", lang): [r["subject"] for r in records[:SHOWN]],
            tr("col_status", lang): [_status(r, lang) for r in records[:SHOWN]],
            tr("col_attempts", lang): [int(r["attempts"]) for r in records[:SHOWN]],
            tr("col_error", lang): [r.get("last_error") or "" for r in records[:SHOWN]],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch", key="mod_mail_table", height=320)
