"""Server memory per open browser session of the map, headless Chromium against `streamlit run`.

``.venv/bin/python -m bench.bench_sessions [--size 10000] [--sessions 1,5,10]``

Starts the app on a free port with a synthetic catalogue, warms it with one visit (closed
again), then opens map sessions and keeps them open, reading the server's resident memory
(``VmRSS`` from ``/proc``) at 1, 5 and 10 open sessions. "Per extra session" is the slope
between the first and the last reading. Then every session is closed and, to show memory stops
growing, the same number is opened and closed again twice; RSS is read after each round.
Each session also runs one search and clears it again, so the per-session state of a real
visitor (a filtered and sorted result) is in place.
"""

from __future__ import annotations

import argparse
import os
import signal
import tempfile
import time
from pathlib import Path

from bench.common import log
from bench.visit_probe import (
    launch_chromium,
    load_average,
    open_map,
    rss_mb,
    start_server,
    wait_idle,
)

SEARCH = "agroturystyka"


def search_and_clear(page) -> None:
    """A real visitor's filter change and back, so the session holds its own results."""
    box = page.get_by_role("textbox", name="Szukaj")
    for text in (SEARCH, ""):
        box.fill(text)
        box.press("Enter")
        page.wait_for_timeout(300)
        wait_idle(page, quiet_ms=600)


def settled_rss(pid: int, seconds: float = 3.0) -> float:
    """RSS after the server has had ``seconds`` to finish what the sessions started."""
    time.sleep(seconds)
    return rss_mb(pid)


def snapshot(pid: int, folder: Path) -> Path:
    """Ask the traced server (bench.traced_server) for a tracemalloc snapshot; its path."""
    n = len(list(folder.glob("*.snap"))) + 1
    os.kill(pid, signal.SIGUSR1)
    path = folder / f"{n}.snap"
    deadline = time.monotonic() + 300
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no snapshot {path}")
        time.sleep(0.5)
    return path


def run(size: int, counts: list[int], app_dir: Path | None = None, traced: bool = False) -> dict:
    from bench.synthetic import build_db
    from harness.processes import stop_app

    result: dict = {"size": size, "open": [], "cycles": [], "load": [load_average()]}
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as tmp:
        db = Path(tmp) / f"synthetic-{size}.sqlite"
        build_db(db, size).dispose()
        snaps = Path(tmp) / "snapshots"
        snaps.mkdir()
        proc, base = start_server(
            db,
            app_dir,
            {"BENCH_TRACEMALLOC_DIR": str(snaps)} if traced else None,
            "bench.traced_server" if traced else "streamlit",
        )
        result["snapshots"] = []
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                page, _ = open_map(browser, base)
                search_and_clear(page)
                page.context.close()
                result["warm"] = settled_rss(proc.pid)
                pages = []
                for wanted in counts:
                    while len(pages) < wanted:
                        page, _ = open_map(browser, base)
                        search_and_clear(page)
                        pages.append(page)
                    result["open"].append((wanted, settled_rss(proc.pid)))
                    log(f"{size}: {wanted} open sessions, RSS {result['open'][-1][1]:.1f} MiB")
                    if traced:
                        result["snapshots"].append((wanted, snapshot(proc.pid, snaps)))
                if traced:
                    result["growth"] = growth(result["snapshots"])
                for page in pages:
                    page.context.close()
                result["closed"] = settled_rss(proc.pid, 8.0)
                for _ in range(2):
                    cycle = []
                    for _ in range(counts[-1]):
                        page, _ = open_map(browser, base)
                        search_and_clear(page)
                        cycle.append(page)
                    for page in cycle:
                        page.context.close()
                    result["cycles"].append(settled_rss(proc.pid, 8.0))
                    log(
                        f"{size}: after a cycle of {counts[-1]} sessions, {result['cycles'][-1]:.1f}"
                    )
                browser.close()
        finally:
            stop_app(proc)
    result["load"].append(load_average())
    return result


def growth(snapshots: list[tuple[int, Path]], top: int = 15) -> str:
    """Where the traced memory grew between the first and the last reading (by the line that
    allocated it, and the whole stack of the largest), per extra session."""
    import tracemalloc

    (n0, first), (n1, last) = snapshots[0], snapshots[-1]
    before, after = tracemalloc.Snapshot.load(str(first)), tracemalloc.Snapshot.load(str(last))
    extra = max(1, n1 - n0)
    lines = [f"traced memory growth from {n0} to {n1} open sessions, per extra session:"]
    stats = after.compare_to(before, "lineno")
    total = sum(s.size_diff for s in stats)
    lines.append(f"  all: {total / extra / 2**20:+.2f} MiB")
    for stat in stats[:top]:
        frame = stat.traceback[0]
        lines.append(
            f"  {stat.size_diff / extra / 2**20:+.2f} MiB ({stat.count_diff / extra:+.0f} blocks)"
            f"  {frame.filename}:{frame.lineno}"
        )
    biggest = after.compare_to(before, "traceback")[:3]
    for stat in biggest:
        lines.append(f"  stack of {stat.size_diff / extra / 2**20:+.2f} MiB:")
        lines.extend(f"    {line}" for line in stat.traceback.format()[-24:])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_sessions", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--sessions", default="1,5,10")
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=None,
        help="run the app from this directory (an export of another commit) instead",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="run the server under tracemalloc (bench.traced_server) and print where its "
        "memory grew between the first and the last number of open sessions",
    )
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",")]
    r = run(args.size, counts, args.app_dir, args.tracemalloc)
    if args.tracemalloc:
        print(r["growth"])
    (n0, rss0), (n1, rss1) = r["open"][0], r["open"][-1]
    per_session = (rss1 - rss0) / (n1 - n0) if n1 > n0 else float("nan")
    readings = " · ".join(f"{n} open: {rss:.0f}" for n, rss in r["open"])
    cycles = " → ".join(f"{rss:.0f}" for rss in r["cycles"])
    print(
        "| catalogue | warm, no session | RSS with sessions open (MiB) | per extra session "
        "| all closed | after 2 more open-and-close rounds | load average before → after |"
    )
    print("|---|---:|---|---:|---:|---|---|")
    print(
        f"| {r['size']:,} | {r['warm']:.0f} | {readings} | {per_session:.2f} MiB "
        f"| {r['closed']:.0f} | {cycles} | {r['load'][0]} → {r['load'][1]} |"
    )


if __name__ == "__main__":
    main()
