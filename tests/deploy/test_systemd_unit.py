"""deploy/rkesi-map@.service, the systemd unit of one app process: systemd reads every line
of it without a complaint, and its start-up steps (the static link before the process, the
warm-up after it) do their work when run as the unit runs them. No systemd runs the unit
here (a container has no init); deploy/run-processes.sh, which tests/deploy starts, runs the
same two steps."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.deploy_paths import with_checkout_paths
from harness.processes import REPO_ROOT, start_app, stop_app

pytestmark = pytest.mark.e2e

UNIT = REPO_ROOT / "deploy" / "rkesi-map@.service"
ENV_FILE = "/etc/rkesi-map.env"


def service_lines(text: str) -> dict[str, list[str]]:
    """The ``[Service]`` section's settings (key → values in order)."""
    section, settings = "", {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def rendered_unit(folder: Path, port: int) -> Path:
    """The unit for instance ``port`` with this checkout's paths and an empty environment file."""
    env_file = folder / "rkesi-map.env"
    env_file.write_text("")
    text = UNIT.read_text()
    assert ENV_FILE in text
    path = folder / f"rkesi-map@{port}.service"
    path.write_text(with_checkout_paths(text).replace(ENV_FILE, str(env_file)))
    return path


def test_systemd_reads_every_line_of_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: install the systemd package (.ci/run does)")
    unit = rendered_unit(tmp_path, 8601)
    checked = subprocess.run(
        [analyze, "verify", "--man=no", unit.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # An unknown key or a value systemd cannot parse is only a message, not an exit code.
    assert checked.returncode == 0 and not (checked.stdout + checked.stderr).strip(), (
        checked.stdout + checked.stderr
    )


def test_the_units_start_steps_link_the_files_and_warm_the_process(tmp_path):
    proc, base = start_app(tmp_path / "catalogue.sqlite")
    try:
        port = int(base.rsplit(":", 1)[1])
        settings = service_lines(rendered_unit(tmp_path, port).read_text())
        folder = settings["WorkingDirectory"][0]
        assert Path(folder) == REPO_ROOT
        steps = {}
        for key in ("ExecStartPre", "ExecStartPost"):
            (command,) = settings[key]
            # "-": systemd goes on when the step fails; here it must succeed all the same.
            argv = shlex.split(command.removeprefix("-").replace("%i", str(port)))
            steps[key] = subprocess.run(
                argv, cwd=folder, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert steps[key].returncode == 0, steps[key].stdout + steps[key].stderr
        venv = Path(settings["ExecStart"][0].split()[0]).parent.parent
        link = venv / "streamlit-static"
        assert (link / "index.html").is_file() and link.is_symlink()
        assert f"{link} -> " in steps["ExecStartPre"].stdout
        assert f"warm-up of {base}: the map's first view is ready" in steps["ExecStartPost"].stdout
        # Its own limit stays under the unit's start limit.
        warm_limit = float(shlex.split(settings["ExecStartPost"][0])[-1])
        assert warm_limit < float(settings["TimeoutStartSec"][0])
    finally:
        stop_app(proc)
