"""Fixtures for the geodata tests: source paths and a CLI runner."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def source_dir() -> Path:
    """The read-only PRG sources; tests that rebuild the layer skip without them."""
    from geodata.build import DEFAULT_SOURCE, SOURCE_GEOJSON, SOURCE_GMINY

    if (
        not (DEFAULT_SOURCE / SOURCE_GEOJSON).is_file()
        or not (DEFAULT_SOURCE / SOURCE_GMINY).is_file()
    ):
        pytest.skip(f"PRG sources not found in {DEFAULT_SOURCE}")
    return DEFAULT_SOURCE


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run the geodata command line in this process; the result looks like a subprocess's.

    The tables of places and exit codes run here, in-process (a new interpreter per call cost
    ~4 s each); :func:`run_cli_process` checks once that ``python -m geodata`` is wired up.
    """
    from geodata.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse refuses bad arguments this way
            code = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(
        ["python", "-m", "geodata", *args], code, out.getvalue(), err.getvalue()
    )


def run_cli_process(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m geodata ARGS`` from the repo root, capturing UTF-8 output."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=str(REPO_ROOT))
    return subprocess.run(
        [sys.executable, "-m", "geodata", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
