#!/usr/bin/env bash
# Points .venv/streamlit-static at the installed Streamlit's own browser files (its package's
# static/ folder), so nginx (deploy/nginx-app.conf) serves those ~107 files of a first
# visit from disk instead of every app process reading them through Python. Run after every
# pip install (scripts/setup.sh does), and before the processes start (run-processes.sh and
# the systemd unit do), so the link always matches the Streamlit the processes run.
# Usage: deploy/link-streamlit-static.sh [PYTHON]   (default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-${PYTHON:-.venv/bin/python}}"
target="$("$PYTHON" -c 'import os, streamlit; print(os.path.join(os.path.dirname(streamlit.__file__), "static"))')"
if [ ! -f "$target/index.html" ]; then
    echo "Streamlit's browser files are not in $target (index.html missing)" >&2
    exit 1
fi
link="$(dirname "$(dirname "$PYTHON")")/streamlit-static"
# A new link beside the old one, then renamed over it: nginx never sees the link missing,
# and two units starting at once do not trip over each other's half-made link.
ln -sfn "$target" "$link.new.$$"
mv -T "$link.new.$$" "$link"
echo "$link -> $target"
