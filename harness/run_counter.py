"""Counting the script runs of a browser page from its websocket frames.

Every ``rerun_script`` back-message the page sends (it asks the server for a run) and every
``script_finished`` message the server answers with (a run ended, also one cut short by a
newer run) are read with Streamlit's own protobufs: no test-only hook in the app. Used by the
run-counting browser test and by ``bench.bench_visit`` / ``bench.bench_sessions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.browser import MAP_FRAME, offline_page

# Fired by the browser's Streamlit client: the page asks the server for one script run.
_RERUN = "rerun_script"
# Server -> browser: one script run ended (also when it was cut short by a newer run).
_FINISHED = "script_finished"

# The page is idle: no script running, nothing stale or still loading.
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.dataset.testScriptState === 'notRunning'
        && !document.querySelector('[data-stale="true"]')
        && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]');
}"""

# The map iframe holds its product layer (markers or clusters drawn).
MARKERS_JS = """(sel) => {
    const f = document.querySelector(sel);
    const w = f && f.contentWindow;
    return !!(w && w.productCluster && w.productCluster.getLayers().length > 0);
}"""


@dataclass
class RunCounter:
    """Counts the script runs of one browser page from its websocket frames."""

    requested: int = 0  # rerun_script back-messages (the browser asked for a run)
    finished: list[int] = field(default_factory=list)  # script_finished statuses
    fragment_runs: int = 0  # requested runs of a fragment only

    def attach(self, page) -> RunCounter:
        page.on("websocket", self._on_socket)
        return self

    def reset(self) -> None:
        self.requested, self.fragment_runs = 0, 0
        self.finished.clear()

    @property
    def completed(self) -> int:
        """Runs that ran to the end (not cut short by a newer run)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        early = ForwardMsg.FINISHED_EARLY_FOR_RERUN
        return sum(1 for status in self.finished if status != early)

    def _on_socket(self, socket) -> None:
        socket.on("framesent", self._sent)
        socket.on("framereceived", self._received)

    def _sent(self, payload) -> None:
        if not isinstance(payload, (bytes, bytearray)):
            return
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg.FromString(bytes(payload))
        if message.WhichOneof("type") == _RERUN:
            self.requested += 1
            if message.rerun_script.fragment_id:
                self.fragment_runs += 1

    def _received(self, payload) -> None:
        if not isinstance(payload, (bytes, bytearray)):
            return
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = ForwardMsg.FromString(bytes(payload))
        if message.WhichOneof("type") == _FINISHED:
            self.finished.append(int(message.script_finished))


def wait_idle(page, timeout_ms: int = 240_000, quiet_ms: int = 1500) -> None:
    """Wait until the page is idle and stays idle for ``quiet_ms`` (a late run would show)."""
    page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=100)
    for _ in range(2):
        page.wait_for_timeout(quiet_ms // 2)
        page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=100)


def open_map(browser, base: str, query: str = "", timeout_ms: int = 240_000, context=None):
    """A new offline page on the map (in ``context``, else a new one: a new visitor with an
    empty cache); returns (page, RunCounter) once the markers are drawn and it has settled."""
    page = context.new_page() if context is not None else offline_page(browser)
    counter = RunCounter().attach(page)
    page.goto(f"{base}/{query}", wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function(MARKERS_JS, arg=MAP_FRAME, timeout=timeout_ms, polling=100)
    wait_idle(page, timeout_ms)
    return page, counter
