"""Mail settings: SMTP URLs checked against an allow-list, secrets.toml read without
Streamlit, the environment first, addresses that cannot carry a second header."""

from __future__ import annotations

import pytest

from mail.config import MailConfigError, check_address, load_settings, parse_smtp_url


def test_smtp_url_forms():
    target = parse_smtp_url("smtp://user%40x:p%2Fw@mail.example.org:587")
    assert (target.host, target.port, target.tls) == ("mail.example.org", 587, "starttls")
    assert (target.username, target.password) == ("user@x", "p/w")
    assert parse_smtp_url("smtp://mail.example.org").port == 587
    assert parse_smtp_url("smtps://mail.example.org").port == 465
    assert parse_smtp_url("smtp://localhost:25?tls=none").tls == "none"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://mail.example.org", "scheme"),
        ("smtp://", "no host"),
        ("smtp://mail.example.org?tls=none", "localhost"),
        ("smtp://localhost?tls=maybe", "tls="),
        ("smtp://localhost?ssl=1", "unknown option"),
        ("smtps://localhost?tls=none", "always TLS"),
        ("smtp://localhost:99999", "port"),
    ],
)
def test_bad_smtp_urls_say_what_is_wrong(url, says):
    with pytest.raises(MailConfigError, match=says):
        parse_smtp_url(url)


@pytest.mark.parametrize(
    "bad",
    ["", "a", "a@", "@b.pl", "a b@c.pl", "a@b.pl\r\nBcc: x@y.pl", "A <a@b.pl>", "a..b@c.pl"],
)
def test_addresses_are_plain(bad):
    with pytest.raises(MailConfigError):
        check_address(bad)


def test_secrets_file_then_environment(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'SMTP_URL = "smtps://u:p@mail.example.org"\n'
        "[mail]\n"
        'mail_from = "mapa@example.org"\n'
        'mail_contact = "biuro@example.org"\n'
        "mail_review_days = 7\n",
        encoding="utf-8",
    )
    settings = load_settings({"MAIL_DIR": str(tmp_path / "m")}, secrets)
    assert settings.mode == "smtp" and settings.smtp.host == "mail.example.org"
    assert (settings.mail_from, settings.contact, settings.review_days) == (
        "mapa@example.org",
        "biuro@example.org",
        7,
    )
    assert settings.outbox_dir == tmp_path / "m" / "outbox"
    env = {"MAIL_FROM": "inny@example.org", "SMTP_URL": "smtp://localhost:2525?tls=none"}
    settings = load_settings(env, secrets)
    assert settings.mail_from == "inny@example.org" and settings.smtp.port == 2525


def test_defaults_outbox_beside_the_database(tmp_path):
    settings = load_settings({"CATALOGUE_DB": str(tmp_path / "c.sqlite")}, tmp_path / "none")
    assert settings.mode == "outbox" and settings.smtp is None
    assert settings.mail_dir == tmp_path / "mail"
    assert settings.contact == settings.mail_from


def test_broken_secrets_and_values_raise(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("SMTP_URL = ", encoding="utf-8")
    with pytest.raises(MailConfigError, match="TOML"):
        load_settings({}, secrets)
    with pytest.raises(MailConfigError, match="MAIL_FROM"):
        load_settings({"MAIL_FROM": "mapa\nBcc: x@y.pl"}, tmp_path / "none")
    with pytest.raises(MailConfigError, match="MAIL_REVIEW_DAYS"):
        load_settings({"MAIL_REVIEW_DAYS": "0"}, tmp_path / "none")
