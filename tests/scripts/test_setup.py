"""scripts/setup.sh: a second start with unchanged requirements runs no pip (no network)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# Stands in for the virtual environment's python: records how it was called.
FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$(dirname "$0")/../../calls.log"
"""


def _run(root: Path) -> list[str]:
    (root / "calls.log").unlink(missing_ok=True)
    subprocess.run(
        ["bash", "scripts/setup.sh"], cwd=root, check=True, capture_output=True, timeout=60
    )
    return (root / "calls.log").read_text().splitlines()


def test_pip_runs_only_when_requirements_change(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO_ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    (tmp_path / "requirements.txt").write_text("alembic==1.20.1\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)

    first = _run(tmp_path)
    assert any(c.startswith("-m pip install") for c in first)
    assert "-m catalogue init" in first
    second = _run(tmp_path)
    assert not any("pip" in c for c in second) and "-m catalogue init" in second
    (tmp_path / "requirements.txt").write_text("alembic==1.20.1\nMako==1.4.3\n")
    assert any(c.startswith("-m pip install --quiet -r") for c in _run(tmp_path))
