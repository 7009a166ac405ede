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
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt

# Copy Leaflet and plugins from the pinned xstatic packages into static/vendor/.
.venv/bin/python -m mapview assets
# Create the SQLite database on its embedded default path and load the sample catalogue if empty.
.venv/bin/python -m catalogue init
# Build the static public site (static/site/, served at /app/static/site/) from that catalogue.
.venv/bin/python -m publish
