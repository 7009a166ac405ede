"""The background rebuilder: one daemon thread per database and site that rebuilds the static
site after the catalogue changes, a burst of changes making one build."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from catalogue.storage import CatalogueStore
from publish.site import BuildResult, build_site, database_id, default_out_dir
from publish.versions import load_state

log = logging.getLogger("publish")


class _Rebuilder(threading.Thread):
    """One daemon thread per (database, site): waits for requests, lets them settle for
    ``delay`` seconds, rebuilds if the catalogue version moved; also polls every ``poll`` s
    so that writes from another process (``python -m catalogue import``) are picked up."""

    def __init__(self, store: CatalogueStore, out: Path, delay: float, poll: float) -> None:
        super().__init__(name=f"publish-{out.name}", daemon=True)
        self.store, self.out, self.delay, self.poll = store, out, delay, poll
        self.wake = threading.Event()
        self.last_result: BuildResult | None = None
        self.last_error: BaseException | None = None

    def run(self) -> None:  # pragma: no cover - timing-driven; exercised by tests via wake
        while True:
            self.wake.wait(self.poll)
            while self.wake.is_set():  # debounce: a burst of approvals is one rebuild
                self.wake.clear()
                time.sleep(self.delay)
            try:
                self.rebuild_if_needed()
            except Exception as exc:  # noqa: BLE001 - a failed build must never stop the app
                self.last_error = exc
                log.exception("publishing the static site failed")

    def rebuild_if_needed(self) -> BuildResult | None:
        state = load_state(self.out)
        # Only a site built from this very database is kept up to date: a test or another
        # catalogue never overwrites it.
        if not state or state.get("database") != database_id(self.store.url):
            return None
        if state.get("catalogue_version") == self.store.catalogue_version():
            return None
        self.last_result = build_site(self.store, self.out)
        return self.last_result


_rebuilders: dict[tuple[str, str], _Rebuilder] = {}
_rebuilders_lock = threading.Lock()


def rebuild_in_background(
    store: CatalogueStore,
    out_dir: str | os.PathLike | None = None,
    delay: float = 1.0,
    poll: float = 30.0,
) -> _Rebuilder:
    """Ask for a rebuild of the static site after a change (never blocks the caller).

    Debounced in a daemon thread: requests within ``delay`` seconds make one build, and it
    runs only if the catalogue changed since the site was built from this database. Call it
    wherever staff or partners change what is public (approve, archive, import, photos).
    """
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    out = out.parent.resolve() / out.name
    key = (store.url, str(out))
    with _rebuilders_lock:
        worker = _rebuilders.get(key)
        if worker is None or not worker.is_alive():
            worker = _Rebuilder(store, out, delay, poll)
            _rebuilders[key] = worker
            worker.start()
    worker.wake.set()
    return worker
