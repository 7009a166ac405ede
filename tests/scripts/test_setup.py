"""scripts/setup.sh: a second start with unchanged requirements runs no pip and no npm (no
network)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# Stands in for the virtual environment's python: records how it was called.
FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$(dirname "$0")/../../calls.log"
"""

# Stands in for npm: records the call and leaves what an install would (axe-core's file).
FAKE_NPM = """#!/usr/bin/env bash
echo "npm $*" >> calls.log
if [ "$1" = install ]; then mkdir -p .tools/node_modules/axe-core; touch .tools/node_modules/axe-core/axe.min.js; fi
"""


def _run(root: Path) -> list[str]:
    (root / "calls.log").unlink(missing_ok=True)
    env = dict(os.environ, PATH=f"{root / 'fakebin'}:{os.environ['PATH']}")
    subprocess.run(
        ["bash", "scripts/setup.sh"], cwd=root, check=True, capture_output=True, timeout=60, env=env
    )
    return (root / "calls.log").read_text().splitlines()


def test_pip_runs_only_when_requirements_change(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO_ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    (tmp_path / "deploy").mkdir()
    link = "deploy/link-streamlit-static.sh"
    shutil.copy(REPO_ROOT / link, tmp_path / link)
    (tmp_path / "requirements.txt").write_text("alembic==1.20.1\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    npm = tmp_path / "fakebin" / "npm"
    npm.parent.mkdir()
    npm.write_text(FAKE_NPM)
    npm.chmod(0o755)
    (tmp_path / "mapview" / "js").mkdir(parents=True)
    lock = REPO_ROOT / "mapview" / "js" / "package-lock.json"
    shutil.copy(lock, tmp_path / "mapview" / "js" / "package-lock.json")

    first = _run(tmp_path)
    assert any(c.startswith("-m pip install") for c in first)
    assert "-m catalogue init" in first
    # The static link asks the environment's Streamlit where its files are (every start).
    assert any(c.startswith("-c import os, streamlit") for c in first)
    assert any(c.startswith("npm ci") for c in first)
    assert any(c.startswith("npm install") and "axe-core" in c for c in first)
    second = _run(tmp_path)
    assert not any("pip" in c for c in second) and "-m catalogue init" in second
    assert not any(c.startswith("npm") for c in second), second
    (tmp_path / "requirements.txt").write_text("alembic==1.20.1\nMako==1.4.3\n")
    assert any(c.startswith("-m pip install --quiet -r") for c in _run(tmp_path))
