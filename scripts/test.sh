#!/usr/bin/env bash
# The whole test suite: lint, format check, unit, AppTest and real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

bash scripts/setup.sh
if [ ! -x /usr/bin/chromium ]; then
    # Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The map's own JavaScript (mapview/js/src/), with the ESLint pinned in mapview/js/.
(cd mapview/js && node_modules/.bin/eslint --max-warnings 0 .)
# pytest exits 5 when it collected no test: that fails this script like any other error.
.venv/bin/python -m pytest "$@"
