"""Many writers at once: nothing lost, no "database is locked" (SQLite) or deadlock (Postgres)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from catalogue.model import Product
from catalogue.taxonomy import Status

THREADS = 8
PER_THREAD = 100


def offering(thread: int, n: int) -> Product:
    # Spread over powiat przemyski; content does not matter, only that every row survives.
    return Product(
        id=f"t{thread}-{n:03d}",
        name_pl=f"Oferta {thread}/{n}",
        category="food",
        lat=49.70 + thread * 0.01,
        lon=22.60 + n * 0.001,
        district_teryt="1813",
        months=[5, 6, 7],
        tags=["test"],
    )


def run_threads(worker, count: int) -> list:
    """Start ``count`` workers together (a barrier) and return their results or errors."""
    barrier = threading.Barrier(count)

    def start(i):
        barrier.wait()
        return worker(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(start, i) for i in range(count)]
        return [f.result() for f in futures]  # re-raises any error in the test thread


def test_eight_partners_submitting_at_once_lose_nothing(store):
    version = store.catalogue_version()

    def submit_all(thread: int) -> list[str]:
        return [
            store.submit_new(offering(thread, n), submitted_by=f"partner{thread}")
            for n in range(PER_THREAD)
        ]

    tokens = [t for batch in run_threads(submit_all, THREADS) for t in batch]
    total = THREADS * PER_THREAD
    assert len(set(tokens)) == total
    assert store.count_products(Status.PENDING) == total
    assert len(store.moderation_queue()) == total
    assert store.catalogue_version() == version + total
    audit = store.audit_frame(limit=10 * total)
    assert (audit["action"] == "submit").sum() == total
    assert store.product_for_token(tokens[-1]) is not None


def test_partners_submit_while_staff_approve(store):
    submitted = THREADS * 25
    done = threading.Event()
    approved: list[str] = []

    def partner(thread: int) -> int:
        for n in range(25):
            store.submit_new(offering(thread, n), submitted_by=f"partner{thread}")
        return 25

    def moderator() -> None:
        # Keep draining the queue while partners are still submitting.
        while True:
            queue = store.moderation_queue()
            for revision_id in queue["revision_id"]:
                approved.append(store.approve(int(revision_id), "moderator").id)
            if done.is_set() and queue.empty:
                return

    with ThreadPoolExecutor(max_workers=1) as staff:
        staff_future = staff.submit(moderator)
        try:
            assert sum(run_threads(partner, THREADS)) == submitted
        finally:
            done.set()
        staff_future.result(timeout=120)

    assert len(approved) == len(set(approved)) == submitted
    assert store.count_products(Status.PUBLISHED) == submitted
    assert store.count_products(Status.PENDING) == 0
    assert len(store.products_frame()) == submitted


def test_bulk_imports_and_submissions_interleave(store):
    def writer(thread: int) -> int:
        if thread % 2:
            batch = [offering(thread, n) for n in range(50)]
            for product in batch:
                product.status = Status.PUBLISHED.value
            return store.save_products(batch, f"staff{thread}")
        for n in range(50):
            store.submit_new(offering(thread, n), submitted_by=f"partner{thread}")
        return 50

    assert sum(run_threads(writer, THREADS)) == THREADS * 50
    assert store.count_products(Status.PUBLISHED) == THREADS // 2 * 50
    assert store.count_products(Status.PENDING) == THREADS // 2 * 50


def test_processes_opening_an_empty_database_at_once_set_it_up_once(store):
    # N app processes started together (deploy/run-processes.sh) each create the schema and
    # load the sample into the empty database: one store per worker, its own connections.
    from catalogue.sample_loading import load_sample_catalogue
    from catalogue.storage import CatalogueStore

    store.drop_schema()

    def open_store(_: int) -> int:
        own = CatalogueStore(store.url)
        try:
            with own.setup_lock():
                own.create_schema()
                return load_sample_catalogue(own)
        finally:
            own.dispose()

    loaded = run_threads(open_store, 4)
    # The first loads the sample; the other three wait, then find it there.
    assert sorted(loaded) == [0, 0, 0, store.count_products()]
    assert store.count_products() > 0
    assert store.catalogue_version() == 1
