"""New visitors per minute the app carries: one process against two behind nginx.

Run on a quiet machine: ``.venv/bin/python -m bench.bench_rate [--rates 60,120,200,300]``.
Starts ``deploy/run-processes.sh`` with 1 and then 2 processes on one SQLite file holding the
sample catalogue, Debian's nginx with ``deploy/nginx-app.conf`` in front of them (ports
substituted, as in tests/deploy/test_two_processes.py), and sends waves of new visitors
through nginx: R visitors start evenly over 60 s (R per minute). A visitor is what a phone's
first visit asks of the server without the static files: the HTML of ``/``, a new websocket
session and one script run of the map page until ``script_finished`` (bench.bench_publish's
phone); it gives up after 60 s (an error). The load generator runs on the same two cores.

A rate is carried when every visitor is served and the 95th percentile of the visit time is
under 5 s; the sweep of a set-up stops at the first rate it does not carry.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.bench_publish import PHONE_TIMEOUT_S, _app_phone, wave
from bench.common import load_average, log
from bench.visit_probe import group_cpu_seconds
from harness.nginx import start_nginx, start_processes
from harness.processes import stop_process_group

DEFAULT_RATES: tuple[int, ...] = (60, 120, 200, 300, 400)
P95_LIMIT_S = 5.0
WINDOW_S = 60.0


def _start(work: Path, processes: int) -> tuple[subprocess.Popen, subprocess.Popen, str]:
    apps, bases = start_processes(
        processes,
        {"DATABASE_URL": f"sqlite:///{work / 'catalogue.sqlite'}", "CATALOGUE_PHOTOS": str(work)},
    )
    try:
        nginx, base = start_nginx(work, [int(b.rsplit(":", 1)[1]) for b in bases])
    except RuntimeError:
        stop_process_group(apps)
        raise
    return apps, nginx, base


def sweep(processes: int, rates: tuple[int, ...], window: float = WINDOW_S) -> list[dict]:
    """Waves of ``rates`` visitors per minute through nginx in front of ``processes``
    (each wave ``rate * window / 60`` visitors over ``window`` seconds)."""
    work = Path(tempfile.mkdtemp(prefix=f"bench-rate-{processes}."))
    apps, nginx, base = _start(work, processes)
    rows = []
    try:
        # Every process's first run reads and caches the catalogue: not measured.
        for _ in range(4 * processes):
            _app_phone(base, PHONE_TIMEOUT_S, query="")
        for rate in rates:
            log(f"rate: {rate} visitors a minute, {processes} process(es)")
            cpu_before = group_cpu_seconds(apps)
            visitors = max(1, round(rate * window / 60))
            row = wave(lambda: _app_phone(base, PHONE_TIMEOUT_S, query=""), visitors, window)
            row["cpu_per_visit"] = (group_cpu_seconds(apps) - cpu_before) / visitors
            row["load"] = load_average()
            row["carried"] = row["errors"] == 0 and row["p95"] < P95_LIMIT_S
            rows.append({"processes": processes, "rate": rate, **row})
            log(
                f"rate: p50 {row['p50']:.2f} s, p95 {row['p95']:.2f} s, {row['errors']} errors"
                + (f" {row['error_kinds']}" if row["errors"] else "")
            )
            if not row["carried"]:
                break
            time.sleep(10)  # the last visits' sessions drain before the next wave
    finally:
        stop_process_group(nginx)
        stop_process_group(apps)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_rate", description=__doc__)
    parser.add_argument("--rates", default=",".join(map(str, DEFAULT_RATES)))
    parser.add_argument("--processes", default="1,2")
    parser.add_argument(
        "--window", type=float, default=WINDOW_S, help="seconds of each wave (60; less to try)"
    )
    args = parser.parse_args(argv)
    rates = tuple(int(r) for r in args.rates.split(","))
    rows = []
    for n in (int(p) for p in args.processes.split(",")):
        rows.extend(sweep(n, rates, args.window))
    print(f"machine: {os.cpu_count()} cores; load average at the end {load_average()}")
    print(
        "| processes | visitors a minute | served | errors | p50 | p95 | server CPU per visit "
        "| carried (p95 < 5 s, no error) | load average |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        print(
            f"| {r['processes']} | {r['rate']} | {r['ok']} | {r['errors']} | {r['p50']:.2f} s "
            f"| {r['p95']:.2f} s | {r['cpu_per_visit']:.3f} s | {'yes' if r['carried'] else 'no'} "
            f"| {r['load']} |"
        )
    for n in sorted({r["processes"] for r in rows}):
        carried = [r["rate"] for r in rows if r["processes"] == n and r["carried"]]
        print(f"{n} process(es): carried up to {max(carried) if carried else 0} a minute")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
