"""ui.warmup's command line: what it says when it cannot warm a process (the warming itself
is shown by tests/deploy, where run-processes.sh runs it on real processes)."""

from __future__ import annotations

from harness.processes import free_port
from ui.warmup import main


def test_an_address_that_is_not_http_is_refused_with_what_is_expected(capsys):
    assert main(["ftp://127.0.0.1:8601"]) == 1
    err = capsys.readouterr().err
    assert "expected the app's address like http://127.0.0.1:8601" in err


def test_a_process_that_never_answers_fails_after_the_timeout(capsys):
    assert main([f"http://127.0.0.1:{free_port()}", "--timeout", "1"]) == 1
    assert "did not answer its health check" in capsys.readouterr().err
