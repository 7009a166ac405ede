#!/usr/bin/env bash
# N Streamlit processes of the app on consecutive loopback ports (default 8601..860N), all on
# the same database (DATABASE_URL, PostgreSQL in production) and the same photo folder
# (CATALOGUE_PHOTOS). nginx (deploy/nginx-app.conf) spreads visitors over them.
# Usage: deploy/run-processes.sh [N] [FIRST_PORT]. Stops every process on SIGTERM/SIGINT.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-2}"
FIRST_PORT="${2:-8601}"
PYTHON="${PYTHON:-.venv/bin/python}"
if [ -z "${DATABASE_URL:-}" ]; then
    echo "DATABASE_URL is not set: several processes must share one PostgreSQL database" >&2
    exit 2
fi
if [ -z "${CATALOGUE_PHOTOS:-}" ]; then
    echo "CATALOGUE_PHOTOS is not set: every process must read and write the same photo folder" >&2
    exit 2
fi
# nginx serves Streamlit's browser files from the package these processes run.
bash deploy/link-streamlit-static.sh "$PYTHON"
pids=()
stop() {
    trap - TERM INT EXIT
    kill "${pids[@]}" 2>/dev/null || true
    wait || true
}
trap stop TERM INT EXIT
for ((i = 0; i < N; i++)); do
    port=$((FIRST_PORT + i))
    "$PYTHON" -m streamlit run app.py --server.port "$port" --server.address 127.0.0.1 \
        --server.headless true --browser.gatherUsageStats false &
    pids+=("$!")
    echo "process $((i + 1))/$N: http://127.0.0.1:$port (pid $!)"
    # The process prepares the catalogue before its first visitor: one session run once it
    # answers (ui/warmup.py). Not waited for: visitors are served meanwhile.
    "$PYTHON" -m ui.warmup "http://127.0.0.1:$port" &
done
# One process dying takes the others down, so a supervisor restarts the whole set (only
# the app processes: a warm-up that finished is no reason to stop).
wait -n "${pids[@]}"
