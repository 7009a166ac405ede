"""A real SMTP server (aiosmtpd) on a free loopback port, and mail settings per test.

Every test gets its own queue and outbox folder and no secrets.toml, so nothing reaches a
developer's configured server or folders.
"""

from __future__ import annotations

import os
import re
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

import mail.config
from harness.processes import free_port  # noqa: F401  (re-exported for the mail tests)

REPO_ROOT = Path(__file__).resolve().parents[2]
SMTP_USER, SMTP_PASSWORD = "mapa", "s3cret-pass"
LINK = re.compile(r"https?://[^\s<>\"]+")


class Collector:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
    )
    return AuthResult(success=ok)


class SmtpServer:
    """Start, stop and restart one server on one port; ``messages`` survive restarts."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = Collector()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{self.port}?tls=none"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=_authenticate,
            auth_require_tls=False,
            auth_required=True,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        """The messages once at least ``count`` have arrived (the sender thread delivers)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} messages arrived"
        return list(self.messages)


@pytest.fixture
def mail_env(tmp_path, monkeypatch):
    """Outbox mode in a private folder, fixed sender and contact, public base URL set."""
    monkeypatch.setattr(mail.config, "SECRETS_FILE", tmp_path / "no-secrets.toml")
    monkeypatch.delenv("SMTP_URL", raising=False)
    monkeypatch.setenv("MAIL_DIR", str(tmp_path / "mail"))
    monkeypatch.setenv("MAIL_FROM", "mapa@klaster.example.org")
    monkeypatch.setenv("MAIL_CONTACT", "koordynator@klaster.example.org")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://mapa.example.org")
    return tmp_path / "mail"


@pytest.fixture
def smtp(mail_env, monkeypatch, request):
    """A running SMTP server that the app sends to (SMTP_URL with login).

    What it received is kept as text in ``test-artifacts/mail/<test>.txt`` (headers and the
    plain part), for the reader of a run to see the messages partners would get.
    """
    server = SmtpServer(free_port())
    server.start()
    monkeypatch.setenv("SMTP_URL", server.url)
    yield server
    server.stop()
    if server.messages:
        folder = REPO_ROOT / "test-artifacts" / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        (folder / f"{name}.txt").write_text(
            "\n\n".join(
                f"To: {m['To']}\nSubject: {m['Subject']}\n\n{text_part(m)}".rstrip()
                + "\n"
                + "-" * 72
                for m in server.messages
            ),
            encoding="utf-8",
        )


@pytest.fixture
def repo_cwd(monkeypatch):
    """AppTest runs app.py from the repository root, where its page paths are relative."""
    monkeypatch.chdir(REPO_ROOT)
    yield
    os.chdir(REPO_ROOT)


def text_part(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def links(message: EmailMessage) -> list[str]:
    return LINK.findall(text_part(message))


@pytest.fixture
def no_sender_thread():
    """Tests that count tries drain the queue themselves: no background sender competes."""
    from mail.sender import stop_background_sender

    stop_background_sender()
    yield
