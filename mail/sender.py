"""The background sender: one daemon thread per process drains the queue, woken at once
when a message is queued and otherwise every :data:`POLL_S` seconds (for retries)."""

from __future__ import annotations

import logging
import threading

from mail.config import MailSettings, load_settings
from mail.queue import MailQueue
from mail.transport import deliver

POLL_S = 30.0
log = logging.getLogger(__name__)
_wake = threading.Event()
_started: dict[str, threading.Thread] = {}
_start_lock = threading.Lock()


def wake() -> None:
    """Ask the sender thread (if any) to drain now; never blocks."""
    _wake.set()


def drain_once(settings: MailSettings | None = None) -> dict[str, int]:
    """Deliver every due message of the configured queue once (``python -m mail send``)."""
    settings = settings or load_settings()
    return MailQueue(settings.queue_dir).drain(lambda rec, data: deliver(settings, rec, data))


def _loop(stop: threading.Event) -> None:
    while not stop.is_set():
        _wake.wait(POLL_S)
        _wake.clear()
        try:
            drain_once()
        except Exception:  # noqa: BLE001 - the thread must live on; staff see the records
            log.exception("mail sender: draining the queue failed")


def start_background_sender() -> threading.Thread:
    """Start the daemon thread once per process (later calls return the running one)."""
    with _start_lock:
        thread = _started.get("sender")
        if thread is None or not thread.is_alive():
            stop = threading.Event()
            thread = threading.Thread(target=_loop, args=(stop,), name="mail-sender", daemon=True)
            thread.stop = stop  # type: ignore[attr-defined]
            thread.start()
            _started["sender"] = thread
        wake()
        return thread


def stop_background_sender(timeout_s: float = 30.0) -> None:
    """Stop the sender thread of this process, if any, and wait for it (tests, shutdown)."""
    with _start_lock:
        thread = _started.pop("sender", None)
    if thread is not None:
        thread.stop.set()  # type: ignore[attr-defined]
        wake()
        thread.join(timeout_s)
