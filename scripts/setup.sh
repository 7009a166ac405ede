#!/usr/bin/env bash
# Sets up everything the app needs on a fresh Debian machine with Python 3.11:
# a virtual environment with the pinned packages, Leaflet served locally, the sample database.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x .venv/bin/python ]; then
    if ! "$PYTHON" -m venv .venv 2>/dev/null; then
        # Debian ships venv separately.
        rm -rf .venv
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        "$PYTHON" -m venv .venv
    fi
fi
# pip only when requirements.txt changed since the last successful install (a stamp with its
# hash inside .venv), so a second start needs no network. FORCE_PIP=1 installs anyway.
STAMP=.venv/.requirements.sha256
WANTED="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "${FORCE_PIP:-0}" = 1 ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$WANTED" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements.txt
    echo "$WANTED" > "$STAMP"
else
    echo "Packages match requirements.txt: pip skipped (FORCE_PIP=1 to reinstall)."
fi

# The pmtiles library (reads an operator's tile file in the browser) and ESLint for the map's
# own JavaScript (scripts/test.sh), pinned in mapview/js/.
if ! command -v npm >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm
fi
# Only when the lock file changed since the last install, so a second start needs no network.
NPM_STAMP=mapview/js/node_modules/.lock.sha256
NPM_WANTED="$(sha256sum mapview/js/package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$NPM_STAMP" 2>/dev/null)" != "$NPM_WANTED" ]; then
    npm ci --prefix mapview/js --no-audit --no-fund --ignore-scripts --silent
    mkdir -p "$(dirname "$NPM_STAMP")" && echo "$NPM_WANTED" > "$NPM_STAMP"
fi
# The link nginx serves Streamlit's own browser files through (deploy/nginx-app.conf);
# only production's nginx needs it (and falls back to the app without it), so a failure here
# is said but does not stop the set-up.
bash deploy/link-streamlit-static.sh .venv/bin/python >/dev/null \
    || echo "warning: no .venv/streamlit-static link; nginx will ask the app for Streamlit's files" >&2
# Copy Leaflet and plugins from the pinned xstatic packages (and pmtiles) into static/vendor/.
.venv/bin/python -m mapview assets
# Create the SQLite database on its embedded default path and load the sample catalogue if empty.
.venv/bin/python -m catalogue init
# axe-core for the accessibility tests (tests/e2e/test_accessibility.py); only when missing,
# so a second run does not touch the network.
if [ ! -f .tools/node_modules/axe-core/axe.min.js ]; then
    npm install --prefix .tools --no-save --no-audit --no-fund --silent axe-core@4.14.1
fi
# Build the static public site (static/site/, served at /app/static/site/) from that catalogue.
.venv/bin/python -m publish
