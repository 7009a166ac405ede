"""The queue and the sender against a real SMTP server: retries while it is down, no
duplicates, STARTTLS required, and the outbox when no server is configured."""

from __future__ import annotations

import ssl
import subprocess
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from catalogue.model import Product
from mail import events
from mail.config import load_settings, parse_smtp_url
from mail.queue import MAX_ATTEMPTS, MailQueue, backoff, now_utc
from mail.sender import drain_once
from mail.transport import deliver
from tests.mail.conftest import Collector, free_port, text_part

pytestmark = pytest.mark.usefixtures("no_sender_thread")
PARTNER = "partner@example.org"


def offering(**values) -> Product:
    base = dict(id="izba-testowa", name_pl="Izba Testowa", category="heritage", lat=50.0, lon=22.6)
    return Product(**(base | {"email": PARTNER} | values))


def queue_one(settings, token="tok-1", lang="pl", **values):
    return events.submission_received(offering(**values), token, lang, settings=settings)


def later(minutes: int):
    return now_utc() + timedelta(minutes=minutes)


def test_message_waits_while_the_server_is_down_and_goes_when_it_returns(smtp, monkeypatch):
    smtp.stop()
    settings = load_settings()
    record = queue_one(settings)
    queue = MailQueue(settings.queue_dir)
    counts = queue.drain(lambda r, d: deliver(settings, r, d))
    assert counts == {"sent": 0, "failed": 1}
    [waiting] = queue.records()
    assert waiting["status"] == "retrying" and waiting["attempts"] == 1
    assert "Connection refused" in waiting["last_error"] or "Errno" in waiting["last_error"]
    # Not due yet: nothing is tried before the backoff has passed.
    assert queue.drain(lambda r, d: deliver(settings, r, d)) == {"sent": 0, "failed": 0}
    smtp.start()
    assert queue.drain(lambda r, d: deliver(settings, r, d), now=later(2))["sent"] == 1
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Otrzymaliśmy ofertę „Izba Testowa”"
    assert message.get_content_type() == "multipart/alternative"
    assert smtp.handler.envelopes == [("mapa@klaster.example.org", [PARTNER])]
    [sent] = queue.records()
    assert sent["status"] == "sent" and sent["via"] == "smtp" and sent["id"] == record["id"]
    # Draining again sends nothing more.
    assert queue.drain(lambda r, d: deliver(settings, r, d), now=later(600))["sent"] == 0
    assert len(smtp.messages) == 1


def test_one_event_is_queued_once_even_from_many_threads(smtp):
    settings = load_settings()
    results = []

    def enqueue():
        results.append(queue_one(settings, token="same-token"))

    threads = [threading.Thread(target=enqueue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == 1
    assert queue_one(settings, token="same-token") is None
    drain_once(settings)
    drain_once(settings)
    smtp.wait_for(1)
    assert len(smtp.messages) == 1
    assert len(list(settings.queue_dir.glob("*.eml"))) == 1, "the losers left no file behind"
    # A new token is a new event.
    assert queue_one(settings, token="other-token") is not None


def test_failures_back_off_and_end_as_failed_for_staff(mail_env, monkeypatch):
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{free_port()}?tls=none")  # nobody listens
    settings = load_settings()
    queue_one(settings)
    queue = MailQueue(settings.queue_dir)
    when = now_utc()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert queue.drain(lambda r, d: deliver(settings, r, d), now=when)["failed"] == 1
        when += backoff(attempt) + timedelta(seconds=1)
    [record] = queue.records()
    assert record["status"] == "failed" and record["attempts"] == MAX_ATTEMPTS
    assert backoff(1) == timedelta(minutes=1) and backoff(3) == timedelta(minutes=4)
    assert backoff(20) == timedelta(hours=6)
    assert queue.retry(record["id"])
    assert queue.records()[0]["status"] == "retrying"


def test_smtp_without_starttls_is_refused_not_sent_in_clear(mail_env, monkeypatch):
    port = free_port()
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("SMTP_URL", f"smtp://user:pw@127.0.0.1:{port}")
        settings = load_settings()
        queue_one(settings)
        assert drain_once(settings)["failed"] == 1
        [record] = MailQueue(settings.queue_dir).records()
        assert "STARTTLS" in record["last_error"]
        assert handler.messages == []
    finally:
        controller.stop()


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_starttls_with_login(mail_env, monkeypatch, certificate):
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    handler = Collector()
    port = free_port()
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
    )
    controller.start()
    try:
        monkeypatch.setenv("SMTP_URL", f"smtp://mapa%40klaster:p%21w%2Fx@127.0.0.1:{port}")
        settings = load_settings()
        assert settings.smtp.tls == "starttls" and settings.smtp.port == port
        record = queue_one(settings)
        client_context = ssl.create_default_context(cafile=str(cert))
        data = MailQueue(settings.queue_dir).message_bytes(record)
        assert deliver(settings, record, data, context=client_context) == "smtp"
        [message] = handler.messages
        assert "Izba Testowa" in text_part(message)
        assert logins == [(b"mapa@klaster", b"p!w/x")]
    finally:
        controller.stop()


def test_outbox_mode_writes_eml(mail_env):
    settings = load_settings()
    assert settings.mode == "outbox"
    queue_one(settings, lang="en")
    assert drain_once(settings) == {"sent": 1, "failed": 0}
    [eml] = settings.outbox_dir.glob("*.eml")
    from email import message_from_bytes, policy

    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == "We have received the offering “Izba Testowa”"
    assert message["Content-Language"] == "en"
    assert "https://mapa.example.org/moja-oferta?token=tok-1&lang=en" in text_part(message)
    assert eml.stat().st_mode & 0o077 == 0, "private links: readable by the owner only"


@pytest.mark.parametrize(
    ("lang", "subject"),
    [
        ("uk", "Ми отримали пропозицію «Музей історії міста Перемишля та околиць»"),
        ("pl", "Otrzymaliśmy ofertę „Muzeum historii miasta Przemyśla i okolic”"),
    ],
)
def test_long_non_ascii_subjects_arrive_intact(mail_env, lang, subject):
    settings = load_settings()
    name = subject[subject.index("«" if lang == "uk" else "„") + 1 : -1]
    queue_one(settings, lang=lang, **{f"name_{lang}": name})
    drain_once(settings)
    [eml] = settings.outbox_dir.glob("*.eml")
    from email import message_from_bytes, policy

    data = eml.read_bytes()
    assert message_from_bytes(data, policy=policy.default)["Subject"] == subject
    assert max(len(line) for line in data.split(b"\r\n")) <= 998


def test_no_contact_email_queues_nothing(mail_env):
    settings = load_settings()
    assert queue_one(settings, email="") is None
    assert queue_one(settings, email="a@b.pl\r\nBcc: x@y.pl") is None
    assert MailQueue(settings.queue_dir).records() == []


def test_smtps_url_defaults():
    target = parse_smtp_url("smtps://u:p@mail.example.org")
    assert (target.tls, target.port) == ("smtps", 465)
