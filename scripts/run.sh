#!/usr/bin/env bash
# One command for a newcomer: set everything up, then start the app on its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PORT="${PORT:-8501}"
echo "Starting the app at http://localhost:${PORT}"
exec .venv/bin/streamlit run app.py --server.port "$PORT" "$@"
