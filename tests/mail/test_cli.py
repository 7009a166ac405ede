"""``python -m mail``: send, list (no private links printed), bad settings, and the deploy
examples that schedule it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from catalogue.model import Product
from mail import events
from mail.__main__ import main
from mail.config import load_settings
from tests.mail.conftest import REPO_ROOT, free_port

pytestmark = pytest.mark.usefixtures("no_sender_thread")


def queue_one():
    product = Product(
        id="izba", name_pl="Izba", category="heritage", lat=50.0, lon=22.6, email="p@example.org"
    )
    return events.submission_received(product, "secret-token-123", "pl")


def test_send_and_list(mail_env, capsys):
    queue_one()
    assert main(["send"]) == 0
    assert "sent: 1, failed tries: 0 (outbox)" in capsys.readouterr().out
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "sent" in out and "p@example.org" in out and "received" in out
    assert "secret-token-123" not in out


def test_send_exits_1_while_the_server_is_down(mail_env, monkeypatch, capsys):
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{free_port()}?tls=none")
    queue_one()
    assert main(["send"]) == 1
    assert "failed tries: 1" in capsys.readouterr().out
    [record] = events.MailQueue(load_settings().queue_dir).records()
    assert record["status"] == "retrying"


def test_bad_settings_are_an_argparse_error(mail_env, monkeypatch, capsys):
    monkeypatch.setenv("SMTP_URL", "ftp://x")
    with pytest.raises(SystemExit) as exc:
        main(["send"])
    assert exc.value.code == 2
    assert "SMTP_URL" in capsys.readouterr().err


def test_deploy_examples_run_real_commands():
    commands = set()
    for path in (REPO_ROOT / "deploy").iterdir():
        commands |= set(re.findall(r"python -m mail ([a-z-]+)", path.read_text()))
    assert commands == {"send", "still-correct"}
    for command in commands:
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0
    timer = (REPO_ROOT / "deploy" / "still-correct.timer").read_text()
    [calendar] = re.findall(r"^OnCalendar=(.+)$", timer, re.M)
    if shutil.which("systemd-analyze"):
        out = subprocess.run(
            ["systemd-analyze", "calendar", calendar], capture_output=True, text=True, check=True
        ).stdout
        assert "Next elapse" in out


@pytest.mark.parametrize(("smtp_url", "code"), [("", 0), ("ftp://x", 2)])
def test_python_dash_m_mail(tmp_path, smtp_url, code):
    # One real process per exit code; everything else calls main() in this process.
    env = {k: v for k, v in os.environ.items() if k not in ("SMTP_URL", "DATABASE_URL")}
    env.update(MAIL_DIR=str(tmp_path / "mail"), CATALOGUE_DB=str(tmp_path / "c.sqlite"))
    env.update(PYTHONPATH=str(REPO_ROOT), **({"SMTP_URL": smtp_url} if smtp_url else {}))
    done = subprocess.run(
        [sys.executable, "-m", "mail", "list"], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    assert ("SMTP_URL" in done.stderr) == bool(smtp_url)
