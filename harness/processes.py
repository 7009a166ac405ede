"""Servers on loopback for tests and benchmarks: free ports, `streamlit run`, stopping."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 at the time of the call."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_pair() -> int:
    """A port P with P and P + 1 free on loopback (run-processes.sh uses consecutive ports)."""
    for _ in range(50):
        first = free_port()
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", first))
                b.bind(("127.0.0.1", first + 1))
            return first
        except OSError:
            continue
    raise RuntimeError("no two consecutive free loopback ports")


def wait_for_http(url: str, proc: subprocess.Popen, what: str, seconds: float = 90) -> None:
    """Poll ``url`` until it answers 200; raises with the process output if it exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"{what} exited early:\n{out}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer {url} within {seconds:.0f} s")


def stop_process_group(proc: subprocess.Popen, grace_seconds: float = 15) -> None:
    """Stop a process started with ``start_new_session=True`` and its children."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def start_app(
    db_path: Path,
    extra_env: dict[str, str] | None = None,
    app_dir: Path | None = None,
    launcher: str = "streamlit",
):
    """Start `streamlit run app.py` on a free port over the SQLite file ``db_path``, from
    ``app_dir`` (default: this checkout; a benchmark may run an export of another commit);
    ``launcher`` is the module run with ``-m`` (a benchmark's wrapper of streamlit's command
    line); returns (process, base_url) once ``/_stcore/health`` answers."""
    port = free_port()
    env = dict(os.environ, CATALOGUE_DB=str(db_path), **(extra_env or {}))
    env.pop("DATABASE_URL", None)
    if app_dir is not None and launcher != "streamlit":
        env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen(
        [
            sys.executable, "-m", launcher, "run", "app.py",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=app_dir or REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/_stcore/health", proc, "streamlit")
    except RuntimeError:
        stop_process_group(proc)
        raise
    return proc, base


def stop_app(proc: subprocess.Popen) -> None:
    """Stop a server from :func:`start_app`, whatever state it is in."""
    stop_process_group(proc)


def catalogue_cli(db_path: Path, *args: str, stdin: str | None = None) -> None:
    """Run ``python -m catalogue ARGS`` on the SQLite catalogue ``db_path`` (as staff would),
    ``stdin`` given as one line (a password); raises if the command fails."""
    env = dict(os.environ, CATALOGUE_DB=str(db_path))
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "catalogue", *args],
        cwd=REPO_ROOT,
        env=env,
        input=f"{stdin}\n".encode() if stdin is not None else None,
        check=True,
        capture_output=True,
    )
