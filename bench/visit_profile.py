"""Where a new visitor's server CPU goes: py-spy samples of the app while browsers visit.

``.venv/bin/python -m bench.visit_profile [--size sample] [--visits 8]`` (needs ``py-spy``:
``.venv/bin/pip install py-spy``; it is a profiler, not a dependency of the app).

Starts the app on the catalogue (``sample`` or a synthetic size), makes one visit to fill
the caches, then records the server with py-spy (all threads, 250 samples a second, idle
time left out) while ``--visits`` new visitors open the map one after the other in fresh
Chromium contexts (``bench.visit_probe.open_map``). Prints the share of samples per thread
and the functions with most samples, self and inclusive, so the per-visit cost is named by
where it is spent.
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.bench_visit import database_for
from bench.visit_probe import cpu_seconds, launch_chromium, load_average, open_map, start_server

RATE = 250


def _frames(stack: str) -> list[str]:
    return [f for f in stack.split(";") if f]


# Frames of the event loop, the command line and thread start-up (in every stack) are left
# out of the inclusive list; the app's packages and Streamlit's runtime and server stay.
_PLUMBING = ("streamlit/web/bootstrap.py", "streamlit/web/cli.py", "streamlit/__main__.py")
_OURS = (
    "app.py",
    "ui/",
    "catalogue/",
    "mapview/",
    "geodata/",
    "fairkit/",
    "publish/",
    "streamlit/",
)


def _ours(frame: str) -> bool:
    where = frame.rpartition("(")[2]
    return any(p in where for p in _OURS) and not any(p in where for p in _PLUMBING)


def summarise(raw: Path, top: int = 25) -> str:
    """Samples per thread, then top self and inclusive frames, from py-spy's raw output."""
    threads: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    callers: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = _frames(stack)
        total += n
        threads[frames[0]] += n
        own[frames[-1]] += n
        # The nearest caller in this project's code or Streamlit's, past the library frames.
        callers[frames[-1]][next((f for f in reversed(frames[:-1]) if _ours(f)), "?")] += n
        for frame in set(frames[1:]):
            if _ours(frame) or frame == frames[-1]:
                inclusive[frame] += n
    out = [f"{total} samples ({total / RATE:.2f} s of CPU at {RATE} a second)", "by thread:"]
    out += [f"  {n / total:6.1%}  {name}" for name, n in threads.most_common(8)]
    out.append("self (the function running), and its nearest caller in the app or Streamlit:")
    for name, n in own.most_common(top):
        caller, _ = callers[name].most_common(1)[0]
        out.append(f"  {n / total:6.1%}  {name}  <- {caller}")
    out.append(
        "inclusive, the app's and Streamlit's own functions (what they and their callees ran):"
    )
    out += [f"  {n / total:6.1%}  {name}" for name, n in inclusive.most_common(top)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.visit_profile", description=__doc__)
    parser.add_argument("--size", default="sample")
    parser.add_argument("--visits", type=int, default=8)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from harness.processes import stop_app

    spy = Path(os.environ.get("PY_SPY", Path(__file__).resolve().parents[1] / ".venv/bin/py-spy"))
    with tempfile.TemporaryDirectory(prefix="bench-visit-profile-") as tmp:
        db = database_for(args.size, Path(tmp))
        proc, base = start_server(db)
        raw = Path(tmp) / "samples.txt"
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                page, _ = open_map(browser, base)  # the process's first visit: not measured
                page.context.close()
                time.sleep(2)
                recorder = subprocess.Popen(
                    [str(spy), "record", "--pid", str(proc.pid), "--rate", str(RATE),
                     "--format", "raw", "--threads", "--gil", "--output", str(raw), "--nonblocking"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                time.sleep(2)
                cpu = cpu_seconds(proc.pid)
                for _ in range(args.visits):
                    page, _ = open_map(browser, base)
                    page.context.close()
                    time.sleep(1)
                cpu = cpu_seconds(proc.pid) - cpu
                recorder.send_signal(signal.SIGINT)
                recorder.wait(60)
                browser.close()
        finally:
            stop_app(proc)
        print(f"catalogue {args.size}: {args.visits} visits, server CPU {cpu:.2f} s "
              f"({cpu / args.visits:.3f} s a visit); load average {load_average()}")  # fmt: skip
        print(summarise(raw))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
