"""deploy/'s files name the checkout as it is installed on a server (/opt/rkesi-map, with its
virtual environment in .venv); here they are mapped to this checkout and the running Python's
environment, so tests and benchmarks run the very files a server runs."""

from __future__ import annotations

import sys
from pathlib import Path

from harness.processes import REPO_ROOT

# Where deploy/'s files expect the checkout and its virtual environment.
DEPLOY_ROOT = "/opt/rkesi-map"


def with_checkout_paths(text: str) -> str:
    """``text`` with ``/opt/rkesi-map/.venv`` as the running Python's environment (where
    deploy/link-streamlit-static.sh puts its link) and ``/opt/rkesi-map`` as this checkout."""
    venv = Path(sys.executable).parent.parent
    text = text.replace(f"{DEPLOY_ROOT}/.venv/", f"{venv}/")
    return text.replace(DEPLOY_ROOT, str(REPO_ROOT))
