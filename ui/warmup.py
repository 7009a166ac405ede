"""One session opened on a freshly started app process, so its first visitor does not pay
for reading and preparing the catalogue (about 20 s at 100,000 offerings).

``python -m ui.warmup http://127.0.0.1:8601 [--timeout 300]``: waits until the process
answers its health check, opens one websocket session as a browser would, runs the map page
once (which reads the catalogue, prepares it, makes the first view's results and markers and
starts the process's cache warmer) and leaves when the run has finished. deploy/run-processes.sh
and the systemd unit run it after each start; exit code 0 when warmed, 1 when not.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

HEALTH_PATH = "/_stcore/health"
STREAM_PATH = "/_stcore/stream"


def checked_base(base: str) -> str:
    """``base`` without a trailing slash, if it is an http(s) address with a host; else
    ValueError saying what is expected."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected the app's address like http://127.0.0.1:8601, not {base!r}")
    return base.rstrip("/")


def wait_healthy(base: str, deadline: float) -> None:
    """Poll ``base``'s health check until it answers 200; TimeoutError at ``deadline``
    (a ``time.monotonic()`` value)."""
    base = checked_base(base)
    while True:
        try:
            with urllib.request.urlopen(base + HEALTH_PATH, timeout=5) as answer:  # noqa: S310 - http(s) only, checked_base
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{base} did not answer its health check")
        time.sleep(0.5)


def run_once(base: str, timeout: float, query: str = "") -> float:
    """Open one session on the app at ``base`` (``http://host:port``), run its page with
    ``query`` (the URL's query string, "" for the map's first view) and wait until the run
    has finished; returns the seconds it took. TimeoutError after ``timeout`` seconds."""
    base = checked_base(base)
    parts = urlsplit(base)
    started = time.monotonic()
    deadline = started + timeout
    ws_url = ("wss://" if parts.scheme == "https" else "ws://") + parts.netloc + STREAM_PATH
    with connect(
        ws_url, subprotocols=["streamlit"], origin=base, open_timeout=timeout, max_size=None,
        ping_interval=None,  # a busy process misses keepalive pings; the deadline rules
    ) as ws:  # fmt: skip
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_script_hash = ""
        ws.send(msg.SerializeToString())
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the page of {base} did not finish within {timeout:.0f} s")
            forward = ForwardMsg()
            forward.ParseFromString(ws.recv(timeout=left))
            if forward.WhichOneof("type") == "script_finished":
                return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.warmup", description=__doc__)
    parser.add_argument("base", help="the process's own address, e.g. http://127.0.0.1:8601")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds in all")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    try:
        wait_healthy(args.base, deadline)
        took = run_once(args.base, max(1.0, deadline - time.monotonic()))
    except (OSError, TimeoutError, ValueError) as error:
        print(f"warm-up of {args.base} failed: {error}", file=sys.stderr)
        return 1
    print(f"warm-up of {args.base}: the map's first view is ready ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
