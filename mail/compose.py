"""One :class:`~email.message.EmailMessage` (plain text plus HTML alternative) from a
rendered template."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from mail.config import MailSettings, check_address
from mail.queue import now_utc
from mail.templates import Rendered, clean_header


def build_message(settings: MailSettings, to: str, rendered: Rendered, key: str) -> EmailMessage:
    """The message to ``to`` (checked: one plain address) with the rendered parts.

    The idempotency ``key`` is not written into the message; the ``Message-ID`` is fresh.
    Header values pass :func:`~mail.templates.clean_header` and the SMTP policy, which
    refuses CR/LF in any header.
    """
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = settings.mail_from
    message["To"] = check_address(to, "recipient")
    message["Reply-To"] = settings.contact
    message["Subject"] = clean_header(rendered.subject)
    message["Date"] = format_datetime(now_utc())
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rsplit("@", 1)[1])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    # After the parts: set_content drops every Content-* header set before it.
    message["Content-Language"] = rendered.lang
    return message
