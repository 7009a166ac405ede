"""Delivering one stored message: to the SMTP server, or as an ``.eml`` file in the outbox."""

from __future__ import annotations

import smtplib
import ssl

from catalogue.atomic_file import write_atomic
from mail.config import MailSettings

TIMEOUT_S = 20


def deliver(
    settings: MailSettings, record: dict, data: bytes, context: ssl.SSLContext | None = None
) -> str:
    """Send one message (``data``, the ``.eml`` bytes) to ``record["to"]``; returns the way
    (``"smtp"`` or ``"outbox"``). Raises on any failure, so the queue retries it.

    ``context`` replaces the system's certificate checks (tests with their own certificate).
    """
    if settings.smtp is None:
        name = f"{record['created_at'][:19].replace(':', '')}-{record['id'][:12]}.eml"
        write_atomic(settings.outbox_dir / name, data, mode=0o600)
        return "outbox"
    target = settings.smtp
    context = context or ssl.create_default_context()
    if target.tls == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            target.host, target.port, timeout=TIMEOUT_S, context=context
        )
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_S)
    with client:
        client.ehlo()
        if target.tls == "starttls":
            if not client.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError(
                    f"{target.host}:{target.port} offers no STARTTLS; refusing to send in clear"
                )
            client.starttls(context=context)
            client.ehlo()
        if target.username:
            client.login(target.username, target.password)
        # The stored bytes as they are: regenerating would fold the headers again.
        client.sendmail(settings.mail_from, [record["to"]], data)
    return "smtp"
