"""``streamlit`` with tracemalloc on, for bench.bench_sessions ``--tracemalloc``.

``python -m bench.traced_server run app.py …`` starts tracing (25 frames), then runs
Streamlit's own command line. On SIGUSR1 it writes a snapshot to
``$BENCH_TRACEMALLOC_DIR/<n>.snap`` (n = 1, 2, …), so a benchmark can compare the server's
memory between two moments (e.g. 1 and 5 open sessions) by where it was allocated.
"""

from __future__ import annotations

import os
import signal
import sys
import tracemalloc
from pathlib import Path

FRAMES = 25


def _dump(_signum, _frame) -> None:
    folder = Path(os.environ["BENCH_TRACEMALLOC_DIR"])
    n = len(list(folder.glob("*.snap"))) + 1
    temp = folder / f"{n}.snap.part"
    tracemalloc.take_snapshot().dump(str(temp))
    temp.rename(folder / f"{n}.snap")


def main() -> None:
    tracemalloc.start(FRAMES)
    signal.signal(signal.SIGUSR1, _dump)
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
