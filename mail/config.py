"""Mail settings from the environment or ``.streamlit/secrets.toml`` (read with tomllib, so
this package never imports Streamlit).

``SMTP_URL``: ``smtp://user:pass@host:587`` (STARTTLS, required), ``smtps://user:pass@host:465``
(TLS from the first byte), or ``smtp://host:25?tls=none`` for a relay on the same machine
only. Without ``SMTP_URL`` (the embedded default) messages are written as ``.eml`` files into
the outbox folder. ``MAIL_FROM`` is the sender address, ``MAIL_CONTACT`` the address partners
are told to write to (default: ``MAIL_FROM``), ``MAIL_DIR`` holds the queue and the outbox
(default: ``mail/`` beside the SQLite file of ``CATALOGUE_DB``, else ``data/mail/``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from catalogue.database import DEFAULT_DB_PATH, REPO_ROOT

SECRETS_FILE = REPO_ROOT / ".streamlit" / "secrets.toml"
KEYS = ("SMTP_URL", "MAIL_FROM", "MAIL_CONTACT", "MAIL_DIR", "MAIL_REVIEW_DAYS")
SCHEMES = ("smtp", "smtps")
TLS_MODES = ("starttls", "none")
DEFAULT_FROM = "mapa@localhost"
DEFAULT_REVIEW_DAYS = 5
# A plain address: no display name, no spaces, no CR/LF, one @.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$"
)


class MailConfigError(ValueError):
    """A mail setting that cannot work; the message names the setting and how to fix it."""


def check_address(value: str, setting: str = "address") -> str:
    """``value`` stripped if it is a plain e-mail address, else :class:`MailConfigError`.

    Refuses anything with a display name, spaces, CR/LF or more than 254 characters, so an
    address can never carry a second header.
    """
    text = str(value or "").strip()
    if len(text) > 254 or not _ADDRESS.match(text) or ".." in text:
        raise MailConfigError(f"{setting}: {text!r} is not a plain e-mail address (name@host)")
    return text


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to connect: ``tls`` is ``"smtps"``, ``"starttls"`` or ``"none"``."""

    host: str
    port: int
    username: str
    password: str
    tls: str


@dataclass(frozen=True)
class MailSettings:
    """Everything the queue and the sender need. ``smtp`` is None in outbox mode."""

    smtp: SmtpTarget | None
    mail_from: str
    contact: str
    mail_dir: Path
    review_days: int = DEFAULT_REVIEW_DAYS

    @property
    def queue_dir(self) -> Path:
        """Queued messages and their delivery records."""
        return self.mail_dir / "queue"

    @property
    def outbox_dir(self) -> Path:
        """``.eml`` files written when no SMTP server is configured."""
        return self.mail_dir / "outbox"

    @property
    def mode(self) -> str:
        """``"smtp"`` or ``"outbox"``."""
        return "smtp" if self.smtp else "outbox"


def parse_smtp_url(url: str) -> SmtpTarget:
    """An :class:`SmtpTarget` from ``smtp://user:pass@host:port[?tls=none]`` or ``smtps://…``.

    Raises :class:`MailConfigError` for another scheme, a missing host, an unknown ``tls``
    value or ``tls=none`` towards a host other than this machine.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        raise MailConfigError(
            f"SMTP_URL: scheme {parts.scheme!r} is not supported; use smtp:// (STARTTLS) or "
            "smtps:// (TLS)"
        )
    if not parts.hostname:
        raise MailConfigError("SMTP_URL: no host; write it as smtp://user:pass@host:587")
    try:
        port = parts.port
    except ValueError as exc:
        raise MailConfigError(f"SMTP_URL: bad port ({exc})") from None
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"tls"}
    if unknown:
        raise MailConfigError(f"SMTP_URL: unknown option(s) {sorted(unknown)}; only tls=none")
    if parts.scheme == "smtps":
        tls = "smtps"
        if "tls" in query:
            raise MailConfigError("SMTP_URL: smtps:// is always TLS; drop the tls option")
    else:
        tls = query.get("tls", "starttls")
        if tls not in TLS_MODES:
            raise MailConfigError(f"SMTP_URL: tls={tls!r}; expected one of {TLS_MODES}")
        if tls == "none" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
            raise MailConfigError(
                "SMTP_URL: tls=none is allowed only for a relay on this machine (localhost)"
            )
    default_port = 465 if tls == "smtps" else 587
    return SmtpTarget(
        host=parts.hostname,
        port=port or default_port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        tls=tls,
    )


def _secrets(path: Path) -> dict[str, str]:
    """Top-level keys and those of a ``[mail]`` table of secrets.toml (missing file: none)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise MailConfigError(f"{path}: not valid TOML ({exc})") from None
    found = {k: str(v) for k, v in data.items() if k in KEYS and not isinstance(v, dict)}
    table = data.get("mail")
    if isinstance(table, dict):
        found.update({k.upper(): str(v) for k, v in table.items() if k.upper() in KEYS})
    return found


def default_mail_dir(environ: Mapping[str, str]) -> Path:
    """``mail/`` beside the embedded SQLite file, so a test's database gets its own queue."""
    if environ.get("DATABASE_URL", "").strip():
        return REPO_ROOT / "data" / "mail"
    db = Path(environ.get("CATALOGUE_DB", "").strip() or DEFAULT_DB_PATH)
    return db.parent / "mail"


def load_settings(
    environ: Mapping[str, str] | None = None, secrets_file: Path | None = None
) -> MailSettings:
    """Settings from ``environ`` (default ``os.environ``), then secrets.toml for the rest."""
    environ = os.environ if environ is None else environ
    values = _secrets(SECRETS_FILE if secrets_file is None else secrets_file)
    values.update({k: environ[k] for k in KEYS if environ.get(k, "").strip()})
    smtp = parse_smtp_url(values["SMTP_URL"]) if values.get("SMTP_URL", "").strip() else None
    mail_from = check_address(values.get("MAIL_FROM") or DEFAULT_FROM, "MAIL_FROM")
    contact = check_address(values.get("MAIL_CONTACT") or mail_from, "MAIL_CONTACT")
    try:
        review_days = int(values.get("MAIL_REVIEW_DAYS") or DEFAULT_REVIEW_DAYS)
    except ValueError:
        raise MailConfigError("MAIL_REVIEW_DAYS: a whole number of working days") from None
    if not 1 <= review_days <= 60:
        raise MailConfigError("MAIL_REVIEW_DAYS: between 1 and 60 working days")
    mail_dir = Path(values["MAIL_DIR"]) if values.get("MAIL_DIR") else default_mail_dir(environ)
    return MailSettings(smtp, mail_from, contact, mail_dir, review_days)
